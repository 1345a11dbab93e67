"""The lines of a number series (NAV's No. Series Line): checking a submitted set of lines and
writing it. Used by `series` when a series is created or changed.

Rapport checks more than NAV: ending, warning and last no. used must have the starting no.'s
format (NAV only checks this against last no. used); warning no. must lie between starting
and ending no.; last no. used must lie between starting and ending no.; lines with the same
starting date may not have overlapping ranges (their numbers would be handed out twice).
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.core.cleaners import clean_date, clean_text
from rapport.core.errors import ErrorCollector
from rapport.numbering import rules
from rapport.numbering.models import NumberSeries, NumberSeriesLine

LINE_NO_STEP = 10000
MAX_LINE_NO = 2_000_000_000
MAX_LINES = 500

NUMBER_FIELDS = ("starting_no", "ending_no", "warning_no", "last_no_used")
DATE_FIELDS = ("starting_date", "last_date_used")
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

_REFUSED: Any = object()
"""What a line's cleaner returns for a value it refused (None is a valid blank date)."""


@dataclass
class LineRow:
    """One submitted line after cleaning: its values, and the stored line it replaces."""

    index: int
    values: dict[str, Any]
    stored: NumberSeriesLine | None
    changed: set[str] = field(default_factory=set)

    @property
    def prefix(self) -> str:
        """The key of the line's errors: `lines.<index>`."""
        return f"lines.{self.index}"


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


# ---------------------------------------------------------------------------------------------
# The fields of one line


def _cleaned(
    cleaner: Callable[..., Any], key: str, value: Any, errors: ErrorCollector, **options: Any
) -> Any:
    """A shared cleaner (`rapport.core.cleaners`) run for one field of a line: its value, or
    `_REFUSED` when it refused the value (its errors are passed on to `errors`)."""
    found = ErrorCollector()
    cleaned = cleaner(key, value, found, **options)
    for name, messages in found.errors.items():
        for message in messages:
            errors.add(name, message)
    return _REFUSED if found else cleaned


def _clean_number(value: Any, name: str, prefix: str, errors: ErrorCollector) -> Any:
    """A number of a line: text, upper-cased (NAV's Code20) and trimmed, at most 20 characters,
    with digits to count up; blank allowed. `_REFUSED` when refused."""
    key = f"{prefix}.{name}"
    upper = value.upper() if isinstance(value, str) else value
    text = _cleaned(
        clean_text, key, upper, errors, label=LINE_LABELS[name], max_length=rules.NUMBER_LENGTH
    )
    if text is not _REFUSED and text and not rules.has_digit(text):
        errors.add(
            key,
            _("%(field)s must contain digits to count up, e.g. SEG00001.")
            % {"field": LINE_LABELS[name]},
        )
        return _REFUSED
    return text


def _clean_increment(value: Any, prefix: str, errors: ErrorCollector) -> Any:
    """Increment-by No.: a whole number from 1 to 1,000,000. `_REFUSED` when refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(
            f"{prefix}.increment_by",
            _("%(field)s must be a whole number.") % {"field": LINE_LABELS["increment_by"]},
        )
        return _REFUSED
    if not 1 <= value <= rules.MAX_INCREMENT:
        errors.add(
            f"{prefix}.increment_by",
            _("%(field)s must be between 1 and %(max)s.")
            % {"field": LINE_LABELS["increment_by"], "max": f"{rules.MAX_INCREMENT:,}"},
        )
        return _REFUSED
    return value


def _clean_given(item: Mapping[str, Any], prefix: str, errors: ErrorCollector) -> dict | None:
    """The fields the submitted line gives, cleaned; None when any of them is refused."""
    given: dict[str, Any] = {}
    for name in NUMBER_FIELDS:
        if name in item:
            given[name] = _clean_number(item[name], name, prefix, errors)
    for name in DATE_FIELDS:
        if name in item:
            label = LINE_LABELS[name]
            given[name] = _cleaned(clean_date, f"{prefix}.{name}", item[name], errors, label=label)
    if "increment_by" in item:
        given["increment_by"] = _clean_increment(item["increment_by"], prefix, errors)
    if any(value is _REFUSED for value in given.values()):
        return None
    return given


# ---------------------------------------------------------------------------------------------
# The numbers of one line


def _format_error(name: str, other: str, number: str) -> str:
    return _(
        "The number format in %(field)s must be the same as the number format in %(other)s "
        "(%(number)s)."
    ) % {"field": LINE_LABELS[name], "other": LINE_LABELS[other], "number": number}


def _harmonise(row: LineRow, errors: ErrorCollector) -> None:
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
    if _check_formats(row, errors) and _pad_widths(row, errors):
        _check_order(row, errors)


def _check_formats(row: LineRow, errors: ErrorCollector) -> bool:
    """Ending, warning and last no. used have the starting no.'s format. True when they do."""
    values = row.values
    starting = values["starting_no"]
    start_parts = rules.split_number(starting)
    assert start_parts is not None  # has_digit was checked
    ok = True
    for name in ("ending_no", "warning_no", "last_no_used"):
        parts = rules.split_number(values[name]) if values[name] else None
        if parts is not None and parts.format != start_parts.format:
            errors.add(f"{row.prefix}.{name}", _format_error(name, "starting_no", starting))
            ok = False
    return ok


