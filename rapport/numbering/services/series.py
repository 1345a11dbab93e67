"""Creating, changing and deleting number series (NAV's No. Series card with its lines).

Where Rapport differs from NAV on purpose: Default Nos. and Manual Nos. may not both be off
(Rapport refuses the save with a message instead of silently switching the other flag on as
NAV/BC do); codes hold no spaces; the lines are checked more strictly (see `lines`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.audit.services import audit_record, audit_values
from rapport.core.cleaners import clean_code, clean_flag, clean_text
from rapport.core.errors import ConflictError, ErrorCollector, NotFoundError, ValidationFailed
from rapport.numbering.models import CODE_LENGTH, NumberSeries, NumberSeriesLine
from rapport.numbering.services.drawing import lock_lines
from rapport.numbering.services.lines import LINE_FIELDS, clean_lines, write_lines

DESCRIPTION_LENGTH = 100

SERIES_LABELS = {
    "code": gettext_lazy("Code"),
    "description": gettext_lazy("Description"),
    "default_nos": gettext_lazy("Default Nos."),
    "manual_nos": gettext_lazy("Manual Nos."),
    "date_order": gettext_lazy("Date Order"),
}

_UNSET: Any = object()
"""An argument of `number_series_update` that was left out: the field keeps its value."""


def _clean_series(
    given: Mapping[str, Any], current: NumberSeries | None, errors: ErrorCollector
) -> dict[str, Any]:
    """The series' own fields, cleaned; a field given as `_UNSET` keeps `current`'s value.
    Default Nos. and Manual Nos. may not both be off."""
    cleaned: dict[str, Any] = {}
    for name, value in given.items():
        label = SERIES_LABELS[name]
        if value is _UNSET:
            cleaned[name] = getattr(current, name)
        elif name == "code":
            cleaned[name] = clean_code(name, value, errors, label=label, max_length=CODE_LENGTH)
        elif name == "description":
            cleaned[name] = clean_text(
                name, value, errors, label=label, max_length=DESCRIPTION_LENGTH
            )
        else:
            cleaned[name] = clean_flag(name, value, errors, label=label)
    if "default_nos" not in errors and "manual_nos" not in errors:
        _check_flags(cleaned["default_nos"], cleaned["manual_nos"], errors)
    return cleaned


def _check_flags(default_nos: bool, manual_nos: bool, errors: ErrorCollector) -> None:
    if not default_nos and not manual_nos:
        errors.add(
            "default_nos",
            _(
                "Turn on Default Nos., Manual Nos. or both: a series with neither cannot give "
                "a record its number."
            ),
        )


def _audit_values(
    series: NumberSeries, lines: Iterable[NumberSeriesLine] | None = None
) -> dict[str, Any]:
    """What the audit trail keeps of a series: its fields and its lines (in line no. order)."""
    if lines is None:
        lines = series.lines.all()
    return {
        **audit_values(series),
        "lines": [
            audit_values(line, (*LINE_FIELDS, "open"))
            for line in sorted(lines, key=lambda line: line.line_no)
        ],
    }


def _refuse_duplicate(code: str) -> None:
    if NumberSeries.objects.filter(code=code).exists():
        raise ValidationFailed(
            {"code": [_("Number series %(code)s already exists.") % {"code": code}]},
            code="duplicate",
        )


def number_series_create(
    *,
    code: str,
    description: str = "",
    default_nos: bool = True,
    manual_nos: bool = False,
    date_order: bool = False,
    lines: Sequence[Mapping[str, Any]] = (),
) -> NumberSeries:
    """Create a number series with its lines, all or nothing.

    Code: required, trimmed, upper-cased, at most 20 characters of A-Z 0-9 - _ . (no spaces),
    unique. Default Nos. and Manual Nos. may not both be off (refused, not switched as in NAV).
    Lines: see `lines.clean_lines` (starting no. required with digits; ending, warning and last
    no. used of the same format; widths harmonised; starting ≤ warning ≤ ending; increment-by
    no. 1 to 1,000,000; lines with one starting date may not overlap). Numbers are trimmed and
    upper-cased (NAV's Code20). Open is computed, never given."""
    errors = ErrorCollector()
    fields = _clean_series(
        {
            "code": code,
            "description": description,
            "default_nos": default_nos,
            "manual_nos": manual_nos,
            "date_order": date_order,
        },
        None,
        errors,
    )
    rows = clean_lines(lines, (), errors)
    errors.raise_if_any()
    with transaction.atomic():
        _refuse_duplicate(fields["code"])
        series = NumberSeries.objects.create(**fields)
        write_lines(series, rows, [])
        audit_record(
            operation="number_series_create",
            object_type="number_series",
            object_key=series.code,
            after=_audit_values(series),
        )
    return series


def _lock_series(series: NumberSeries) -> NumberSeries:
    """The stored row of `series`, locked FOR NO KEY UPDATE: records referencing the series (a
    contact drawn and inserted in one transaction) take KEY SHARE locks on it; FOR UPDATE
    would deadlock with them."""
    try:
        no_key = connection.features.has_select_for_no_key_update
        return NumberSeries.objects.select_for_update(no_key=no_key).get(pk=series.pk)
    except NumberSeries.DoesNotExist:
        raise NotFoundError(
            _("There is no number series %(code)s.") % {"code": series.code}
        ) from None


def number_series_update(
    *,
    series: NumberSeries,
    code: str = _UNSET,
    description: str = _UNSET,
    default_nos: bool = _UNSET,
    manual_nos: bool = _UNSET,
    date_order: bool = _UNSET,
    lines: Sequence[Mapping[str, Any]] | None = None,
) -> NumberSeries:
    """Change a series; arguments left out keep their value, `lines=None` keeps the lines.

    The same rules as `number_series_create`. `lines` replaces the set of lines: matched by
    line_no, stored lines not in it are deleted, lines without line_no are added; a field left
    out of a stored line keeps its value (so last no. used and last date used drawn meanwhile
    survive an edit of another field). The lines are locked while they are checked and
    written, so a concurrent draw waits. All or nothing."""
    errors = ErrorCollector()
    with transaction.atomic():
        current = _lock_series(series)
        fields = _clean_series(
            {
                "code": code,
                "description": description,
                "default_nos": default_nos,
                "manual_nos": manual_nos,
                "date_order": date_order,
            },
            current,
            errors,
        )
        stored_lines = lock_lines(current)
        before = _audit_values(current, stored_lines)
        rows = None if lines is None else clean_lines(lines, stored_lines, errors)
        errors.raise_if_any()
        if fields["code"] != current.code:
            _refuse_duplicate(fields["code"])
        for name, value in fields.items():
            setattr(current, name, value)
        current.save()
        if rows is not None:
            write_lines(current, rows, stored_lines)
        audit_record(
            operation="number_series_update",
            object_type="number_series",
            object_key=current.code,
            before=before,
            after=_audit_values(current),
        )
    series.refresh_from_db()
    return series


def _usage(series: NumberSeries, protected: Iterable[Any]) -> str:
    """'Marketing Setup (Contact nos.), 12 contacts' for the records that reference `series`."""
    by_model: dict[type[models.Model], list[Any]] = {}
    for obj in protected:
        by_model.setdefault(type(obj), []).append(obj)
    parts = []
    for model, objects in by_model.items():
        if len(objects) == 1:
            obj = objects[0]
            fields = [
                str(capfirst(f.verbose_name))
                for f in model._meta.concrete_fields
                if f.is_relation
                and f.related_model is NumberSeries
                and getattr(obj, f.attname) == series.pk
            ]
            parts.append(f"{obj} ({', '.join(fields)})" if fields else str(obj))
        else:
            parts.append(f"{len(objects)} {model._meta.verbose_name_plural}")
    return ", ".join(parts)


def number_series_delete(*, series: NumberSeries) -> None:
    """Delete a series and its lines. Refused (ConflictError) while Marketing Setup or any
    other record references it, naming what uses it."""
    try:
        with transaction.atomic():
            before = _audit_values(series)
            series.delete()
            audit_record(
                operation="number_series_delete",
                object_type="number_series",
                object_key=before["code"],
                before=before,
            )
    except (ProtectedError, RestrictedError) as exc:
        objects = (
            exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        )
        raise ConflictError(
            _("Number series %(code)s cannot be deleted because it is in use: %(uses)s.")
            % {"code": series.code, "uses": _usage(series, objects)},
            code="in_use",
        ) from exc
