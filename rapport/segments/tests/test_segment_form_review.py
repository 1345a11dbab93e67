"""Review of issue 8.11/8.12 on the segment pages: choosing the saved template again gives the
saved values back (header and line); an answer to the update-lines question holds only for the
question it answered; a row saved unchanged saves nothing; a refused row save without htmx shows
the line's whole page."""

from __future__ import annotations

import decimal
from typing import Any

import pytest
from django.urls import reverse

from rapport.segments import services
from rapport.segments.models import Segment, SegmentLine
from rapport.segments.tests.test_segment_lines_in_place import _row_data, _values
from rapport.segments.tests.test_services import add_all
from rapport.segments.views import fill as segment_fill
from rapport.segments.views import lines as line_views

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def mila(world: Any, client_for: Any) -> Any:
    return client_for(world.mila)


@pytest.fixture
def segment(world: Any, make_segment: Any) -> Segment:
    segment = make_segment("S1", template=world.call)
    add_all(segment, "P1", "P3")
    return segment


def _posted(form: Any, names: Any) -> dict[str, str]:
    return {
        name: "" if form.initial.get(name) is None else str(form.initial[name]) for name in names
    }


# --- 3. the saved template chosen again -----------------------------------------------------------


def test_choosing_the_lines_own_template_again_restores_its_values(
    segment: Segment, mila: Any
) -> None:
    line = segment.lines.get(contact__no="P1")
    before = _values(line)
    assert (line.cost, line.duration) == (decimal.Decimal("1.50"), 10)
    fill = reverse("segments:segment-line-fill", args=["S1", line.line_no]) + "?row=1"
    news = mila.post(fill, _row_data(line, template="NEWS"), **HX).context["form"]
    assert (news.initial["cost"], news.initial["duration"]) == (decimal.Decimal("0.10"), 2)
    again = mila.post(fill, {**_posted(news, news.ROW), "template": "CALL"}, **HX).context["form"]
    assert {name: again.initial[name] for name in again.ROW} == {
        "template": "CALL",
        "description": "Spring mailing",
        "salesperson": "MV",
        "correspondence_type": line.correspondence_type,
        "language": line.language.code if line.language else "",
        "cost": decimal.Decimal("1.50"),
        "duration": 10,
    }
    # Saving what the row shows leaves the line as it was.
    response = mila.post(
        reverse("segments:segment-line-row-edit", args=["S1", line.line_no]),
        _posted(again, again.ROW),
        **HX,
    )
    assert response.status_code == 200
    assert _values(line) == before


def test_the_line_page_restores_its_own_template_too(segment: Segment, mila: Any) -> None:
    line = segment.lines.get(contact__no="P1")
    page = mila.get(reverse("segments:segment-line-edit", args=["S1", line.line_no]))
    data = _posted(page.context["form"], page.context["form"].fields)
    fill = reverse("segments:segment-line-fill", args=["S1", line.line_no])
    news = mila.post(fill, {**data, "template": "NEWS"}, **HX).context["form"]
    again = mila.post(fill, {**_posted(news, news.fields), "template": "CALL"}, **HX)
    initial = again.context["form"].initial
    assert (initial["cost"], initial["duration"], initial["campaign"]) == (
        decimal.Decimal("1.50"),
        10,
        line.campaign.no if line.campaign else "",
    )


def test_choosing_the_headers_own_template_again_keeps_its_values_and_subject(
    segment: Segment, mila: Any
) -> None:
    Segment.objects.filter(pk=segment.pk).update(subject="Spring offer", cost=3)
    url = reverse("segments:segment-edit", args=["S1"])
    form = mila.get(url).context["form"]
    fill = reverse("segments:segment-edit-fill", args=["S1"])
    news = mila.post(fill, {**_posted(form, form.fields), "template": "NEWS"}, **HX)
    assert news.context["form"].initial["subject"] == ""
    filled = news.context["form"]
    again = mila.post(fill, {**_posted(filled, filled.fields), "template": "CALL"}, **HX)
    initial = again.context["form"].initial
    assert {name: initial[name] for name in segment_fill.HEADER_TEMPLATE_FIELDS} == {
        name: form.initial[name] for name in segment_fill.HEADER_TEMPLATE_FIELDS
    }
    assert (initial["subject"], initial["cost"]) == ("Spring offer", decimal.Decimal("3"))


# --- 4. an answer holds for its question only ------------------------------------------------------