def _pad_widths(row: LineRow, errors: ErrorCollector) -> bool:
    """Starting, ending and warning no. padded to the widest of them; last no. used too when
    it was typed. True when the widths agree (else the error names the field to correct)."""
    values = row.values
    starting = values["starting_no"]  # as given: the message names it unpadded
    original_widths = {
        name: rules.split_number(values[name]).width  # type: ignore[union-attr]
        for name in ("starting_no", "ending_no", "warning_no")
        if values[name]
    }
    width = max(original_widths.values())
    for name in original_widths:
        values[name] = rules.pad_number(values[name], width)
    last = values["last_no_used"]
    if not last:
        return True
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
            errors.add(f"{row.prefix}.{culprit}", _format_error(culprit, "last_no_used", last))
            return False
    elif last_parts.width > width and last_parts.digits.startswith("0"):
        error = _format_error("last_no_used", "starting_no", starting)
        errors.add(f"{row.prefix}.last_no_used", error)
        return False
    return True


def _check_order(row: LineRow, errors: ErrorCollector) -> None:
    """Starting ≤ ending; a warning no. needs an ending no. and lies between starting and
    ending; last no. used lies between starting and ending."""
    values, prefix = row.values, row.prefix
    starting, ending = values["starting_no"], values["ending_no"]
    if ending and rules.compare_numbers(starting, ending) > 0:
        errors.add(
            f"{prefix}.ending_no",
            _("Ending No. %(ending)s is lower than Starting No. %(starting)s.")
            % {"ending": ending, "starting": starting},
        )
        return
    if _check_warning(row, errors):
        _check_last_no_used(values, prefix, errors)


