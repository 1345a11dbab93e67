"""Filter backends shared by every API list."""

from __future__ import annotations

from typing import Any

from rest_framework.filters import OrderingFilter


class StableOrderingFilter(OrderingFilter):
    """DRF's ordering with the primary key as the last key, so rows that tie on the requested
    fields always come in the same order (databases differ otherwise, and pages would
    overlap). The tie-breaker runs in the direction of the last requested key."""

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> Any:
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        ordering = list(ordering)
        if any(key.lstrip("-") in ("pk", "id") for key in ordering):
            return ordering
        descending = str(ordering[-1]).startswith("-")
        return [*ordering, "-pk" if descending else "pk"]
