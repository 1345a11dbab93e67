"""Review of issue 8.2 in the filter-expression layer: the length limit holds for what a user
typed (a stored canonical form may be longer and still applies and replays), the option error
names the position with the filter, the help's blank value can be typed as shown, and no caption
in any language is another option's API value."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from rapport.contacts.models import Contact
from rapport.core.errors import ValidationFailed
from rapport.core.filter_expressions import (
    BOOL_CAPTIONS,
    BOOL_WORDS,
    Condition,
    FilterExpressionError,
    choice_options,
    option_captions,
    option_help,
    parse,
)
from rapport.segments import services
from rapport.segments.models import SegmentCriteriaAction
from rapport.segments.tests.test_selection import add, contacts_on, snapshot

pytestmark = pytest.mark.django_db

OPTION_FIELDS = [
    (section_name, field_name, spec)
    for section_name, section in services.SECTIONS.items()
    for field_name, spec in section.fields.items()
    if spec.is_option
]
LANGUAGES = [code for code, _name in settings.LANGUAGES]


# --- 5. the limit holds for what was typed ----------------------------------------------------------


def test_a_typed_filter_within_the_limit_is_stored_longer_and_applies(
    world: Any, make_segment: Any
) -> None:
    Contact.objects.filter(no="P3").update(exclude_from_segment=True)
    typed = "|".join(["1"] * 125)
    assert len(typed) == 249
    segment = make_segment("S1")
    add(world, segment, {"contact": {"exclude_from_segment": typed}}, ignore_exclusion=True)
    action = SegmentCriteriaAction.objects.get(segment=segment)
    stored = action.filters["contact"]["exclude_from_segment"]
    assert stored == "|".join(["yes"] * 125) and len(stored) == 499
    assert contacts_on(segment) == ["P3"]
    # The recorded filter is described and replays, though longer than a user may type.
    assert services.describe_filters(action.filters) == [
        "Contact: Exclude from Segment = " + "|".join(["Yes"] * 125)
    ]
    services.segment_save_criteria(actor=world.mila, segment=segment, code="LONG")
    target = make_segment("S2")
    services.segment_reuse_criteria(actor=world.mila, segment=target, code="LONG")
    assert contacts_on(target) == ["P3"]


def test_dutch_captions_are_stored_as_longer_api_values_and_replay(
    world: Any, make_segment: Any
) -> None:
    Contact.objects.filter(no="P1").update(correspondence_type="hard_copy")
    typed = "|".join(["afdruk"] * 35)
    assert len(typed) == 244
    segment = make_segment("S1")
    with translation.override("nl"):
        add(world, segment, {"contact": {"correspondence_type": typed}})
    stored = SegmentCriteriaAction.objects.get(segment=segment).filters["contact"]
    assert stored == {"correspondence_type": "|".join(["hard_copy"] * 35)}
    assert len(stored["correspondence_type"]) == 349
    assert contacts_on(segment) == ["P1"]
    services.segment_save_criteria(actor=world.mila, segment=segment, code="PAPER")
    target = make_segment("S2")
    services.segment_reuse_criteria(actor=world.mila, segment=target, code="PAPER")
    assert contacts_on(target) == ["P1"]


@pytest.mark.parametrize(
    ("field", "typed"),
    [("exclude_from_segment", "|".join(["1"] * 126)), ("name", "A" * 251)],
)
def test_a_typed_filter_over_the_limit_is_refused_as_typed(
    world: Any, make_segment: Any, field: str, typed: str
) -> None:
    segment = make_segment("S1")
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        add(world, segment, {"contact": {field: typed}})
    label = services.SECTIONS["contact"].fields[field].label
    assert refused.value.fields() == {
        f"filters.contact.{field}": [
            f'Filter "{typed[:57]}..." for {label}: the filter has 251 characters; '
            "at most 250 are allowed."
        ]
    }
    assert snapshot() == before


# --- 15. the option error and the blank value ----------------------------------------------------------


def test_the_option_error_puts_the_position_with_the_filter() -> None:
    spec = services.SECTIONS["contact"].fields["type"]
    expected = {
        "en": 'Filter "robot" for Type, at position 1: "robot" is not one of: Company, Person.',
        "nl": 'Filter "robot" voor Soort, op positie 1: "robot" is niet een van: Bedrijf, Persoon.',
    }
    for language, message in expected.items():
        with translation.override(language), pytest.raises(FilterExpressionError) as caught:
            parse("robot", kind="choice", choices=spec.choices, field="f", label=spec.label)
        assert caught.value.message == message


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("section_name", "field_name", "spec"),
    OPTION_FIELDS,
    ids=[f"{s}.{f}" for s, f, _ in OPTION_FIELDS],
)
def test_every_option_shown_in_the_help_can_be_typed_as_shown(
    language: str, section_name: str, field_name: str, spec: Any
) -> None:
    with translation.override(language):
        shown = option_captions(spec.kind, spec.choices)
        help_text = option_help(spec.kind, spec.choices)
        values = (
            [value for value, _caption in BOOL_CAPTIONS]
            if spec.kind == "bool"
            else [value for value, _caption in choice_options(spec.choices)]
        )
        assert len(shown) == len(values)
        for caption, value in zip(shown, values, strict=True):
            assert caption in help_text
            parsed = parse(caption, kind=spec.kind, choices=spec.choices, field="f")
            assert parsed.alternatives == ((Condition("=", value),),), (caption, value)


def test_the_blank_option_is_shown_as_navs_blank_value() -> None:
    spec = services.SECTIONS["contact"].fields["correspondence_type"]
    with translation.override("nl"):
        assert spec.help_text() == "Een van: '', Afdruk, E-mail, Fax"
    with translation.override("en"):
        assert spec.help_text() == "One of: '', Hard Copy, Email, Fax"


# --- 8. a caption never is another option's API value ------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("section_name", "field_name", "spec"),
    OPTION_FIELDS,
    ids=[f"{s}.{f}" for s, f, _ in OPTION_FIELDS],
)
def test_no_caption_is_another_options_api_value(
    language: str, section_name: str, field_name: str, spec: Any
) -> None:
    with translation.override(language):
        if spec.kind == "bool":
            for flag, caption in BOOL_CAPTIONS:
                word = str(caption).strip().casefold()
                assert BOOL_WORDS.get(word, flag) is flag, (language, field_name, caption)
            return
        assert _caption_conflicts(choice_options(spec.choices)) == [], (language, field_name)


def _caption_conflicts(options: Any) -> list[tuple[str, str]]:
    """(caption, the other option's API value) for every caption that is another option's API
    value (case-folded, as the parser compares them)."""
    api_values = {value.casefold(): value for value, _caption in options}
    return [
        (caption, api_values[caption.strip().casefold()])
        for value, caption in options
        if api_values.get(caption.strip().casefold(), value) != value
    ]


def test_the_conflict_check_finds_a_conflict() -> None:
    # A Dutch "Fax" caption for e-mail would make "fax" mean two options; the check sees it.
    options = (("email", "Fax"), ("fax", "Telefax"), ("hard_copy", "Afdruk"))
    assert _caption_conflicts(options) == [("Fax", "fax")]
