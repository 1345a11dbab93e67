"""The interaction's values are declared once (`interactions.models.InteractionValues` and
`InteractionOutcome`): the segment header, its lines, their history and the log entry hold each
value in the same column, so a line's value always fits the log entry it is logged into."""

from __future__ import annotations

import pytest
from django.db import models

from rapport.interactions.models import (
    InteractionLogEntry,
    InteractionOutcome,
    InteractionTemplate,
    InteractionValues,
)
from rapport.segments.models import Segment, SegmentHistory, SegmentLine

VALUE_MODELS = [InteractionLogEntry, Segment, SegmentLine, SegmentHistory]
OUTCOME_MODELS = [InteractionLogEntry, SegmentLine, SegmentHistory]


def _column(model: type[models.Model], name: str) -> tuple[object, ...]:
    """What a field stores: its class, its arguments (related name aside) and its column type."""
    field = model._meta.get_field(name)
    _name, path, args, kwargs = field.deconstruct()
    kwargs.pop("related_name", None)
    return path, tuple(args), kwargs


@pytest.mark.parametrize("name", [f.name for f in InteractionValues._meta.fields])
def test_every_model_holds_the_interaction_value_alike(name: str) -> None:
    log_entry = _column(InteractionLogEntry, name)
    for model in VALUE_MODELS:
        assert _column(model, name) == log_entry, model.__name__


@pytest.mark.parametrize("name", [f.name for f in InteractionOutcome._meta.fields])
def test_log_entry_and_segment_lines_hold_the_outcome_alike(name: str) -> None:
    log_entry = _column(InteractionLogEntry, name)
    for model in OUTCOME_MODELS:
        assert _column(model, name) == log_entry, model.__name__


@pytest.mark.parametrize(
    ("model", "name", "length"),
    [
        (model, name, length)
        for model in VALUE_MODELS
        for name, length in [
            ("information_flow", 10),
            ("initiated_by", 10),
            ("correspondence_type", 10),
        ]
    ]
    + [(model, "evaluation", 15) for model in OUTCOME_MODELS]
    + [
        (InteractionTemplate, "information_flow", 10),
        (InteractionTemplate, "initiated_by", 10),
        (InteractionTemplate, "correspondence_type_default", 10),
    ],
)
def test_option_fields_have_the_log_entrys_length(
    model: type[models.Model], name: str, length: int
) -> None:
    field = model._meta.get_field(name)
    assert isinstance(field, models.CharField)
    assert field.max_length == length
    assert max(len(value) for value, _label in field.choices or []) <= length
