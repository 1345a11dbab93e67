"""The values the segment pages' fill endpoints show after a template was chosen (issue 9: the
template's defaults come from the one rule, `interactions.services.template_defaults_apply`;
what the header and the lines show stays exactly what it was). Each case pins every filled
value of the form the endpoint returns, and how the HTML shows the chosen options."""

from __future__ import annotations

import decimal
from typing import Any

import pytest
from django.urls import reverse

from rapport.campaigns.services import campaign_create
from rapport.segments import services
from rapport.segments.forms import SegmentForm
from rapport.segments.models import Segment, SegmentLine
from rapport.segments.tests.test_services import add_all

HX = {"HTTP_HX_REQUEST": "true"}
HEADER = ("description", "campaign", *SegmentForm.INTERACTION)
LINE = (*HEADER, "salesperson")
RELATIONS = {"campaign": "no", "template": "code", "language": "code", "salesperson": "code"}


@pytest.fixture
def mila(world: Any, client_for: Any) -> Any:
    return client_for(world.mila)


@pytest.fixture
def more(world: Any, make_template: Any) -> Any:
    """Templates beside CALL and NEWS: FAXT ignores the contact's correspondence type (fax),
    MAIL does not (hard copy), VISIT has no correspondence type; campaign CP2."""
    world.cp2 = campaign_create(no="CP2", description="Autumn fair")
    world.faxt = make_template(
        "FAXT",
        unit_cost="2.25",
        unit_duration=5,
        information_flow="inbound",
        initiated_by="them",
        correspondence_type_default="fax",
        ignore_contact_corres_type=True,
    )
    world.mail = make_template(
        "MAIL",
        unit_cost="0.80",
        unit_duration=3,
        information_flow="outbound",
        initiated_by="us",
        correspondence_type_default="hard_copy",
        language_default="DE",
    )
    world.visit = make_template(
        "VISIT", unit_cost="40", unit_duration=60, correspondence_type_default=""
    )
    return world


def _filled(response: Any, names: tuple[str, ...]) -> dict[str, Any]:
    assert response.status_code == 200
    initial = response.context["form"].initial
    return {name: initial.get(name) for name in names}


def _cleared(**values: Any) -> dict[str, Any]:
    return {
        "description": "Fair",
        "campaign": "",
        "template": "",
        "language": "",
        "subject": "",
        "correspondence_type": "",
        "cost": 0,
        "duration": 0,
        "information_flow": "",
        "initiated_by": "",
        "campaign_target": False,
        "campaign_response": False,
        **values,
    }


TEMPLATES: dict[str, dict[str, Any]] = {
    "CALL": {
        "cost": decimal.Decimal("1.50"),
        "duration": 10,
        "information_flow": "outbound",
        "initiated_by": "us",
    },
    "NEWS": {
        "cost": decimal.Decimal("0.10"),
        "duration": 2,
        "information_flow": "outbound",
        "initiated_by": "us",
        "correspondence_type": "email",
        "language": "EN",
        "campaign": "CP1",
        "campaign_target": True,
    },
    "FAXT": {
        "cost": decimal.Decimal("2.25"),
        "duration": 5,
        "information_flow": "inbound",
        "initiated_by": "them",
        "correspondence_type": "fax",
    },
    "MAIL": {
        "cost": decimal.Decimal("0.80"),
        "duration": 3,
        "information_flow": "outbound",
        "initiated_by": "us",
        "correspondence_type": "hard_copy",
        "language": "DE",
    },
}


def _template(code: str, **values: Any) -> dict[str, Any]:
    """What the template gives, over a header or line without one (blanks, no campaign)."""
    return {**_cleared(), "template": code, **TEMPLATES[code], **values}


# --- the header -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("posted", "expected"),
    [
        pytest.param(
            {"template": "", "language": "NL", "campaign": "CP1", "campaign_target": "on"},
            {**_cleared(), "campaign": "CP1"},
            id="no template: cleared, the campaign kept",
        ),
        pytest.param(
            {"template": "CALL", "language": "NL", "correspondence_type": "fax"},
            _template("CALL", description="Fair"),
            id="a template without campaign",
        ),
        pytest.param(
            {"template": "NEWS", "campaign_response": "on"},
            _template("NEWS", description="Fair"),
            id="the template's campaign when none is chosen",
        ),
        pytest.param(
            {"template": "NEWS", "campaign": "CP2"},
            _template("NEWS", description="Fair", campaign="CP2"),
            id="a chosen campaign kept",
        ),
        pytest.param(
            {"template": "FAXT", "correspondence_type": "email"},
            _template("FAXT", description="Fair"),
            id="ignores the contact's correspondence type",
        ),
        pytest.param(
            {"template": "MAIL", "correspondence_type": "email"},
            _template("MAIL", description="Fair"),
            id="the template's correspondence type as it is",
        ),
    ],
)
def test_the_header_fill(
    more: Any, mila: Any, posted: dict[str, str], expected: dict[str, Any]
) -> None:
    data = {
        "description": "Fair",
        "subject": "Old subject",
        "cost": "7",
        "duration": "8",
        "campaign": "",
        "information_flow": "outbound",
        **posted,
    }
    response = mila.post(reverse("segments:segment-fill"), data, **HX)
    assert _filled(response, HEADER) == expected
    html = response.content.decode()
    for name in ("campaign", "language"):
        assert f'<option value="{expected[name]}" selected>' in html


