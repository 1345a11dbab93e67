"""The pure rules of number series: counting numbers up, comparing them, choosing the line a
number is drawn from. No database access here; `services` (which locks and saves) and
`selectors` (which previews) share these rules so that a preview never disagrees with a draw.

Where Rapport differs from NAV on purpose (for docs/differences.md):

* A dash before the counter is a separator, never a minus sign: `INV-55` counts up to `INV-56`
  because the counter is always the last digit group, counted up. NAV's INCSTR instead reads
  `-55` as a negative number and "decreases" it (documented: '-55' → '-56'); the text comes
  out the same, but the meaning of a number depends on the character before its digits, which
  the reference lists as a pain point ("avoid a dash directly before the counter"). Rapport
  has no such special case, so users need not avoid the dash.
* Numbers of one format (same text before and after the counter) are compared by the value of
  their counter, not as text: `SEG100000` comes after `SEG99999` (NAV compares text, so a
  counter that outgrows its width slips under the ending no.).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import formats
from django.utils.translation import gettext as _

from rapport.core.errors import ConflictError, DomainError

if TYPE_CHECKING:
    from rapport.numbering.models import NumberSeries, NumberSeriesLine

NUMBER_LENGTH = 20
"""The longest number a series may hand out (NAV's Code20)."""

MAX_INCREMENT = 1_000_000

_LAST_DIGIT_GROUP = re.compile(r"([0-9]+)([^0-9]*)\Z")


@dataclass(frozen=True)
class NumberParts:
    """A number split around its counter, the digit group closest to the end."""

    prefix: str
    digits: str
    suffix: str

    @property
    def value(self) -> int:
        return int(self.digits)

    @property
    def width(self) -> int:
        return len(self.digits)

    @property
    def format(self) -> tuple[str, str]:
        """What must stay the same between the numbers of one line: the text around the
        counter."""
        return self.prefix, self.suffix

    def with_value(self, value: int, width: int | None = None) -> str:
        digits = str(value).zfill(self.width if width is None else width)
        return f"{self.prefix}{digits}{self.suffix}"


def split_number(number: str) -> NumberParts | None:
    """Split `number` around its last digit group; None when it holds no digit (0-9)."""
    match = _LAST_DIGIT_GROUP.search(number)
    if match is None:
        return None
    return NumberParts(number[: match.start()], match.group(1), match.group(2))


def has_digit(number: str) -> bool:
    return split_number(number) is not None


def increment_number(number: str, by: int = 1) -> str:
    """Count `number` up by `by` (NAV's INCSTR, and its Increment-by No. rule).

    Only the digit group closest to the end changes; its zero-padded width is kept, and when the
    counter outgrows that width the number grows: `SEG00009` → `SEG00010`, `SEG99999` →
    `SEG100000`, `a99c` → `a100c`, `A10B20` → `A10B21`; `by=10` turns `SEG00095` into
    `SEG00105`.

    Rapport differs from NAV on purpose: a dash before the counter is text, not a minus sign,
    so `INV-55` becomes `INV-56` by counting 55 up. (NAV's INCSTR reads -55 as a negative
    number and decreases it to -56: the same text, by a special case the reference lists as a
    pain point; Rapport has none.)

    Refused (DomainError): a number without digits (there is nothing to count), `by` below 1,
    and a result longer than 20 characters.
    """
    if by < 1:
        raise DomainError(
            _("A number can only be counted up by 1 or more."), code="invalid_increment"
        )
    parts = split_number(number)
    if parts is None:
        raise DomainError(
            _("The number %(number)s contains no digits, so it cannot be counted up.")
            % {"number": number},
            code="no_digits",
        )
    result = parts.with_value(parts.value + by)
    if len(result) > NUMBER_LENGTH:
        raise DomainError(
            _("The number %(number)s cannot be extended to more than %(max)s characters.")
            % {"number": number, "max": NUMBER_LENGTH},
            code="number_too_long",
        )
    return result


def pad_number(number: str, width: int) -> str:
    """Zero-pad the counter of `number` to `width` digits (never shortens it)."""
    parts = split_number(number)
    if parts is None or parts.width >= width:
        return number
    return parts.with_value(parts.value, width)


def compare_numbers(left: str, right: str) -> int:
    """-1, 0 or 1. Numbers of the same format compare by counter value; others as text."""
    a, b = split_number(left), split_number(right)
    if a is not None and b is not None and a.format == b.format:
        return (a.value > b.value) - (a.value < b.value)
    return (left > right) - (left < right)


def number_sort_key(number: str) -> tuple[str, str, int, str]:
    """Orders numbers of one format by counter value (others by their text)."""
    parts = split_number(number)
    if parts is None:
        return (number, "", -1, number)
    return (parts.prefix, parts.suffix, parts.value, number)


def line_is_open(*, ending_no: str, last_no_used: str) -> bool:
    """NAV's Open: a line closes itself once it has handed out its ending no."""
    if not ending_no or not last_no_used:
        return True
    return compare_numbers(last_no_used, ending_no) < 0


def format_date(date: datetime.date) -> str:
    """A date in the user's language, for messages."""
    return formats.date_format(date, "SHORT_DATE_FORMAT")


def _date_key(date: datetime.date | None) -> datetime.date:
    return date or datetime.date.min


# ---------------------------------------------------------------------------------------------
# Drawing


@dataclass
class DrawPlan:
    """What a draw would do: the line it uses, the number it gives, the warning it raises."""

    line: NumberSeriesLine
    number: str
    warning: str | None
    open_after: bool


def choose_line(
    series: NumberSeries, lines: Sequence[NumberSeriesLine], date: datetime.date
) -> NumberSeriesLine:
    """Reference 3.2 steps 2-3: among the lines starting on or before `date` (a blank starting
    date counts as the beginning of time) take those with the latest starting date, and of
    those the first open one by starting no. Raises DomainError naming the series and the date
    when there is none."""
    code = series.code
    dated = [line for line in lines if _date_key(line.starting_date) <= date]
    if dated:
        latest = max(_date_key(line.starting_date) for line in dated)
        candidates = sorted(
            (line for line in dated if _date_key(line.starting_date) == latest and line.open),
            key=lambda line: (number_sort_key(line.starting_no), line.line_no),
        )
        if candidates:
            return candidates[0]
    if not lines:
        raise ConflictError(
            _("Number series %(code)s has no lines. Add a line with a starting no. first.")
            % {"code": code},
            code="no_series_line",
        )
    if not dated:
        raise ConflictError(
            _("Number series %(code)s has no line that starts on or before %(date)s.")
            % {"code": code, "date": format_date(date)},
            code="no_series_line",
        )
    if any(line.open for line in lines):
        raise ConflictError(
            _(
                "Number series %(code)s has no open line for %(date)s: the lines that apply on "
                "that date are used up. Add a line or change the starting dates."
            )
            % {"code": code, "date": format_date(date)},
            code="no_series_line",
        )
    raise ConflictError(
        _(
            "Number series %(code)s is used up: all its lines have handed out their ending no. "
            "Add a new line to go on."
        )
        % {"code": code},
        code="series_used_up",
    )


def next_number_of(line: NumberSeriesLine) -> str:
    """Reference 3.2 step 5 plus Rapport's width rule.

    The first number of a line is its starting no.; after that, last no. used counted up by
    increment-by no. Width rule: when the line's ending no. has the same format but a wider
    counter than the new number, the new number is zero-padded to the ending no.'s width
    (starting SEG1, ending SEG999 → SEG001, SEG002, ...), so that all numbers of the line have
    one width. Lines saved through the services are already harmonised this way; the rule also
    keeps lines written by other means consistent.
    """
    if line.last_no_used:
        try:
            number = increment_number(line.last_no_used, max(line.increment_by, 1))
        except DomainError as error:
            raise ConflictError(error.message, code=error.code) from error
    elif line.starting_no:
        number = line.starting_no
    else:
        raise ConflictError(
            _("Line %(line_no)s of number series %(code)s has no starting no.")
            % {"line_no": line.line_no, "code": line.series.code},
            code="no_starting_no",
        )
    new, ending = split_number(number), split_number(line.ending_no or "")
    if new is not None and ending is not None and new.format == ending.format:
        # Padding to a same-format number of at most 20 characters keeps it within 20.
        number = new.with_value(new.value, max(new.width, ending.width))
    return number


def warning_text(series: NumberSeries, line: NumberSeriesLine) -> str:
    """The non-blocking warning of reference 3.2 step 7. The same text for every draw from the
    series, so that it is shown once per request (NAV: once per series per run)."""
    return _(
        "Number series %(code)s is nearly used up: warning no. %(warning)s has been reached and "
        "the last number is %(ending)s."
    ) % {"code": series.code, "warning": line.warning_no, "ending": line.ending_no}


def plan_draw(
    series: NumberSeries, lines: Sequence[NumberSeriesLine], date: datetime.date
) -> DrawPlan:
    """Reference 3.2 steps 2-7 without writing anything: the line, the number, the warning.

    Raises ConflictError (HTTP 409: the request is fine, the series' state refuses it) when
    no line applies on the date, when the series has Date Order and the date is before the
    line's last date used, and when the number would pass the line's ending no."""
    line = choose_line(series, lines, date)
    if series.date_order and line.last_date_used and date < line.last_date_used:
        raise ConflictError(
            _(
                "Number series %(code)s keeps numbers in date order: it cannot give a number "
                "dated %(date)s because its last number was drawn on %(last)s."
            )
            % {
                "code": series.code,
                "date": format_date(date),
                "last": format_date(line.last_date_used),
            },
            code="date_order",
        )
    number = next_number_of(line)
    if line.ending_no and compare_numbers(number, line.ending_no) > 0:
        raise ConflictError(
            _(
                "Number series %(code)s is used up: the next number, %(number)s, would be "
                "greater than the ending no. %(ending)s. Add a new line to go on."
            )
            % {"code": series.code, "number": number, "ending": line.ending_no},
            code="series_used_up",
        )
    warning = None
    if line.ending_no and line.warning_no and compare_numbers(number, line.warning_no) >= 0:
        warning = warning_text(series, line)
    return DrawPlan(
        line=line,
        number=number,
        warning=warning,
        open_after=line_is_open(ending_no=line.ending_no, last_no_used=number),
    )
