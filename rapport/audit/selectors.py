"""Reading the audit trail: one set of filters for the page, the API and tests.

The filters match exactly so that the trail's indexes serve them on a large trail: the user name
(`username`), the operation (`operation`), the object (`object_type`, `object_key`: the index
`audit_object_idx`) and the time (`at`). A date filter covers whole days in the server's time
zone: `date_from` from its first moment, `date_to` up to and including its last.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, override

from rapport.audit.models import AuditEntry

FILTER_NAMES = ("user", "operation", "object_type", "object_key", "date_from", "date_to")


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_entries(filters: Mapping[str, Any] | None = None) -> QuerySet[AuditEntry]:
    """The audit entries, newest first, that match `filters` (the names of FILTER_NAMES; blank
    or missing values filter nothing)."""
    return filter_audit_entries(AuditEntry.objects.order_by("-at", "-id"), filters or {})


def filter_audit_entries(
    queryset: QuerySet[AuditEntry], filters: Mapping[str, Any]
) -> QuerySet[AuditEntry]:
    """`queryset` narrowed by `filters` (see `audit_entries`)."""
    user = str(filters.get("user") or "").strip()
    if user:
        queryset = queryset.filter(username=user)
    operation = str(filters.get("operation") or "").strip()
    if operation:
        queryset = queryset.filter(operation=operation.lower())
    object_type = str(filters.get("object_type") or "").strip()
    if object_type:
        queryset = queryset.filter(object_type=object_type.lower().replace("-", "_"))
    key = str(filters.get("object_key") or "").strip()
    if key:
        # Keys are stored as the records have them (codes upper case, user names as typed).
        queryset = queryset.filter(Q(object_key=key) | Q(object_key=key.upper()))
    date_from = filters.get("date_from")
    if date_from:
        queryset = queryset.filter(at__gte=_day_start(date_from))
    date_to = filters.get("date_to")
    if date_to:
        if date_to >= datetime.date.max:
            return queryset
        queryset = queryset.filter(at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return queryset


def audit_entry_get(entry_id: int) -> AuditEntry | None:
    return AuditEntry.objects.filter(pk=entry_id).first()


# The filters whose choices are the values the trail holds: field → column (each leads an index).
INDEXED_FILTERS = {"operation": "operation", "object_type": "object_type"}


def _values_through_index(column: str) -> list[str]:
    """The distinct non-blank values of `column` in order, found through its index one value at
    a time (a recursive CTE standing in for a loose index scan): the work grows with the number
    of values, not with the trail, which gains a row per operation. SELECT DISTINCT would read
    the whole index on every load of the page."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    name = connection.ops.quote_name(INDEXED_FILTERS[column])
    sql = (
        f"WITH RECURSIVE found(value) AS ("  # noqa: S608 - the model's table and column
        f" SELECT MIN({name}) FROM {table} WHERE {name} > ''"
        f" UNION ALL"
        f" SELECT (SELECT MIN({name}) FROM {table} WHERE {name} > found.value)"
        f" FROM found WHERE found.value IS NOT NULL"
        f") SELECT value FROM found WHERE value IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def operations() -> list[str]:
    """The operations the trail holds (for the page's filter)."""
    return _values_through_index("operation")


def object_types() -> list[str]:
    """The object types the trail holds (for the page's filter)."""
    return _values_through_index("object_type")


# ---------------------------------------------------------------------------------------------
# Captions: an object type and a field in the user's language, from the models' own names.


@cache
def _model_for(object_type: str) -> Any:
    wanted = object_type.replace("_", "")
    for model in apps.get_models():
        if model._meta.model_name == wanted:
            return model
    return None


@cache
def _field_names() -> dict[str, Any]:
    """Every model field's name with its verbose name (the first model that has it)."""
    names: dict[str, Any] = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            names.setdefault(field.name, field.verbose_name)
    return names


# Keys of bulk operations' `details` that are no model field.
DETAIL_CAPTIONS = {
    "count": gettext_lazy("Number of records"),
    "dry_run": gettext_lazy("Dry run"),
    "filters": gettext_lazy("Filters"),
    "follow_up": gettext_lazy("Follow-up segment"),
    "deliver": gettext_lazy("Deliver"),
}


def _caption(text: Any) -> str:
    """`text` (a model's lazy name, or English words) in the user's language, with a capital:
    the catalogue is asked for the name as it is, with a capital and in lower case, so "no. of
    interactions" finds "No. of interactions"."""
    with override("en"):
        english = str(text)
    candidates = [english, english[:1].upper() + english[1:], english.lower()]
    for candidate in candidates:
        translated = gettext(candidate)
        if translated != candidate:
            return translated[:1].upper() + translated[1:]
    shown = str(text)
    return shown[:1].upper() + shown[1:]


def object_type_caption(object_type: str) -> str:
    """`contact` → "Contact", `logged_segment` → "Logged segment" (Dutch "Geregistreerd
    segment"), from the model's name; else the type in words."""
    if not object_type:
        return ""
    model = _model_for(object_type)
    if model is not None:
        return _caption(model._meta.verbose_name)
    return _caption(object_type.replace("_", " "))


def field_caption(object_type: str, name: str) -> str:
    """A changed field's (or a detail's) caption in the user's language: the verbose name of the
    object's model field, else a known detail's, else any model's field of that name, else the
    name in words."""
    model = _model_for(object_type) if object_type else None
    text: Any = None
    if model is not None:
        try:
            text = model._meta.get_field(name).verbose_name
        except FieldDoesNotExist:
            text = None
    if text is None:
        text = DETAIL_CAPTIONS.get(name) or _field_names().get(name) or name.replace("_", " ")
    return _caption(text)


def in_field_order(object_type: str, names: Any) -> list[str]:
    """`names` in the order of the object's model fields (as its card shows them), the others
    after them by name: the same on every database (PostgreSQL's jsonb keeps no key order)."""
    model = _model_for(object_type) if object_type else None
    order = {field.name: i for i, field in enumerate(model._meta.fields)} if model else {}
    return sorted(names, key=lambda name: (order.get(name, len(order)), name))