def _check_warning(row: LineRow, errors: ErrorCollector) -> bool:
    """A warning no. needs an ending no. (clearing the ending no. of a stored line clears its
    unchanged warning no., as in NAV) and lies between starting and ending. True when fine."""
    values, prefix = row.values, row.prefix
    starting, ending, warning = values["starting_no"], values["ending_no"], values["warning_no"]
    if warning and not ending:
        if (
            row.stored is not None
            and "ending_no" in row.changed
            and "warning_no" not in row.changed
        ):
            values["warning_no"] = ""
            return True
        errors.add(
            f"{prefix}.warning_no",
            _("Warning No. needs an Ending No.: fill in Ending No. or clear Warning No."),
        )
        return False
    if warning and not (
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
        return False
    return True


def _check_last_no_used(values: Mapping[str, Any], prefix: str, errors: ErrorCollector) -> None:
    starting, ending, last = values["starting_no"], values["ending_no"], values["last_no_used"]
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


# ---------------------------------------------------------------------------------------------
# The set of lines


def _check_overlaps(rows: Sequence[LineRow], errors: ErrorCollector) -> None:
    """Lines with the same starting date are used one after the other, so their ranges (of the
    same format) may not overlap: the numbers would be handed out twice."""
    by_date: dict[datetime.date | None, list[LineRow]] = {}
    for row in rows:
        by_date.setdefault(row.values["starting_date"], []).append(row)
    for group in by_date.values():
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                if _ranges_overlap(first.values, second.values):
                    later = max(first, second, key=lambda row: row.index)
                    other = first if later is second else second
                    errors.add(
                        f"{later.prefix}.starting_no",
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


def _free_line_nos(lines: Sequence[Any], stored: Iterable[int]) -> Iterator[int]:
    """The line nos. for lines without one: steps of 10000 after the highest given or stored."""
    explicit = [
        item["line_no"]
        for item in lines
        if isinstance(item, Mapping) and _is_line_no(item.get("line_no"))
    ]
    highest = max([*stored, *explicit, 0])
    return itertools.count((highest // LINE_NO_STEP + 1) * LINE_NO_STEP, LINE_NO_STEP)


def _line_no_of(
    item: Any, prefix: str, free: Iterator[int], seen: set[int], errors: ErrorCollector
) -> int | None:
    """The submitted line's line no. (the next free one when it gives none); None when the
    line is refused: not an object, unknown fields, a bad or repeated line no."""
    if not isinstance(item, Mapping):
        errors.add(prefix, _("Each line must be an object of fields."))
        return None
    unknown = sorted(set(item) - set(LINE_FIELDS) - _READ_ONLY_LINE_FIELDS)
    if unknown:
        errors.add(prefix, _("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)})
        return None
    line_no = item.get("line_no")
    if line_no is None:
        line_no = next(free)
    elif not _is_line_no(line_no):
        errors.add(f"{prefix}.line_no", _("Line No. must be a positive whole number."))
        return None
    if line_no in seen:
        errors.add(
            f"{prefix}.line_no", _("Line No. %(line_no)s appears twice.") % {"line_no": line_no}
        )
        return None
    seen.add(line_no)
    return int(line_no)


def _clean_line(
    index: int,
    item: Mapping[str, Any],
    line_no: int,
    stored_line: NumberSeriesLine | None,
    errors: ErrorCollector,
) -> LineRow | None:
    """One submitted line: its given fields over the stored (or blank) values, harmonised, with
    Open computed. None when a field is refused or the starting no. is missing."""
    row = LineRow(index=index, values=_stored_values(stored_line), stored=stored_line)
    given = _clean_given(item, row.prefix, errors)
    if given is None:
        return None
    values = row.values
    row.changed = {
        name for name, value in given.items() if stored_line is None or value != values[name]
    }
    values.update(given)
    values["line_no"] = line_no
    if not values["starting_no"]:
        errors.add(
            f"{row.prefix}.starting_no",
            _("%(field)s must have a value.") % {"field": LINE_LABELS["starting_no"]},
        )
        return None
    if stored_line is None:
        row.changed = set(NUMBER_FIELDS) | {"starting_date", "increment_by", "last_date_used"}
    _harmonise(row, errors)
    values["open"] = rules.line_is_open(
        ending_no=values["ending_no"], last_no_used=values["last_no_used"]
    )
    return row


def clean_lines(
    lines: Any, stored_lines: Iterable[NumberSeriesLine], errors: ErrorCollector
) -> list[LineRow]:
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
    free = _free_line_nos(lines, stored)
    seen: set[int] = set()
    rows: list[LineRow] = []
    for index, item in enumerate(lines):
        line_no = _line_no_of(item, f"lines.{index}", free, seen, errors)
        if line_no is None:
            continue
        row = _clean_line(index, item, line_no, stored.get(line_no), errors)
        if row is not None:
            rows.append(row)
    if not errors:
        _check_overlaps(rows, errors)
    return rows


def write_lines(
    series: NumberSeries, rows: Sequence[LineRow], stored_lines: Sequence[NumberSeriesLine]
) -> None:
    """Save the checked set of lines: stored lines not in it deleted, changed fields of the
    others saved, new lines inserted."""
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
