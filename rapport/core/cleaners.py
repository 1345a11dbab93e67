"""Input cleaners shared by every app's services: one rule for each kind of value a page, the API
or an import hands to an operation.

Each cleaner takes the field's `name` (the key its error is filed under), the raw `value`, an
`errors` collector (`rapport.core.errors.ErrorCollector` or anything with `add(name, message)`)
and the field's `label` as the user sees it. It returns the cleaned value, or a harmless blank
after adding an error, so that one pass can name every bad field at once. The messages say
"<label> …", the way NAV names the field in its error messages.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from rapport.core.dates import check_date_in_range

# NAV's Code fields: letters, digits, - _ and ., starting with a letter or digit.
CODE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9_.\-]*\Z")


def has_control_chars(text: str) -> bool:
    """Control characters (below U+0020, and DEL) are never stored in a one-line field."""
    return any(ord(char) < 32 or ord(char) == 127 for char in text)


def clean_text(name: str, value: Any, errors: Any, *, label: Any, max_length: int) -> str:
    """A one-line text: None is blank; trimmed; no control characters; at most `max_length`."""
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(name, _("%(field)s must be text.") % {"field": label})
        return ""
    text = value.strip()
    if has_control_chars(text):
        errors.add(name, _("%(field)s may not contain control characters.") % {"field": label})
    elif len(text) > max_length:
        errors.add(
            name,
            _("%(field)s can have at most %(max)s characters.")
            % {"field": label, "max": max_length},
        )
    return text


def clean_code(name: str, value: Any, errors: Any, *, label: Any, max_length: int) -> str:
    """A Code field (required): trimmed, upper-cased, at most `max_length`, NAV's characters."""
    if not isinstance(value, str):
        errors.add(name, _("%(field)s must be text.") % {"field": label})
        return ""
    code = value.strip().upper()
    if not code:
        errors.add(name, _("%(field)s must have a value.") % {"field": label})
    elif len(code) > max_length:
        errors.add(
            name,
            _("%(field)s can have at most %(max)s characters.")
            % {"field": label, "max": max_length},
        )
    elif not CODE_PATTERN.match(code):
        errors.add(
            name,
            _(
                "%(field)s may only hold letters, digits, - _ and . (no spaces), and must start "
                "with a letter or digit."
            )
            % {"field": label},
        )
    return code


def clean_choice(name: str, value: Any, errors: Any, *, label: Any, choices: Iterable[str]) -> str:
    """One of `choices` (the API values of an option field); None is the blank option."""
    allowed_values = list(choices)
    if value is None:
        value = ""
    if not isinstance(value, str) or value not in allowed_values:
        allowed = ", ".join(f'"{choice}"' for choice in allowed_values)
        errors.add(
            name,
            _("%(field)s must be one of %(allowed)s.") % {"field": label, "allowed": allowed},
        )
        return ""
    return value


def clean_flag(name: str, value: Any, errors: Any, *, label: Any) -> bool:
    """A yes/no field: only true or false (not 1, "yes" or None)."""
    if not isinstance(value, bool):
        errors.add(name, _("%(field)s must be true or false.") % {"field": label})
        return False
    return value


def clean_amount(
    name: str, value: Any, errors: Any, *, label: Any, places: int, digits: int
) -> decimal.Decimal:
    """A decimal ≥ 0 with at most `places` decimals (0: whole minutes) and `digits` digits in
    all; blank is 0."""
    zero = decimal.Decimal(0)
    if value is None or value == "":
        return zero
    if isinstance(value, bool) or not isinstance(value, int | float | str | decimal.Decimal):
        errors.add(name, _("%(field)s must be a number.") % {"field": label})
        return zero
    try:
        amount = decimal.Decimal(str(value).strip())
    except (decimal.InvalidOperation, ValueError):
        errors.add(name, _("%(field)s must be a number.") % {"field": label})
        return zero
    if not amount.is_finite():
        errors.add(name, _("%(field)s must be a number.") % {"field": label})
        return zero
    if amount < 0:
        errors.add(name, _("%(field)s may not be negative.") % {"field": label})
        return zero
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        if places == 0:
            errors.add(name, _("%(field)s must be a whole number of minutes.") % {"field": label})
        else:
            errors.add(
                name,
                _("%(field)s can have at most %(places)s decimals.")
                % {"field": label, "places": places},
            )
        return zero
    if amount >= decimal.Decimal(10) ** (digits - places):
        errors.add(name, _("%(field)s is too large.") % {"field": label})
        return zero
    return amount.quantize(decimal.Decimal(1).scaleb(-places))


def clean_date(name: str, value: Any, errors: Any, *, label: Any) -> datetime.date | None:
    """A date (a date, or ISO text YYYY-MM-DD) within the one valid range
    (`rapport.core.dates`); blank is None. A date outside the range is refused, never stored."""
    if value is None or value == "":
        return None
    day: datetime.date | None = None
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    elif isinstance(value, str):
        with contextlib.suppress(ValueError):
            day = datetime.date.fromisoformat(value.strip())
    if day is not None:
        return day if check_date_in_range(name, day, errors) else None
    errors.add(name, _("%(field)s must be a date (YYYY-MM-DD).") % {"field": label})
    return None


def clean_time(name: str, value: Any, errors: Any, *, label: Any) -> datetime.time | None:
    """A time of day (a time, or ISO text HH:MM[:SS]), without time zone; blank is None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.time):
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return datetime.time.fromisoformat(value.strip()).replace(tzinfo=None)
    errors.add(name, _("%(field)s must be a time (HH:MM:SS).") % {"field": label})
    return None
