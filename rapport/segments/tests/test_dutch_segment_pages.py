"""The segment pages in Dutch (issue 8, point 2): the Log request page and the Logged segments
filters show Dutch labels (they were evaluated with `gettext` at import), and on Add, Reduce and
Refine contacts option filters are typed, explained and refused in captions of the user's
language, naming the field by its label; what is recorded is the API value."""

from __future__ import annotations

import html
from typing import Any

import pytest

from rapport.segments.models import SegmentCriteriaAction
from rapport.segments.tests import test_log
from rapport.segments.tests.test_selection import contacts_on, snapshot
from rapport.segments.tests.test_selection import w as w

s1_logged = test_log.s1

pytestmark = pytest.mark.django_db


def _dutch(client_for: Any, user: Any) -> Any:
    user.language = "nl"
    user.save(update_fields=["language"])
    return client_for(user)


@pytest.fixture
def dutch(client_for: Any, w: Any) -> Any:
    return _dutch(client_for, w.mila)


def _text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


# --- Labels evaluated at import ------------------------------------------------------------------


def test_the_log_page_is_dutch(client_for: Any, world: Any, s1_logged: Any) -> None:
    text = _text(_dutch(client_for, world.mila).get("/segments/S1/log/"))
    for dutch in (
        "Opvolgingssegment maken",
        "Contacten voor opvolging",
        "Evaluatie of slechter",
        "Bij “Alleen een gekozen evaluatie of slechter”.",
        "De interactie-instellingen naar het opvolgingssegment kopiëren",
    ):
        assert dutch in text, dutch
    for english in ("Create follow-up segment", "Follow-up contacts", "Evaluation or worse"):
        assert english not in text, english


def test_the_logged_segments_filters_are_dutch(client_for: Any, world: Any) -> None:
    text = _text(_dutch(client_for, world.mila).get("/logged-segments/"))
    for dutch in (">Geannuleerd<", '<option value="" selected>Alle</option>', ">Nee<", ">Ja<"):
        assert dutch in text, dutch
    assert ">Segmentnr.<" in text
    for english in (">Canceled<", ">All<", ">Segment No.<"):
        assert english not in text, english


def test_the_delete_canceled_filters_are_dutch(client_for: Any, world: Any) -> None:
    text = _text(_dutch(client_for, world.mila).get("/logged-segments/delete-canceled/"))
    assert ">Volgnr.<" in text and ">Segmentnr.<" in text
    assert ">Entry No.<" not in text and ">Segment No.<" not in text


# --- Option filters in captions ------------------------------------------------------------------


def test_persoon_adds_the_persons(dutch: Any, w: Any, make_segment: Any) -> None:
    segment = make_segment("S1")
    response = dutch.post("/segments/S1/add-contacts/", {"contact__type": "persoon", "ok": "1"})
    assert response.status_code == 302, _text(response)
    assert contacts_on(segment) == ["P1", "P2", "P3"]
    assert segment.lines.count() == 3
    # Recorded as the API value: the criteria mean the same in every language.
    action = SegmentCriteriaAction.objects.get(segment=segment)
    assert action.filters == {"contact": {"type": "person"}}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("bedrijf|persoon", ["CO1", "P1", "P2", "P3"]),
        ("BEDRIJF", ["CO1"]),
        ("<>persoon", ["CO1"]),
        ("company|Persoon", ["CO1", "P1", "P2", "P3"]),  # API values still work on the page
    ],
)
def test_captions_combine_in_expressions(
    dutch: Any, w: Any, make_segment: Any, typed: str, expected: list[str]
) -> None:
    segment = make_segment("S1")
    response = dutch.post("/segments/S1/add-contacts/", {"contact__type": typed, "ok": "1"})
    assert response.status_code == 302, _text(response)
    assert contacts_on(segment) == expected


def test_the_preview_counts_with_captions(dutch: Any, w: Any, make_segment: Any) -> None:
    make_segment("S1")
    response = dutch.post(
        "/segments/S1/add-contacts/",
        {"contact__type": "persoon", "contact__exclude_from_segment": "nee", "preview": "1"},
    )
    assert "3 contacten zouden worden toegevoegd." in _text(response)


def test_a_bad_option_names_the_field_and_its_captions(
    dutch: Any, w: Any, make_segment: Any
) -> None:
    make_segment("S1")
    before = snapshot()
    response = dutch.post("/segments/S1/add-contacts/", {"contact__type": "robot", "ok": "1"})
    text = _text(response)
    assert (
        'Filter "robot" voor Soort, op positie 1: "robot" is niet een van: Bedrijf, Persoon.'
        in text
    )
    assert "filters.contact.type" not in text
    assert "company, person" not in text
    assert 'id="id_contact__type_error"' in text
    assert snapshot() == before


def test_a_bad_yes_no_is_dutch(dutch: Any, w: Any, make_segment: Any) -> None:
    make_segment("S1")
    response = dutch.post(
        "/segments/S1/reduce-contacts/", {"interaction__canceled": "misschien", "ok": "1"}
    )
    text = _text(response)
    assert (
        'Filter "misschien" voor Geannuleerd, op positie 1: "misschien" is niet ja of nee.' in text
    )


def test_help_texts_show_captions(dutch: Any, w: Any, make_segment: Any) -> None:
    make_segment("S1")
    text = _text(dutch.get("/segments/S1/refine-contacts/"))
    assert "Een van: Bedrijf, Persoon" in text
    assert "Een van: '', Afdruk, E-mail, Fax" in text
    assert "Ja of Nee" in text
    for api_values in ("company, person", "hard_copy", "yes of no"):
        assert api_values not in text, api_values


def test_the_criteria_actions_page_shows_captions(dutch: Any, w: Any, make_segment: Any) -> None:
    make_segment("S1")
    dutch.post("/segments/S1/add-contacts/", {"contact__type": "bedrijf|persoon", "ok": "1"})
    text = _text(dutch.get("/segments/S1/criteria-actions/"))
    assert "Contact: Soort = Bedrijf|Persoon" in text
    assert "contact.type" not in text


def test_english_pages_take_english_captions(client_for: Any, w: Any, make_segment: Any) -> None:
    segment = make_segment("S1")
    english = client_for(w.mila)
    response = english.post("/segments/S1/add-contacts/", {"contact__type": "Person", "ok": "1"})
    assert response.status_code == 302
    assert contacts_on(segment) == ["P1", "P2", "P3"]
    refused = english.post("/segments/S1/add-contacts/", {"contact__type": "persoon", "ok": "1"})
    assert (
        'Filter "persoon" for Type, at position 1: "persoon" is not one of: Company, Person.'
        in _text(refused)
    )
