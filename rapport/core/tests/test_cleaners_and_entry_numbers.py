"""The shared input cleaners (`rapport.core.cleaners`) and entry numbers
(`rapport.core.entry_numbers`): one rule each, used by every app's services."""

from __future__ import annotations

import datetime
import decimal

import pytest
from django.db import IntegrityError

from rapport.core import cleaners
from rapport.core.entry_numbers import highest_number, insert_numbered
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


@pytest.mark.django_db
def test_insert_numbered_takes_the_highest_plus_one_and_tries_the_next_after_a_clash(
    monkeypatch,
):
    from rapport.attachments.models import Attachment
    from rapport.core import entry_numbers

    def attachment():
        return Attachment(kind="OTHER", file_name="a.txt", content=b"x")

    first = insert_numbered(attachment(), lock_key=1, field="no")
    second = insert_numbered(attachment(), lock_key=1, field="no")
    assert (first.no, second.no) == (1, 2)
    assert highest_number(Attachment, "no") == 2

    # Another writer took number 3 between the read and the insert: the next one is tried.
    reads = iter([2, 3])
    monkeypatch.setattr(entry_numbers, "highest_number", lambda model, field: next(reads))
    Attachment.objects.filter(no=2).update(no=3)
    third = insert_numbered(attachment(), lock_key=None, field="no")
    assert third.no == 4

    monkeypatch.setattr(entry_numbers, "highest_number", lambda model, field: 0)
    with pytest.raises(IntegrityError):
        insert_numbered(attachment(), lock_key=None, field="no")
    assert sorted(Attachment.objects.values_list("no", flat=True)) == [1, 3, 4]