def test_an_answer_is_not_applied_to_another_question(
    segment: Segment, mila: Any, world: Any
) -> None:
    add_all(segment, "P2")
    carla = segment.lines.get(contact__no="P3")
    services.segment_line_update(actor=world.mila, line=carla, template=world.news, cost="9")
    lines_before = {line.pk: _values(line) for line in SegmentLine.objects.all()}
    url = reverse("segments:segment-edit", args=["S1"])
    form = mila.get(url).context["form"]
    data = {**_posted(form, form.fields), "description": "Autumn mailing"}
    del data["no"]
    asked = mila.post(url, data)
    html = asked.content.decode()
    assert "Update the description on the 2 lines?" in html
    assert '<input type="hidden" name="lines_question" value="description;;2">' in html
    # The template is chosen while the question shows: the fill puts the plain Save back.
    fill = mila.post(
        reverse("segments:segment-edit-fill", args=["S1"]), {**data, "template": "NEWS"}, **HX
    )
    filled = fill.content.decode()
    assert '<div id="form-actions" hx-swap-oob="true">' in filled
    assert "lines_question" not in filled and 'value="yes"' not in filled
    # Yes, posted with the question that was answered, is not an answer to the new change.
    new_data = {
        **_posted(fill.context["form"], fill.context["form"].fields),
        "description": "Autumn mailing",
    }
    del new_data["no"]
    again = mila.post(
        url, {**new_data, "apply_to_lines": "yes", "lines_question": "description;;2"}
    )
    assert again.status_code == 200
    assert again.context["question"] == "Apply interaction template NEWS to the 3 lines?"
    assert again.context["question_key"] == (
        "campaign,campaign_target,correspondence_type,cost,description,duration,template;NEWS;3"
    )
    assert {line.pk: _values(line) for line in SegmentLine.objects.all()} == lines_before
    segment.refresh_from_db()
    assert (segment.template.code, segment.description) == ("CALL", "Spring mailing")
    # An answer without its question is asked again too.
    bare = mila.post(url, {**data, "apply_to_lines": "yes"})
    assert bare.context["question"] == "Update the description on the 2 lines?"
    assert {line.pk: _values(line) for line in SegmentLine.objects.all()} == lines_before
    # The answer to the question asked is applied.
    key = again.context["question_key"]
    done = mila.post(url, {**new_data, "apply_to_lines": "yes", "lines_question": key})
    assert done.status_code == 302
    assert set(SegmentLine.objects.values_list("template__code", flat=True)) == {"NEWS"}
    carla.refresh_from_db()
    assert carla.cost == decimal.Decimal("0.10")


def test_the_service_refuses_an_answer_given_to_another_question(
    segment: Segment, world: Any
) -> None:
    from rapport.core.errors import ConflictError

    with pytest.raises(ConflictError) as asked:
        services.segment_update(actor=world.mila, segment=segment, description="Fair")
    assert asked.value.question_key == "description;;2"  # type: ignore[attr-defined]
    with pytest.raises(ConflictError) as again:
        services.segment_update(
            actor=world.mila,
            segment=segment,
            description="Fair",
            cost="4",
            apply_to_lines=True,
            answered_question="description;;2",
        )
    assert again.value.message == "Update the description and the cost on the 2 lines?"
    assert set(SegmentLine.objects.values_list("description", flat=True)) == {"Spring mailing"}
    services.segment_update(
        actor=world.mila,
        segment=segment,
        description="Fair",
        apply_to_lines=True,
        answered_question="description;;2",
    )
    assert set(SegmentLine.objects.values_list("description", flat=True)) == {"Fair"}


# --- 12. nothing changed, nothing saved -------------------------------------------------------------


def test_a_row_saved_unchanged_calls_no_service(
    segment: Segment, mila: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = segment.lines.get(contact__no="P1")
    calls: list[Any] = []
    monkeypatch.setattr(
        line_views.services, "segment_line_update", lambda **kwargs: calls.append(kwargs)
    )
    url = reverse("segments:segment-line-row-edit", args=["S1", line.line_no])
    response = mila.post(url, _row_data(line), **HX)
    assert response.status_code == 200
    assert calls == []
    assert "HX-Trigger" not in response
    assert response.content.decode().startswith(f'<tbody id="line-{line.line_no}"')
    page = reverse("segments:segment-line-edit", args=["S1", line.line_no])
    form = mila.get(page).context["form"]
    assert mila.post(page, _posted(form, form.fields)).status_code == 302
    assert calls == []


# --- 13. a refused row save without htmx -------------------------------------------------------------


def test_a_refused_row_save_without_htmx_shows_the_lines_page(segment: Segment, mila: Any) -> None:
    line = segment.lines.get(contact__no="P1")
    before = _values(line)
    url = reverse("segments:segment-line-row-edit", args=["S1", line.line_no])
    response = mila.post(url, _row_data(line, cost="-1", description="Typed"))
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "<tbody" not in html.split("<main", 1)[-1].split("<form", 1)[0]
    form = response.context["form"]
    assert type(form) is line_views.SegmentLineForm
    assert form.errors == {"cost": ["Ensure this value is greater than or equal to 0."]}
    assert 'name="information_flow"' in html and 'value="Typed"' in html
    assert f'action="{url}"' not in html
    assert _values(line) == before
    # A refusal of the service lands on the page too.
    SegmentLine.objects.filter(pk=line.pk).update(contact=None)
    line.refresh_from_db()
    response = mila.post(url, _row_data(line, template="NEWS"))
    assert response.status_code == 422
    assert response.context["form"].errors["template"] == [
        "Choose a contact before giving the line its own template."
    ]
    line.refresh_from_db()
    assert line.template.code == "CALL"
