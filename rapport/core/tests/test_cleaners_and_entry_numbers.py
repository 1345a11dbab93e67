"""The shared input cleaners (`rapport.core.cleaners`): one rule each, used by every app's
services. The entry-number helper (`rapport.core.entry_numbers`) is tested on a real numbered
table in `rapport/attachments/tests/test_entry_numbers.py`."""

from __future__ import annotations

import datetime
import decimal

from rapport.core import cleaners
from rapport.core.errors import ErrorCollector


def _clean(cleaner, value, **options):
    errors = ErrorCollector()
    result = cleaner("field", value, errors, label="Field", **options)
    return result, errors.errors


def test_text_is_trimmed_and_refuses_control_characters_and_overlong_text():
    assert _clean(cleaners.clean_text, "  a b ", max_length=3) == ("a b", {})
    assert _clean(cleaners.clean_text, None, max_length=3) == ("", {})
    assert _clean(cleaners.clean_text, 5, max_length=3) == ("", {"field": ["Field must be text."]})
    assert _clean(cleaners.clean_text, "a\x07", max_length=3)[1] == {
        "field": ["Field may not contain control characters."]
    }
    assert _clean(cleaners.clean_text, "a\x7f", max_length=3)[1] == {
        "field": ["Field may not contain control characters."]
    }
    assert _clean(cleaners.clean_text, "abcd", max_length=3)[1] == {
        "field": ["Field can have at most 3 characters."]
    }


def test_code_is_upper_cased_required_and_limited_to_navs_characters():
    assert _clean(cleaners.clean_code, " ab-1.x_ ", max_length=10) == ("AB-1.X_", {})
    assert _clean(cleaners.clean_code, "  ", max_length=10)[1] == {
        "field": ["Field must have a value."]
    }
    assert _clean(cleaners.clean_code, "A B", max_length=10)[1] == {
        "field": [
            "Field may only hold letters, digits, - _ and . (no spaces), and must start with a "
            "letter or digit."
        ]
    }
    assert _clean(cleaners.clean_code, "-AB", max_length=10)[1]
    assert _clean(cleaners.clean_code, "A" * 11, max_length=10)[1] == {
        "field": ["Field can have at most 10 characters."]
    }


def test_choice_flag_amount_date_and_time():
    assert _clean(cleaners.clean_choice, "B", choices=["", "A", "B"]) == ("B", {})
    assert _clean(cleaners.clean_choice, None, choices=["", "A"]) == ("", {})
    assert _clean(cleaners.clean_choice, "C", choices=["A", "B"])[1] == {
        "field": ['Field must be one of "A", "B".']
    }
    assert _clean(cleaners.clean_flag, True) == (True, {})
    assert _clean(cleaners.clean_flag, 1) == (False, {"field": ["Field must be true or false."]})
    assert _clean(cleaners.clean_amount, "2.50", places=2, digits=10) == (
        decimal.Decimal("2.50"),
        {},
    )
    assert _clean(cleaners.clean_amount, "", places=2, digits=10) == (decimal.Decimal(0), {})
    assert _clean(cleaners.clean_amount, "1.234", places=2, digits=10)[1] == {
        "field": ["Field can have at most 2 decimals."]
    }
    assert _clean(cleaners.clean_amount, "1.5", places=0, digits=10)[1] == {
        "field": ["Field must be a whole number of minutes."]
    }
    assert _clean(cleaners.clean_amount, "-1", places=2, digits=10)[1] == {
        "field": ["Field may not be negative."]
    }
    assert _clean(cleaners.clean_amount, "NaN", places=2, digits=10)[1] == {
        "field": ["Field must be a number."]
    }
    assert _clean(cleaners.clean_amount, True, places=2, digits=10)[1] == {
        "field": ["Field must be a number."]
    }
    assert _clean(cleaners.clean_amount, "100000000", places=2, digits=10)[1] == {
        "field": ["Field is too large."]
    }
    assert _clean(cleaners.clean_date, "2026-12-06") == (datetime.date(2026, 12, 6), {})
    assert _clean(cleaners.clean_date, "06-12-2026")[1] == {
        "field": ["Field must be a date (YYYY-MM-DD)."]
    }
    assert _clean(cleaners.clean_date, "1752-12-31")[0] is None
    assert _clean(cleaners.clean_date, "1752-12-31")[1]["field"]
    assert _clean(cleaners.clean_time, "09:30") == (datetime.time(9, 30), {})
    assert _clean(cleaners.clean_time, "25:00")[1] == {
        "field": ["Field must be a time (HH:MM:SS)."]
    }
