"""Business operations on number series (NAV's No. Series, No. Series Line and codeunit 396).

Every write with a rule lives here. Each function is one transaction and raises a DomainError
subclass with a user-facing message; the pure counting rules are in `rules`.

Where Rapport differs from NAV on purpose (for docs/differences.md):

* `increment_number("INV-55")` is `INV-56`: a dash before the counter is text, not a minus sign
  (NAV's INCSTR special-cases it as a negative number; see `rules`).
* Numbers of one format compare by counter value, not as text (see `rules`).
* Default Nos. and Manual Nos. may not both be off: Rapport refuses the save with a message
  instead of silently switching the other flag on as NAV/BC do.
* Drawing a number is gap-free, as in NAV 2018: the line row is locked and the number is only
  consumed when the caller's transaction commits.
* Rapport checks more when a series is saved: codes hold no spaces; ending, warning and last
  no. used must have the starting no.'s format (NAV only checks this against last no. used);
  warning no. must lie between starting and ending no.; last no. used must lie between starting
  and ending no.; lines with the same starting date may not have overlapping ranges (their
  numbers would be handed out twice).
* Refusals of a draw (no line for the date, used up, date order) are conflicts (HTTP 409):
  the request is fine, the state of the series refuses it.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.db.models import ProtectedError, QuerySet, RestrictedError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.core.dates import check_date_in_range
from rapport.core.errors import (
    ConflictError,
    DomainError,
    ErrorCollector,
    NotFoundError,
    ValidationFailed,
)
from rapport.core.notices import notice_warning
from rapport.numbering import rules
from rapport.numbering.models import CODE_LENGTH, NumberSeries, NumberSeriesLine
from rapport.numbering.rules import increment_number

__all__ = [
    "increment_number",
    "number_series_assign",
    "number_series_check_manual",
    "number_series_create",
    "number_series_delete",
    "number_series_next",
    "number_series_update",
]

CODE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9_.\-]*\Z")
"""A series code: upper-case letters, digits, `-`, `_` and `.`, starting with a letter or
digit (it is part of URLs). Input is trimmed and upper-cased first."""

DESCRIPTION_LENGTH = 100
LINE_NO_STEP = 10000
MAX_LINE_NO = 2_000_000_000
MAX_LINES = 500

NUMBER_FIELDS = ("starting_no", "ending_no", "warning_no", "last_no_used")
LINE_FIELDS = (
    "line_no",
    "starting_date",
    "starting_no",
    "ending_no",
    "warning_no",
    "increment_by",
    "last_no_used",
    "last_date_used",
)
_READ_ONLY_LINE_FIELDS = frozenset({"open"})

LINE_LABELS = {
    "line_no": gettext_lazy("Line No."),
    "starting_date": gettext_lazy("Starting Date"),
    "starting_no": gettext_lazy("Starting No."),
    "ending_no": gettext_lazy("Ending No."),
    "warning_no": gettext_lazy("Warning No."),
    "increment_by": gettext_lazy("Increment-by No."),
    "last_no_used": gettext_lazy("Last No. Used"),
    "last_date_used": gettext_lazy("Last Date Used"),
}

_UNSET: Any = object()


# ---------------------------------------------------------------------------------------------
# Drawing and assigning numbers


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


def _lock_lines(series: NumberSeries) -> list[NumberSeriesLine]:
    """All lines of `series`, locked in id order (one order for every writer: no deadlocks).

    The WHERE clause does not depend on columns a draw changes, so on PostgreSQL a waiting
    transaction gets the rows as the previous one committed them."""
    lines = list(_locking(NumberSeriesLine.objects.filter(series=series).order_by("pk")))
    for line in lines:
        line.series = series
    return lines


_DRAW_FIELDS = ("last_no_used", "last_date_used", "open")


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
    """The series `code` and its lines, locked as `_lock_lines` does, in one query."""
    key = str(code or "").strip().upper()
    queryset = NumberSeriesLine.objects.select_related("series").filter(series__code=key)
    lines = list(_locking(queryset.order_by("pk")))
    if not lines:
        return _get_series(key), []
    series = lines[0].series
    for line in lines:
        line.series = series
    return series, lines


def _get_series(code: str) -> NumberSeries:
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
    if any(ord(char) < 32 for char in text):
        raise DomainError(_("A number may not contain control characters."), field="no")
    if not code:
        return
    series = _get_series(code)
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
      default Marketing Setup) must name a series, and that series must have Default Nos.;
      then the next number is drawn for `date` (see `number_series_next`)."""
    with transaction.atomic():
        manual = str(manual_no or "").strip()
        if manual:
            number_series_check_manual(code=code, number=manual)
            return manual, ""
        if not code:
            raise ConflictError(
                _("Set up %(field)s in %(setup)s first.")
                % {"field": setup_field_label, "setup": setup_label or _("Marketing Setup")},
                code="no_series_setup",
            )
        series = _get_series(code)
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
        return number_series_next(code=series.code, date=date), series.code