def test_the_edit_page_fills_the_same_and_keeps_the_description(
    more: Any, mila: Any, make_segment: Any
) -> None:
    make_segment("S1", description="Spring mailing", template=more.call, subject="Hello")
    response = mila.post(
        reverse("segments:segment-edit-fill", args=["S1"]),
        {"description": "", "template": "NEWS", "campaign": "", "subject": "Hello"},
        **HX,
    )
    assert _filled(response, HEADER) == _template("NEWS", description="")


# --- a line -----------------------------------------------------------------------------------


@pytest.fixture
def segment(more: Any, make_segment: Any) -> Segment:
    segment = make_segment("S1", template=more.call)
    add_all(segment, "P1", "P2", "P3")
    return segment


def _line_page(mila: Any, line: SegmentLine, **posted: str) -> Any:
    page = mila.get(reverse("segments:segment-line-edit", args=[line.segment.no, line.line_no]))
    form = page.context["form"]
    data = {
        name: "" if form.initial.get(name) is None else str(form.initial[name])
        for name in form.fields
    }
    data = {name: value for name, value in data.items() if value != "False"}
    url = reverse("segments:segment-line-fill", args=[line.segment.no, line.line_no])
    return mila.post(url, {**data, **posted}, **HX)


def _saved(line: SegmentLine, values: dict[str, Any]) -> dict[str, Any]:
    """The line's saved values as its form shows them, with `values` over them."""
    line.refresh_from_db()
    saved = {name: getattr(line, name) for name in LINE if name not in RELATIONS}
    for name, key in RELATIONS.items():
        saved[name] = getattr(getattr(line, name), key, "")
    return {**saved, **values}


@pytest.mark.parametrize(
    ("contact", "posted", "expected"),
    [
        pytest.param(
            "P2",  # Dutch; NEWS has an NL row
            {"template": "NEWS", "description": "", "language": "DE"},
            {**TEMPLATES["NEWS"], "language": "NL", "description": "Newsletter"},
            id="the template's row for the contact's language",
        ),
        pytest.param(
            "P1",  # no language
            {"template": "NEWS", "language": "NL"},
            TEMPLATES["NEWS"],
            id="the template's language without a row for the contact's",
        ),
        pytest.param(
            "P1",  # prefers e-mail
            {"template": "FAXT", "correspondence_type": "hard_copy"},
            _template("FAXT"),
            id="a template that ignores the contact's correspondence type",
        ),
        pytest.param(
            "P1",
            {"template": "MAIL", "correspondence_type": "fax"},
            _template("MAIL", correspondence_type="email"),
            id="a template that follows the contact's correspondence type",
        ),
        pytest.param(
            "P1",
            {"template": "", "cost": "9", "language": "DE"},
            {"template": "", "cost": "9", "duration": "10", "language": "DE"},
            id="no template: left as posted",
        ),
    ],
)
def test_the_line_fill(
    segment: Segment, mila: Any, contact: str, posted: dict[str, str], expected: dict[str, Any]
) -> None:
    line = segment.lines.get(contact__no=contact)
    expected = {"template": posted["template"], **expected}
    if "description" not in posted:
        expected.pop("description", None)  # the line's own description stays
    response = _line_page(mila, line, **posted)
    assert _filled(response, LINE) == _saved(line, expected)
    html = response.content.decode()
    for name in ("campaign", "language"):
        assert f'<option value="{_saved(line, expected)[name]}" selected>' in html


def test_a_lines_row_fills_the_same_and_keeps_a_typed_description(
    segment: Segment, mila: Any
) -> None:
    bram = segment.lines.get(contact__no="P2")
    url = reverse("segments:segment-line-fill", args=["S1", bram.line_no]) + "?row=1"
    posted = {"template": "NEWS", "description": "Typed", "language": "DE"}
    response = mila.post(url, posted, **HX)
    row = ("template", "description", "correspondence_type", "language", "cost", "duration")
    expected = _saved(bram, {**TEMPLATES["NEWS"], **posted, "language": "NL"})
    assert _filled(response, row) == {name: expected[name] for name in row}


def test_a_line_takes_the_headers_campaign_before_the_templates(
    segment: Segment, mila: Any, more: Any
) -> None:
    Segment.objects.filter(pk=segment.pk).update(campaign=more.cp2)
    anna = segment.lines.get(contact__no="P1")
    response = _line_page(mila, anna, template="NEWS", campaign="")
    expected = {"template": "NEWS", **TEMPLATES["NEWS"], "campaign": "CP2"}
    assert _filled(response, LINE) == _saved(anna, expected)


def test_nothing_deciding_keeps_the_lines_saved_correspondence_type(
    segment: Segment, mila: Any, world: Any
) -> None:
    carla = segment.lines.get(contact__no="P3")  # no preference; VISIT has no type
    services.segment_line_update(actor=world.mila, line=carla, correspondence_type="fax")
    response = _line_page(mila, carla, template="VISIT", correspondence_type="hard_copy")
    assert _filled(response, LINE) == _saved(
        carla,
        {
            **_cleared(),
            "description": carla.description,
            "template": "VISIT",
            "correspondence_type": "fax",
            "cost": decimal.Decimal("40"),
            "duration": 60,
        },
    )
