"""Option filters typed as captions (issue 8, point 2): `choices` given as (API value, caption)
pairs accept both, case-insensitively, in the active language; help texts and errors show the
captions and name the field by its label; the canonical form stays the API values."""

from __future__ import annotations

import pytest
from django.utils.translation import gettext_lazy, override

from rapport.core.filter_expressions import (
    FilterExpressionError,
    choice_options,
    option_captions,
    option_help,
    parse,
)

TYPES = (("company", gettext_lazy("Company")), ("person", gettext_lazy("Person")))
CORRESPONDENCE = (
    ("", gettext_lazy("(blank)")),
    ("hard_copy", gettext_lazy("Hard Copy")),
    ("email", gettext_lazy("Email")),
    ("fax", gettext_lazy("Fax")),
)


def values(expression: str, choices=TYPES, kind: str = "choice") -> list[list[tuple[str, object]]]:  # type: ignore[no-untyped-def]
    parsed = parse(expression, kind=kind, choices=choices if kind == "choice" else None)
    return [[(c.op, c.value) for c in conditions] for conditions in parsed.alternatives]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("persoon", [[("=", "person")]]),
        ("PERSOON", [[("=", "person")]]),
        (" Bedrijf ", [[("=", "company")]]),
        ("bedrijf|persoon", [[("=", "company")], [("=", "person")]]),
        ("<>persoon", [[("<>", "person")]]),
        ("<>persoon&<>bedrijf", [[("<>", "person"), ("<>", "company")]]),
        ("person|Company", [[("=", "person")], [("=", "company")]]),  # API values still work
    ],
)
def test_dutch_captions_are_their_api_values(typed: str, expected: list[object]) -> None:
    with override("nl"):
        assert values(typed) == expected


def test_captions_with_spaces_and_the_blank_option() -> None:
    with override("nl"):
        assert values("afdruk|E-MAIL|''", CORRESPONDENCE) == [
            [("=", "hard_copy")],
            [("=", "email")],
            [("=", "")],
        ]
        assert values("'(leeg)'", CORRESPONDENCE) == [[("=", "")]]
    with override("en"):
        assert values("hard copy", CORRESPONDENCE) == [[("=", "hard_copy")]]


def test_the_canonical_form_is_api_values_and_captions_on_request() -> None:
    with override("nl"):
        parsed = parse("bedrijf|<>PERSOON", kind="choice", choices=TYPES)
        assert parsed.describe() == str(parsed) == "company|<>person"
        assert parsed.describe(captions=True) == "Bedrijf|<>Persoon"
        assert parse("ja", kind="bool").describe(captions=True) == "Ja"
    with override("en"):
        assert parsed.describe(captions=True) == "Company|<>Person"


def test_captions_are_those_of_the_active_language() -> None:
    with override("en"):
        assert values("Person") == [[("=", "person")]]
        with pytest.raises(FilterExpressionError):
            parse("persoon", kind="choice", choices=TYPES)


def test_bool_takes_yes_and_no_in_the_active_language() -> None:
    with override("nl"):
        assert values("ja", kind="bool") == [[("=", True)]]
        assert values("NEE|yes", kind="bool") == [[("=", False)], [("=", True)]]
        assert values("<>Ja", kind="bool") == [[("<>", True)]]


def test_a_caption_never_hides_another_options_api_value() -> None:
    tricky = (("a", "B"), ("b", "Other"))
    assert values("b", tricky) == [[("=", "b")]]
    assert values("other", tricky) == [[("=", "b")]]


def test_the_error_names_the_label_and_lists_captions() -> None:
    with override("nl"), pytest.raises(FilterExpressionError) as caught:
        parse("robot", kind="choice", choices=TYPES, field="filters.contact.type", label="Soort")
    message = 'Filter "robot" voor Soort, op positie 1: "robot" is niet een van: Bedrijf, Persoon.'
    assert caught.value.message == message
    assert caught.value.fields() == {"filters.contact.type": [message]}
    with override("en"), pytest.raises(FilterExpressionError) as caught:
        parse("robot", kind="choice", choices=TYPES, field="filters.contact.type")
    assert caught.value.message == (
        'Filter "robot" for filters.contact.type, at position 1: "robot" is not one of: '
        "Company, Person."
    )


def test_other_errors_are_translated_too() -> None:
    with override("nl"), pytest.raises(FilterExpressionError) as caught:
        parse("ja..nee", kind="bool", field="f", label="Geannuleerd")
    assert caught.value.message == (
        'Filter "ja..nee" voor Geannuleerd, op positie 3: een bereik kan niet worden gebruikt '
        "voor ja/nee."
    )


def test_help_texts_show_captions() -> None:
    with override("nl"):
        assert option_help("choice", TYPES) == "Een van: Bedrijf, Persoon"
        assert option_help("choice", CORRESPONDENCE) == "Een van: '', Afdruk, E-mail, Fax"
        assert option_help("bool") == "Ja of Nee"
        assert option_help("text") == ""
        assert option_captions("choice", TYPES) == ["Bedrijf", "Persoon"]
    with override("en"):
        assert option_help("choice", TYPES) == "One of: Company, Person"
        assert option_help("bool") == "Yes or No"


def test_plain_values_are_their_own_captions() -> None:
    assert choice_options(["Person", "company"]) == (("person", "Person"), ("company", "company"))
    with pytest.raises(FilterExpressionError) as caught:
        parse("robot", kind="choice", choices=["person", "company"], field="f")
    assert (
        caught.value.message
        == 'Filter "robot" for f, at position 1: "robot" is not one of: person, company.'
    )
