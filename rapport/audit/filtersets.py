"""The audit trail's API filters: their names, types and checks (a date that is not a date is
refused with 400); the filtering itself is `selectors.filter_audit_entries`, as on the page."""

from __future__ import annotations

from typing import Any

import django_filters

from rapport.audit import selectors
from rapport.audit.models import AuditEntry
from rapport.core.dates import validate_date_in_range


class AuditEntryFilterSet(django_filters.FilterSet):
    user = django_filters.CharFilter(max_length=150, help_text="The user name (exact).")
    operation = django_filters.CharFilter(
        max_length=64, help_text="The operation, e.g. `contact_update` (exact)."
    )
    object_type = django_filters.CharFilter(
        max_length=64, help_text="The object type, e.g. `contact`, `logged_segment` (exact)."
    )
    object_key = django_filters.CharFilter(
        max_length=100, help_text="The object's key, e.g. `CT000012` (exact)."
    )
    date_from = django_filters.DateFilter(
        validators=[validate_date_in_range], help_text="From this day (inclusive)."
    )
    date_to = django_filters.DateFilter(
        validators=[validate_date_in_range], help_text="Up to this day (inclusive)."
    )

    class Meta:
        model = AuditEntry
        fields: list[str] = []

    def filter_queryset(self, queryset: Any) -> Any:
        return selectors.filter_audit_entries(queryset, self.form.cleaned_data)
