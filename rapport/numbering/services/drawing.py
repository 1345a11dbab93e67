"""Drawing and assigning numbers (NAV's codeunit 396: GetNextNo, InitSeries, TestManual).

The row locks every writer of a series' lines takes are here too (`lock_lines`), so that a draw
and an edit of the series wait for each other in one order."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.core.errors import ConflictError, DomainError, NotFoundError
from rapport.core.notices import notice_warning
from rapport.numbering import rules
from rapport.numbering.models import NumberSeries, NumberSeriesLine

_DRAW_FIELDS = ("last_no_used", "last_date_used", "open")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f]")  # characters below 32


def _locking(queryset: QuerySet[NumberSeriesLine]) -> QuerySet[NumberSeriesLine]:
    """Lock the selected lines (not the series row): FOR NO KEY UPDATE OF the lines, so records
    that merely reference the series are not blocked. SQLite has no row locks; it serialises
    writers itself (the project's transaction_mode IMMEDIATE)."""
    features = connection.features
    if not features.has_select_for_update:
        return queryset
    return queryset.select_for_update(
        no_key=features.has_select_for_no_key_update,
        of=("self",) if features.has_select_for_update_of else (),
    )


def lock_lines(series: NumberSeries) -> list[NumberSeriesLine]:
    """All lines of `series`, locked in id order (one order for every writer: no deadlocks).

    The WHERE clause does not depend on columns a draw changes, so on PostgreSQL a waiting
    transaction gets the rows as the previous one committed them."""
    lines = list(_locking(NumberSeriesLine.objects.filter(series=series).order_by("pk")))
    for line in lines:
        line.series = series
    return lines


def _save_draw(line: NumberSeriesLine, values: Sequence[Any]) -> None:
    """The one UPDATE of a draw, in plain SQL: building it with the ORM cost a third of a draw.
    Table and column names are the model's own, quoted; the values are parameters prepared
    by their fields."""
    qn = connection.ops.quote_name
    meta = NumberSeriesLine._meta
    fields: list[Any] = [meta.get_field(name) for name in _DRAW_FIELDS]
    assignments = ", ".join(f"{qn(field.column)} = %s" for field in fields)
    pk_column: Any = meta.pk.column  # type: ignore[union-attr]
    sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {qn(pk_column)} = %s"  # noqa: S608
    params = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fields, values, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, line.pk])


def _lock_series_lines(code: str) -> tuple[NumberSeries, list[NumberSeriesLine]]:
    """The series `code` and its lines, locked as `lock_lines` does, in one query."""
    key = str(code or "").strip().upper()
    queryset = NumberSeriesLine.objects.select_related("series").filter(series__code=key)
    lines = list(_locking(queryset.order_by("pk")))
    if not lines:
        return get_series(key), []
    series = lines[0].series
    for line in lines:
        line.series = series
    return series, lines


def get_series(code: str) -> NumberSeries:
    """The series `code` (trimmed, upper-cased); NotFoundError when there is none."""
    key = str(code or "").strip().upper()
    try:
        return NumberSeries.objects.get(code=key)
    except NumberSeries.DoesNotExist:
        raise NotFoundError(
            _("There is no number series %(code)s.") % {"code": key}, code="not_found"
        ) from None


def number_series_next(*, code: str, date: datetime.date | None = None) -> str:
    """Draw (consume) the next number of series `code` for `date` (None: today; callers pass
    the user's work date). Reference 3.2:

    1. The line: of the lines starting on or before `date` (blank = always), those with the
       latest starting date; of those the first open one by starting no. It is locked.
    2. Refused (ConflictError, HTTP 409) when there is none (naming the series and the
       date), when the series has Date Order and `date` is before the line's last date used,
       and when the new number would pass the line's ending no. (nothing is consumed then).
    3. The new number is the starting no. for a fresh line, else last no. used counted up by
       increment-by no. (`increment_number`), padded to the ending no.'s width
       (`rules.next_number_of`).
    4. At or past the warning no., a non-blocking warning (`notice_warning`).
    5. Last no. used and last date used are saved and Open is recomputed: a line closes itself
       when it hands out its ending no.

    Runs inside the caller's transaction: if the caller rolls back, the number is given back,
    so numbers are gap-free."""
    draw_date = date or timezone.localdate()
    with transaction.atomic():
        series, lines = _lock_series_lines(code)
        plan = rules.plan_draw(series, lines, draw_date)
        _save_draw(plan.line, [plan.number, draw_date, plan.open_after])
    if plan.warning:
        notice_warning(plan.warning)
    return plan.number