# ---------------------------------------------------------------------------------------------
# Creating, changing and deleting series


def _has_control_chars(text: str) -> bool:
    return any(ord(char) < 32 or ord(char) == 127 for char in text)


def _clean_code(value: Any, errors: ErrorCollector) -> str:
    if not isinstance(value, str):
        errors.add("code", _("Code must be text."))
        return ""
    code = value.strip().upper()
    if not code:
        errors.add("code", _("Code must have a value."))
    elif len(code) > CODE_LENGTH:
        errors.add("code", _("Code can have at most %(max)s characters.") % {"max": CODE_LENGTH})
    elif not CODE_PATTERN.match(code):
        errors.add(
            "code",
            _(
                "Code may only hold letters, digits, - _ and . (no spaces), and must start "
                "with a letter or digit."
            ),
        )
    return code


def _clean_description(value: Any, errors: ErrorCollector) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add("description", _("Description must be text."))
        return ""
    text = value.strip()
    if _has_control_chars(text):
        errors.add("description", _("Description may not contain control characters."))
    elif len(text) > DESCRIPTION_LENGTH:
        errors.add(
            "description",
            _("Description can have at most %(max)s characters.") % {"max": DESCRIPTION_LENGTH},
        )
    return text


def _clean_flag(name: str, value: Any, errors: ErrorCollector) -> bool:
    if not isinstance(value, bool):
        errors.add(name, _("Must be true or false."))
        return False
    return value


def _check_flags(default_nos: bool, manual_nos: bool, errors: ErrorCollector) -> None:
    if not default_nos and not manual_nos:
        errors.add(
            "default_nos",
            _(
                "Turn on Default Nos., Manual Nos. or both: a series with neither cannot give "
                "a record its number."
            ),
        )


@dataclass
class _LineRow:
    """One submitted line after cleaning: its values, and the stored line it replaces."""

    index: int
    values: dict[str, Any]
    stored: NumberSeriesLine | None
    changed: set[str] = field(default_factory=set)


def _stored_values(line: NumberSeriesLine | None) -> dict[str, Any]:
    if line is None:
        return {
            "starting_date": None,
            "starting_no": "",
            "ending_no": "",
            "warning_no": "",
            "increment_by": 1,
            "last_no_used": "",
            "last_date_used": None,
        }
    return {name: getattr(line, name) for name in LINE_FIELDS if name != "line_no"}


def _clean_number(value: Any, name: str, prefix: str, errors: ErrorCollector) -> str | None:
    label = LINE_LABELS[name]
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(f"{prefix}.{name}", _("%(field)s must be text.") % {"field": label})
        return None
    text = value.strip().upper()
    if _has_control_chars(text):
        errors.add(
            f"{prefix}.{name}",
            _("%(field)s may not contain control characters.") % {"field": label},
        )
        return None
    if len(text) > rules.NUMBER_LENGTH:
        errors.add(
            f"{prefix}.{name}",
            _("%(field)s can have at most %(max)s characters.")
            % {"field": label, "max": rules.NUMBER_LENGTH},
        )
        return None
    if text and not rules.has_digit(text):
        errors.add(
            f"{prefix}.{name}",
            _("%(field)s must contain digits to count up, e.g. SEG00001.") % {"field": label},
        )
        return None
    return text


def _clean_date(value: Any, name: str, prefix: str, errors: ErrorCollector) -> Any:
    if value is None or value == "":
        return None
    day: Any = None
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            day = datetime.date.fromisoformat(value)
    elif isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        day = value
    if day is not None:
        if check_date_in_range(f"{prefix}.{name}", day, errors):
            return day
        return _UNSET
    errors.add(
        f"{prefix}.{name}",
        _("%(field)s must be a date (YYYY-MM-DD).") % {"field": LINE_LABELS[name]},
    )
    return _UNSET


def _clean_increment(value: Any, prefix: str, errors: ErrorCollector) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(
            f"{prefix}.increment_by",
            _("%(field)s must be a whole number.") % {"field": LINE_LABELS["increment_by"]},
        )
        return None
    if not 1 <= value <= rules.MAX_INCREMENT:
        errors.add(
            f"{prefix}.increment_by",
            _("%(field)s must be between 1 and %(max)s.")
            % {"field": LINE_LABELS["increment_by"], "max": f"{rules.MAX_INCREMENT:,}"},
        )
        return None
    return value


