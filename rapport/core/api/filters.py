"""Filter backends shared by every API list."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

BOOLEAN_VALUES = {"true", "false", "1", "0"}


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, but a yes/no filter with a value other than `true`/`false`
    (or `1`/`0`) is refused (400) instead of being ignored, as the schema promises a
    boolean: `?privacy_blocked=maybe` must not answer every contact."""

    def get_filterset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        errors = {}
        for name, filter_ in filterset.filters.items():
            if not isinstance(filter_, django_filters.BooleanFilter):
                continue
            for value in request.query_params.getlist(name):
                if str(value).strip().lower() not in BOOLEAN_VALUES:
                    errors[name] = [_("Give true or false.")]
        if errors:
            raise ValidationError(errors)
        return filterset


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