def number_series_next_many(
    *, code: str, count: int, date: datetime.date | None = None
) -> list[str]:
    """Draw `count` numbers at once (an import): exactly what `count` calls of
    `number_series_next` would give, in order, under one lock and with one UPDATE per line
    used. A line that hands out its ending no. closes and the next open line takes over.

    All or nothing: when the series cannot give them all, the ConflictError of the draw that
    fails is raised and nothing is consumed. Runs inside the caller's transaction."""
    if count < 1:
        return []
    draw_date = date or timezone.localdate()
    numbers: list[str] = []
    warning = None
    with transaction.atomic():
        series, lines = _lock_series_lines(code)
        used: dict[int, NumberSeriesLine] = {}
        for _ in range(count):
            plan = rules.plan_draw(series, lines, draw_date)
            line = plan.line
            line.last_no_used, line.last_date_used, line.open = (
                plan.number,
                draw_date,
                plan.open_after,
            )
            used[line.pk] = line
            numbers.append(plan.number)
            warning = plan.warning or warning
        for line in used.values():
            _save_draw(line, [line.last_no_used, line.last_date_used, line.open])
    if warning:
        notice_warning(warning)
    return numbers


def number_series_check_manual(*, code: str | None, number: str) -> None:
    """May `number` be typed by hand on a record whose setup field holds series `code`?
    Reference 3.3: a blank setup series allows any manual number; otherwise the series must
    have Manual Nos. A number is at most 20 characters without control characters."""
    text = str(number or "").strip()
    if len(text) > rules.NUMBER_LENGTH:
        raise DomainError(
            _("A number can have at most %(max)s characters.") % {"max": rules.NUMBER_LENGTH},
            field="no",
        )
    if _CONTROL_CHARACTERS.search(text):
        raise DomainError(_("A number may not contain control characters."), field="no")
    if not code:
        return
    series = get_series(code)
    if not series.manual_nos:
        raise DomainError(
            _(
                "You may not type numbers by hand for number series %(code)s. Leave the number "
                "blank to get the next one, or turn on Manual Nos. in number series %(code)s."
            )
            % {"code": series.code},
            field="no",
            code="manual_nos_off",
        )


def number_series_check_default(
    *, code: str | None, setup_field_label: str, setup_label: str | None = None
) -> NumberSeries:
    """May a record whose setup field (`setup_field_label` on `setup_label`, default Marketing
    Setup) holds series `code` get its number drawn? Refused (ConflictError) when the setup
    field names no series, and when the series does not have Default Nos. Returns the
    series."""
    if not code:
        raise ConflictError(
            _("Set up %(field)s in %(setup)s first.")
            % {"field": setup_field_label, "setup": setup_label or _("Marketing Setup")},
            code="no_series_setup",
        )
    series = get_series(code)
    if not series.default_nos:
        raise ConflictError(
            _(
                "Number series %(code)s does not assign numbers automatically. Type a "
                "number, or turn on Default Nos. in number series %(code)s."
            )
            % {"code": series.code},
            field="no",
            code="default_nos_off",
        )
    return series


def number_series_assign(
    *,
    code: str | None,
    manual_no: str = "",
    date: datetime.date | None = None,
    setup_field_label: str,
    setup_label: str | None = None,
) -> tuple[str, str]:
    """The number for a new record (NAV's InitSeries / TestManual), returned with the code of
    the series it was drawn from ("" for a typed number: NAV clears the record's No. Series).

    * `manual_no` typed: checked with `number_series_check_manual` and returned as typed
      (trimmed).
    * blank: the setup field (`setup_field_label`, e.g. "Segment Nos.", on `setup_label`,
      default Marketing Setup) must name a series, and that series must have Default Nos.
      (`number_series_check_default`); then the next number is drawn for `date` (see
      `number_series_next`)."""
    with transaction.atomic():
        manual = str(manual_no or "").strip()
        if manual:
            number_series_check_manual(code=code, number=manual)
            return manual, ""
        series = number_series_check_default(
            code=code, setup_field_label=setup_field_label, setup_label=setup_label
        )
        return number_series_next(code=series.code, date=date), series.code