def _format_error(name: str, other: str, number: str) -> str:
    return _(
        "The number format in %(field)s must be the same as the number format in %(other)s "
        "(%(number)s)."
    ) % {"field": LINE_LABELS[name], "other": LINE_LABELS[other], "number": number}


def _harmonise(row: _LineRow, prefix: str, errors: ErrorCollector) -> None:
    """The number rules of one line (NAV's UpdateNoSeriesLine, made stricter).

    * Ending, warning and last no. used have the starting no.'s format: the same text before
      and after the counter.
    * Widths are harmonised: starting, ending and warning no. are zero-padded to the widest of
      the three (SEG1 with ending SEG99999 becomes SEG00001). Last no. used is padded too when
      the user typed it; when it was not changed but would have to change, the change is
      refused (NAV: "The number format in <field> must be the same as the number format in
      Last No. Used.").
    * Starting ≤ ending; a warning no. needs an ending no. (clearing the ending no. of a stored
      line clears its unchanged warning no., as in NAV) and lies between starting and ending;
      last no. used lies between starting and ending.
    """
    values = row.values
    starting = values["starting_no"]
    start_parts = rules.split_number(starting)
    assert start_parts is not None  # has_digit was checked
    bad = False
    for name in ("ending_no", "warning_no", "last_no_used"):
        parts = rules.split_number(values[name]) if values[name] else None
        if parts is not None and parts.format != start_parts.format:
            errors.add(f"{prefix}.{name}", _format_error(name, "starting_no", starting))
            bad = True
    if bad:
        return

    original_widths = {
        name: rules.split_number(values[name]).width  # type: ignore[union-attr]
        for name in ("starting_no", "ending_no", "warning_no")
        if values[name]
    }
    width = max(original_widths.values())
    for name in original_widths:
        values[name] = rules.pad_number(values[name], width)

    last = values["last_no_used"]
    if last:
        last_parts = rules.split_number(last)
        assert last_parts is not None
        if last_parts.width < width:
            culprit = next(
                (
                    name
                    for name in ("ending_no", "warning_no", "starting_no")
                    if original_widths.get(name) == width and name in row.changed
                ),
                None,
            )
            if "last_no_used" in row.changed or culprit is None:
                values["last_no_used"] = rules.pad_number(last, width)
            else:
                errors.add(f"{prefix}.{culprit}", _format_error(culprit, "last_no_used", last))
                return
        elif last_parts.width > width and last_parts.digits.startswith("0"):
            errors.add(
                f"{prefix}.last_no_used", _format_error("last_no_used", "starting_no", starting)
            )
            return

    starting, ending = values["starting_no"], values["ending_no"]
    warning, last = values["warning_no"], values["last_no_used"]
    if ending and rules.compare_numbers(starting, ending) > 0:
        errors.add(
            f"{prefix}.ending_no",
            _("Ending No. %(ending)s is lower than Starting No. %(starting)s.")
            % {"ending": ending, "starting": starting},
        )
        return
    if warning and not ending:
        if (
            row.stored is not None
            and "ending_no" in row.changed
            and "warning_no" not in row.changed
        ):
            values["warning_no"] = ""
        else:
            errors.add(
                f"{prefix}.warning_no",
                _("Warning No. needs an Ending No.: fill in Ending No. or clear Warning No."),
            )
            return
    elif warning and not (
        rules.compare_numbers(starting, warning) <= 0 <= rules.compare_numbers(ending, warning)
    ):
        errors.add(
            f"{prefix}.warning_no",
            _(
                "Warning No. %(warning)s must lie between Starting No. %(starting)s and "
                "Ending No. %(ending)s."
            )
            % {"warning": warning, "starting": starting, "ending": ending},
        )
        return
    if last and rules.compare_numbers(last, starting) < 0:
        errors.add(
            f"{prefix}.last_no_used",
            _(
                "Last No. Used %(last)s is lower than Starting No. %(starting)s. Clear Last No. "
                "Used to begin at the starting no."
            )
            % {"last": last, "starting": starting},
        )
    elif last and ending and rules.compare_numbers(last, ending) > 0:
        errors.add(
            f"{prefix}.last_no_used",
            _("Last No. Used %(last)s is greater than Ending No. %(ending)s.")
            % {"last": last, "ending": ending},
        )


