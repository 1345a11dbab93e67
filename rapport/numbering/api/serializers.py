"""The `number-series` resource: a series with its nested, writable lines."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from rapport.core.api.serializers import ActionSerializer
from rapport.core.dates import APIDateField
from rapport.numbering import rules, selectors
from rapport.numbering.models import CODE_LENGTH, NumberSeries
from rapport.numbering.services import DESCRIPTION_LENGTH, MAX_LINE_NO, MAX_LINES


def _number(help_text: str, *, allow_blank: bool = True) -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=allow_blank, max_length=rules.NUMBER_LENGTH, help_text=help_text
    )


class NumberSeriesLineSerializer(serializers.Serializer):
    """A line. Fields left out of a stored line (matched by `line_no`) keep their value."""

    line_no = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_LINE_NO,
        help_text="Identifies a stored line; leave out to add a line.",
    )
    starting_date = APIDateField(
        required=False, allow_null=True, help_text="The line applies from this date; null: always."
    )
    starting_no = _number("The first number, with digits, e.g. SEG00001.", allow_blank=False)
    ending_no = _number("The last number; blank: no end.")
    warning_no = _number("From this number on each draw warns; needs ending_no.")
    increment_by = serializers.IntegerField(
        required=False, min_value=1, max_value=rules.MAX_INCREMENT, help_text="Default 1."
    )
    last_no_used = _number(
        "The last number handed out; blank: none yet. Leave out to keep the stored value."
    )
    last_date_used = APIDateField(required=False, allow_null=True)
    open = serializers.BooleanField(
        read_only=True, help_text="False once the line has handed out its ending_no."
    )


class NumberSeriesSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=CODE_LENGTH)
    description = serializers.CharField(
        max_length=DESCRIPTION_LENGTH, required=False, allow_blank=True
    )
    default_nos = serializers.BooleanField(
        required=False, help_text="Numbers may be assigned automatically (default true)."
    )
    manual_nos = serializers.BooleanField(
        required=False, help_text="Users may type numbers themselves (default false)."
    )
    date_order = serializers.BooleanField(
        required=False, help_text="Numbers must be drawn in non-decreasing date order."
    )
    lines = NumberSeriesLineSerializer(  # type: ignore[call-arg]
        many=True,
        required=False,
        max_length=MAX_LINES,
        help_text="The whole set of lines; on update, stored lines not listed are deleted.",
    )
    next_no = serializers.SerializerMethodField(
        help_text="The number the next draw would give on your work date (null: none)."
    )
    next_no_problem = serializers.SerializerMethodField(
        help_text="Why no number can be drawn on your work date (null when one can)."
    )

    def _preview(self, instance: NumberSeries) -> selectors.NextNumberPreview:
        cache = self.context.setdefault("_previews", {})  # type: ignore[attr-defined]
        if instance.pk not in cache:
            request = self.context.get("request")
            user = getattr(request, "user", None)
            date = getattr(user, "effective_work_date", None) or timezone.localdate()
            cache[instance.pk] = selectors.number_series_preview_next(instance, date)
        return cache[instance.pk]

    def get_next_no(self, instance: NumberSeries) -> str | None:
        return self._preview(instance).number

    def get_next_no_problem(self, instance: NumberSeries) -> str | None:
        return self._preview(instance).problem


class DrawRequestSerializer(ActionSerializer):
    date = APIDateField(
        required=False,
        allow_null=True,
        help_text="The date of the number; default: your work date.",
    )


class DrawResponseSerializer(serializers.Serializer):
    number = serializers.CharField()
    warnings = serializers.ListField(child=serializers.CharField())
