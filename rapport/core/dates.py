"""The one valid date range of Rapport, for every date a user or a client can enter.

NAV's range: 1753-01-01 (SQL Server's first `datetime` day) to 9998-12-31 (one year of room
below Python's `date.max`, so that "the next month" or "the next year" of any stored date can
still be computed). Dates outside it are refused everywhere with one message that names the
range: by the form fields (`DateField`), the API fields (`APIDateField`), the filters and the
services (`check_date_in_range`), so pages, API and command line agree.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext
from rest_framework import serializers

MIN_DATE = datetime.date(1753, 1, 1)
MAX_DATE = datetime.date(9998, 12, 31)
DATE_OUT_OF_RANGE = "date_out_of_range"


def date_in_range(value: datetime.date) -> bool:
    """Whether `value` (a date or a datetime) lies within MIN_DATE … MAX_DATE."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    return MIN_DATE <= day <= MAX_DATE


def date_range_message() -> str:
    """The range error ("Enter a date between 1753-01-01 and 9998-12-31.") in the active language
    and its short date format."""
    return gettext("Enter a date between %(min)s and %(max)s.") % {
        "min": date_format(MIN_DATE, "SHORT_DATE_FORMAT"),
        "max": date_format(MAX_DATE, "SHORT_DATE_FORMAT"),
    }


def validate_date_in_range(value: Any) -> None:
    """A Django validator (forms, model fields, filters): refuses dates outside the range."""
    if isinstance(value, datetime.date) and not date_in_range(value):
        raise ValidationError(date_range_message(), code=DATE_OUT_OF_RANGE)


def check_date_in_range(name: str, value: Any, errors: Any) -> bool:
    """For the services: add the range error to `errors` (an ErrorCollector, or anything
    with `add(name, message)`) when `value` is a date outside the range. True when fine."""
    if isinstance(value, datetime.date) and not date_in_range(value):
        errors.add(name, date_range_message())
        return False
    return True


def range_attrs() -> dict[str, str]:
    """The `min` and `max` attributes of an `<input type="date">` for the range."""
    return {"min": MIN_DATE.isoformat(), "max": MAX_DATE.isoformat()}


class DateField(forms.DateField):
    """A form date field that refuses dates outside the range (a form error, never a 500).
    Accepts the ISO form and the language's DATE_INPUT_FORMATS (26-11-2026 in Dutch)."""

    default_validators = [validate_date_in_range]

    def __init__(self, **kwargs: Any) -> None:
        from rapport.core.forms import DateInput

        kwargs.setdefault("widget", DateInput())
        super().__init__(**kwargs)


class APIDateField(serializers.DateField):
    """A DRF date field (ISO 8601) that refuses dates outside the range with a 400."""

    def to_internal_value(self, value: Any) -> datetime.date:
        day = super().to_internal_value(value)
        if not date_in_range(day):
            raise serializers.ValidationError(date_range_message(), code=DATE_OUT_OF_RANGE)
        return day


def month_index(value: datetime.date) -> int:
    """Months since year 0: lets series step through months without date arithmetic that
    could overflow at the end of the calendar."""
    return value.year * 12 + value.month - 1


def month_start(index: int) -> datetime.date:
    """The first day of the month with `month_index` `index`."""
    return datetime.date(index // 12, index % 12 + 1, 1)


__all__ = [
    "DATE_OUT_OF_RANGE",
    "MAX_DATE",
    "MIN_DATE",
    "APIDateField",
    "DateField",
    "check_date_in_range",
    "date_in_range",
    "date_range_message",
    "month_index",
    "month_start",
    "range_attrs",
    "validate_date_in_range",
]