def _check_overlaps(rows: Sequence[_LineRow], errors: ErrorCollector) -> None:
    """Lines with the same starting date are used one after the other, so their ranges (of the
    same format) may not overlap: the numbers would be handed out twice."""
    by_date: dict[datetime.date | None, list[_LineRow]] = {}
    for row in rows:
        by_date.setdefault(row.values["starting_date"], []).append(row)
    for group in by_date.values():
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                if _ranges_overlap(first.values, second.values):
                    later = max(first, second, key=lambda row: row.index)
                    other = first if later is second else second
                    errors.add(
                        f"lines.{later.index}.starting_no",
                        _(
                            "The numbers of this line overlap those of line %(other)s, which "
                            "has the same starting date: numbers would be handed out twice."
                        )
                        % {"other": other.values["line_no"]},
                    )


def _ranges_overlap(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    a_start, b_start = rules.split_number(a["starting_no"]), rules.split_number(b["starting_no"])
    if a_start is None or b_start is None or a_start.format != b_start.format:
        return False
    a_end = rules.split_number(a["ending_no"]).value if a["ending_no"] else None  # type: ignore[union-attr]
    b_end = rules.split_number(b["ending_no"]).value if b["ending_no"] else None  # type: ignore[union-attr]
    a_ok = a_end is None or b_start.value <= a_end
    b_ok = b_end is None or a_start.value <= b_end
    return a_ok and b_ok


def _is_line_no(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_LINE_NO


def _clean_lines(
    lines: Any, stored_lines: Iterable[NumberSeriesLine], errors: ErrorCollector
) -> list[_LineRow]:
    """Validate the submitted set of lines. Lines are matched to stored ones by `line_no`; a
    line without `line_no` is new and gets the next free one (steps of 10000, as NAV). For a
    stored line, a field that is not given keeps its stored value (so a concurrent draw's last
    no. used is not overwritten)."""
    if not isinstance(lines, list | tuple):
        errors.add("lines", _("Lines must be a list."))
        return []
    if len(lines) > MAX_LINES:
        errors.add("lines", _("A series can have at most %(max)s lines.") % {"max": MAX_LINES})
        return []
    stored = {line.line_no: line for line in stored_lines}
    explicit: list[int] = [
        item["line_no"]
        for item in lines
        if isinstance(item, Mapping) and _is_line_no(item.get("line_no"))
    ]
    highest = max([*stored, *explicit, 0])
    next_line_no = (highest // LINE_NO_STEP + 1) * LINE_NO_STEP
    seen: set[int] = set()
    rows: list[_LineRow] = []
    for index, item in enumerate(lines):
        prefix = f"lines.{index}"
        if not isinstance(item, Mapping):
            errors.add(prefix, _("Each line must be an object of fields."))
            continue
        unknown = sorted(set(item) - set(LINE_FIELDS) - _READ_ONLY_LINE_FIELDS)
        if unknown:
            errors.add(prefix, _("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)})
            continue
        line_no = item.get("line_no")
        if line_no is None:
            line_no = next_line_no
            next_line_no += LINE_NO_STEP
        elif not _is_line_no(line_no):
            errors.add(f"{prefix}.line_no", _("Line No. must be a positive whole number."))
            continue
        if line_no in seen:
            errors.add(
                f"{prefix}.line_no",
                _("Line No. %(line_no)s appears twice.") % {"line_no": line_no},
            )
            continue
        seen.add(line_no)
        stored_line = stored.get(line_no)
        values = _stored_values(stored_line)
        given: dict[str, Any] = {}
        ok = True
        for name in NUMBER_FIELDS:
            if name in item:
                cleaned = _clean_number(item[name], name, prefix, errors)
                ok = ok and cleaned is not None
                given[name] = cleaned
        for name in ("starting_date", "last_date_used"):
            if name in item:
                cleaned = _clean_date(item[name], name, prefix, errors)
                ok = ok and cleaned is not _UNSET
                given[name] = cleaned
        if "increment_by" in item:
            increment = _clean_increment(item["increment_by"], prefix, errors)
            ok = ok and increment is not None
            given["increment_by"] = increment
        if not ok:
            continue
        changed = {
            name for name, value in given.items() if stored_line is None or value != values[name]
        }
        values.update(given)
        values["line_no"] = line_no
        if not values["starting_no"]:
            errors.add(
                f"{prefix}.starting_no",
                _("%(field)s must have a value.") % {"field": LINE_LABELS["starting_no"]},
            )
            continue
        if stored_line is None:
            changed = set(NUMBER_FIELDS) | {"starting_date", "increment_by", "last_date_used"}
        row = _LineRow(index=index, values=values, stored=stored_line, changed=changed)
        _harmonise(row, prefix, errors)
        values["open"] = rules.line_is_open(
            ending_no=values["ending_no"], last_no_used=values["last_no_used"]
        )
        rows.append(row)
    if not errors:
        _check_overlaps(rows, errors)
    return rows


def _write_lines(
    series: NumberSeries, rows: Sequence[_LineRow], stored_lines: Sequence[NumberSeriesLine]
) -> None:
    keep = {row.values["line_no"] for row in rows}
    gone = [line.pk for line in stored_lines if line.line_no not in keep]
    if gone:
        NumberSeriesLine.objects.filter(pk__in=gone).delete()
    new_lines = []
    for row in rows:
        if row.stored is None:
            new_lines.append(NumberSeriesLine(series=series, **row.values))
            continue
        changed_fields = [
            name for name, value in row.values.items() if getattr(row.stored, name) != value
        ]
        if changed_fields:
            for name in changed_fields:
                setattr(row.stored, name, row.values[name])
            row.stored.save(update_fields=changed_fields)
    if new_lines:
        NumberSeriesLine.objects.bulk_create(new_lines)


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
    Lines: see `_clean_lines` and `_harmonise` (starting no. required with digits; ending,
    warning and last no. used of the same format; widths harmonised; starting ≤ warning ≤
    ending; increment-by no. 1 to 1,000,000; lines with one starting date may not overlap).
    Numbers are trimmed and upper-cased (NAV's Code20). Open is computed, never given."""
    errors = ErrorCollector()
    code = _clean_code(code, errors)
    description = _clean_description(description, errors)
    default_nos = _clean_flag("default_nos", default_nos, errors)
    manual_nos = _clean_flag("manual_nos", manual_nos, errors)
    date_order = _clean_flag("date_order", date_order, errors)
    if "default_nos" not in errors and "manual_nos" not in errors:
        _check_flags(default_nos, manual_nos, errors)
    rows = _clean_lines(lines, (), errors)
    errors.raise_if_any()
    with transaction.atomic():
        if NumberSeries.objects.filter(code=code).exists():
            raise ValidationFailed(
                {"code": [_("Number series %(code)s already exists.") % {"code": code}]},
                code="duplicate",
            )
        series = NumberSeries.objects.create(
            code=code,
            description=description,
            default_nos=default_nos,
            manual_nos=manual_nos,
            date_order=date_order,
        )
        _write_lines(series, rows, [])
    return series


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
        try:
            # NO KEY: records referencing the series (a contact drawn and inserted in one
            # transaction) take KEY SHARE locks on it; FOR UPDATE would deadlock with them.
            no_key = connection.features.has_select_for_no_key_update
            current = NumberSeries.objects.select_for_update(no_key=no_key).get(pk=series.pk)
        except NumberSeries.DoesNotExist:
            raise NotFoundError(
                _("There is no number series %(code)s.") % {"code": series.code}
            ) from None
        new_code = current.code if code is _UNSET else _clean_code(code, errors)
        new_description = (
            current.description
            if description is _UNSET
            else _clean_description(description, errors)
        )
        flags = {}
        for name, value in (
            ("default_nos", default_nos),
            ("manual_nos", manual_nos),
            ("date_order", date_order),
        ):
            flags[name] = (
                getattr(current, name) if value is _UNSET else _clean_flag(name, value, errors)
            )
        if "default_nos" not in errors and "manual_nos" not in errors:
            _check_flags(flags["default_nos"], flags["manual_nos"], errors)
        stored_lines = _lock_lines(current)
        rows = None if lines is None else _clean_lines(lines, stored_lines, errors)
        errors.raise_if_any()
        if new_code != current.code and NumberSeries.objects.filter(code=new_code).exists():
            raise ValidationFailed(
                {"code": [_("Number series %(code)s already exists.") % {"code": new_code}]},
                code="duplicate",
            )
        current.code = new_code
        current.description = new_description
        for name, value in flags.items():
            setattr(current, name, value)
        current.save()
        if rows is not None:
            _write_lines(current, rows, stored_lines)
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
            series.delete()
    except (ProtectedError, RestrictedError) as exc:
        objects = (
            exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        )
        raise ConflictError(
            _("Number series %(code)s cannot be deleted because it is in use: %(uses)s.")
            % {"code": series.code, "uses": _usage(series, objects)},
            code="in_use",
        ) from exc
