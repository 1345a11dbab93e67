"""Segment pages and API for the header and lines: the list, the card, create, edit with the
one question about the lines, lines by hand."""

from __future__ import annotations

import decimal
from typing import Any

import pytest
from django.urls import reverse

from rapport.segments.models import Segment, SegmentLine
from rapport.segments.tests.test_services import add_all


@pytest.fixture
def mila(world: Any, client_for: Any) -> Any:
    return client_for(world.mila)


def test_list_and_card_show_lines_and_totals(world: Any, make_segment: Any, mila: Any) -> None:
    segment = make_segment("S1", template=world.call)
    add_all(segment, "P1", "P3")
    html = mila.get(reverse("segments:segment-list")).content.decode()
    assert "S1" in html and "Spring mailing" in html
    card = mila.get(reverse("segments:segment-detail", args=["s1"]))
    html = card.content.decode()
    assert card.status_code == 200
    assert 'data-field="no_of_lines">2<' in html
    assert 'data-field="total_cost">3.00<' in html
    assert "Anna" in html and "Carla" in html


def test_the_card_s_line_pages_answer_any_page_number(
    world: Any, make_segment: Any, mila: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lines' pages follow the list pages' rule (core.views.requested_page): not a number
    or below 1 → the first page, past the end or "last" → the last; never an error."""
    from rapport.segments.views import segments as segment_views

    monkeypatch.setattr(segment_views, "LINES_PER_PAGE", 1)
    add_all(make_segment("S1", template=world.call), "P1", "P3")
    url = reverse("segments:segment-detail", args=["S1"])
    for page, number in (("x", 1), ("0", 1), ("-2", 1), ("--1", 1), ("2", 2), ("9", 2)):
        response = mila.get(url, {"page": page})
        assert response.status_code == 200, page
        assert response.context["lines"].number == number, page
    assert mila.get(url, {"page": "last"}).context["lines"].number == 2


def test_create_page_makes_a_segment_from_a_template(world: Any, mila: Any) -> None:
    response = mila.post(
        reverse("segments:segment-create"),
        {"no": "s7", "description": "Fair invitations", "template": "NEWS", "date": "2026-03-02"},
    )
    assert response.status_code == 302
    segment = Segment.objects.get(no="S7")
    assert (segment.template.code, segment.cost, segment.campaign.no) == (
        "NEWS",
        decimal.Decimal("0.10"),
        "CP1",
    )


def test_edit_asks_once_about_the_lines_then_applies(
    world: Any, make_segment: Any, mila: Any
) -> None:
    segment = make_segment("S1", template=world.call)
    add_all(segment, "P1", "P3")
    url = reverse("segments:segment-edit", args=["S1"])
    form = mila.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data["cost"] = "4.00"
    response = mila.post(url, data)
    html = response.content.decode()
    assert "Update the cost on the 2 lines?" in html
    assert set(SegmentLine.objects.values_list("cost", flat=True)) == {decimal.Decimal("1.50")}
    # The answer goes with the question it answers (the page posts the question's key).
    assert response.context["question_key"] == "cost;;2"
    assert '<input type="hidden" name="lines_question" value="cost;;2">' in html
    response = mila.post(url, {**data, "apply_to_lines": "yes", "lines_question": "cost;;2"})
    assert response.status_code == 302
    assert set(SegmentLine.objects.values_list("cost", flat=True)) == {decimal.Decimal("4.00")}


def test_lines_by_hand_from_the_pages(world: Any, make_segment: Any, mila: Any) -> None:
    make_segment("S1", template=world.call)
    response = mila.post(reverse("segments:segment-line-add", args=["S1"]), {"contact": "P3"})
    assert response.status_code == 302
    line = SegmentLine.objects.get()
    response = mila.post(
        reverse("segments:segment-line-edit", args=["S1", line.line_no]),
        {"template": "CALL", "description": "Personal note", "cost": "9", "duration": "5"},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.description, line.cost) == ("Personal note", decimal.Decimal("9"))
    mila.post(reverse("segments:segment-line-delete", args=["S1", line.line_no]))
    assert not SegmentLine.objects.exists()


def test_readers_see_but_may_not_change(world: Any, make_segment: Any, client_for: Any) -> None:
    make_segment("S1", template=world.call)
    reader = client_for(world.reader)
    assert reader.get(reverse("segments:segment-detail", args=["S1"])).status_code == 200
    assert reader.get(reverse("segments:segment-edit", args=["S1"])).status_code == 403
    assert (
        reader.post(
            reverse("segments:segment-line-add", args=["S1"]), {"contact": "P3"}
        ).status_code
        == 403
    )
    assert not SegmentLine.objects.exists()


# --- API ---------------------------------------------------------------------------------------


def test_api_create_patch_with_apply_to_lines_and_lines(
    world: Any, api_client: Any, make_segment: Any
) -> None:
    client = api_client(world.mila)
    response = client.post(
        "/api/v1/segments/",
        {"no": "S2", "description": "Calls", "template_code": "call"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["unit_cost"] == "1.50"
    for no in ("P1", "P3"):
        assert (
            client.post("/api/v1/segments/S2/lines/", {"contact_no": no}, format="json").status_code
            == 201
        )
    response = client.patch("/api/v1/segments/S2/", {"unit_cost": "2.00"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "lines_affected"
    assert response.json()["error"]["affected_lines"] == 2
    response = client.patch(
        "/api/v1/segments/S2/", {"unit_cost": "2.00", "apply_to_lines": True}, format="json"
    )
    assert response.status_code == 200
    lines = client.get("/api/v1/segments/S2/lines/").json()["results"]
    assert [(line["contact_no"], line["cost"]) for line in lines] == [
        ("P1", "2.00"),
        ("P3", "2.00"),
    ]
    response = client.patch(
        f"/api/v1/segments/S2/lines/{lines[0]['line_no']}/",
        {"template_code": "NEWS", "evaluation": "positive"},
        format="json",
    )
    assert response.json()["template_code"] == "NEWS"
    assert client.patch("/api/v1/segments/S2/", {"bogus": 1}, format="json").status_code == 400
    assert client.delete(f"/api/v1/segments/S2/lines/{lines[1]['line_no']}/").status_code == 204
    assert client.get("/api/v1/segments/S2/").json()["no_of_lines"] == 1
