"""Issue 8, points 11 and 12 on the segment pages: a line of the segment card is edited in
place (UI.md's ListPart: the editor row, saved per line, errors next to the field), choosing a
template fills the header's or the line's values at once, and the update-lines question names
what changes."""

from __future__ import annotations

import decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from rapport.core.errors import ConflictError
from rapport.segments import services
from rapport.segments.models import SegmentLine
from rapport.segments.tests.test_services import add_all
from rapport.segments.views import lines as line_views

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def mila(world: Any, client_for: Any) -> Any:
    return client_for(world.mila)


@pytest.fixture
def segment(world: Any, make_segment: Any) -> Any:
    segment = make_segment("S1", template=world.call)
    add_all(segment, "P1", "P3")
    return segment


def _line(segment: Any, contact_no: str) -> SegmentLine:
    return segment.lines.get(contact__no=contact_no)


def _row_data(line: SegmentLine, **changes: str) -> dict[str, str]:
    """The editor row as the browser posts it: every field with its current value."""
    data = {
        "template": line.template.code if line.template else "",
        "description": line.description,
        "salesperson": line.salesperson.code if line.salesperson else "",
        "correspondence_type": line.correspondence_type,
        "language": line.language.code if line.language else "",
        "cost": str(line.cost),
        "duration": str(line.duration),
    }
    data.update(changes)
    return data


def _values(line: SegmentLine) -> tuple[Any, ...]:
    line.refresh_from_db()
    return (
        line.template_id,
        line.description,
        line.salesperson_id,
        line.correspondence_type,
        line.language_id,
        line.cost,
        line.duration,
        line.subject,
        line.date,
        line.campaign_id,
    )


# --- the editor row ------------------------------------------------------------------------------


def test_the_card_offers_edit_in_place_with_the_page_as_fallback(segment: Any, mila: Any) -> None:
    line = _line(segment, "P1")
    html = mila.get(reverse("segments:segment-detail", args=["S1"])).content.decode()
    edit_page = reverse("segments:segment-line-edit", args=["S1", line.line_no])
    editor = reverse("segments:segment-line-row-edit", args=["S1", line.line_no])
    assert f'<tbody id="line-{line.line_no}" data-line="{line.line_no}">' in html
    # A plain link to the line's page without JavaScript, the editor row with htmx.
    assert f'href="{edit_page}" hx-get="{editor}" hx-target="#line-{line.line_no}"' in html


def test_get_the_editor_row_of_a_line(segment: Any, mila: Any) -> None:
    line = _line(segment, "P1")
    url = reverse("segments:segment-line-row-edit", args=["S1", line.line_no])
    response = mila.get(url, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith(
        f'<tbody id="line-{line.line_no}" data-line="{line.line_no}" data-line-editor'
    )
    form = response.context["form"]
    assert list(form.fields) == [
        "description",
        "template",
        "salesperson",
        "language",
        "correspondence_type",
        "cost",
        "duration",
    ]
    assert f'id="line-form-{line.line_no}"' in html and f'hx-post="{url}"' in html
    assert (
        f'<input type="text" name="description" value="Spring mailing" maxlength="100" '
        f'class="form-control form-control-sm" form="line-form-{line.line_no}" '
        f'id="line{line.line_no}_description">'
    ) in html
    assert '<option value="CALL" selected>' in html
    # Every field has its label; Cancel brings the row back, All fields opens the page.
    assert f'<label class="visually-hidden" for="line{line.line_no}_cost">Cost</label>' in html
    assert reverse("segments:segment-line-row", args=["S1", line.line_no]) in html
    # Without htmx the same address opens the line's own page (the no-JS fallback).
    plain = mila.get(url)
    assert plain.status_code == 302
    assert plain["Location"] == reverse("segments:segment-line-edit", args=["S1", line.line_no])


def test_cancel_answers_the_row_as_saved(segment: Any, mila: Any) -> None:
    line = _line(segment, "P1")
    response = mila.get(reverse("segments:segment-line-row", args=["S1", line.line_no]), **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<tbody id="line-{line.line_no}" data-line="{line.line_no}">')
    assert "data-line-editor" not in html and "Anna" in html and "1.50" in html


def test_save_in_place_sends_only_the_changed_field(
    segment: Any, mila: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = _line(segment, "P1")
    other = _line(segment, "P3")
    other_before = _values(other)
    calls: list[dict[str, Any]] = []
    real = services.segment_line_update

    def spy(**kwargs: Any) -> Any:
        calls.append({k: v for k, v in kwargs.items() if k not in ("actor", "line")})
        return real(**kwargs)

    monkeypatch.setattr(line_views.services, "segment_line_update", spy)
    before = _values(line)
    response = mila.post(
        reverse("segments:segment-line-row-edit", args=["S1", line.line_no]),
        _row_data(line, description="Call Anna about the fair"),
        **HX,
    )
    assert response.status_code == 200
    assert calls == [{"description": "Call Anna about the fair"}]
    html = response.content.decode()
    assert html.startswith(f'<tbody id="line-{line.line_no}" data-line="{line.line_no}">')
    assert "data-line-editor" not in html and "Call Anna about the fair" in html
    assert response["HX-Trigger"] == "segment-lines-changed"  # the totals refresh themselves
    after = _values(line)
    assert after[1] == "Call Anna about the fair"
    assert after[:1] + after[2:] == before[:1] + before[2:]
    assert _values(other) == other_before


def test_save_in_place_of_a_cost_refreshes_the_totals(segment: Any, mila: Any) -> None:
    line = _line(segment, "P1")
    response = mila.post(
        reverse("segments:segment-line-row-edit", args=["S1", line.line_no]),
        _row_data(line, cost="4.25"),
        **HX,
    )
    assert response.status_code == 200
    line.refresh_from_db()
    assert line.cost == decimal.Decimal("4.25")
    card = mila.get(reverse("segments:segment-detail", args=["S1"]), **HX).content.decode()
    assert 'data-field="total_cost">5.75<' in card  # 4.25 + 1.50


@pytest.mark.parametrize(
    ("cost", "error"),
    [("-1", "Ensure this value is greater than or equal to 0."), ("abc", "Enter a number.")],
)
def test_errors_stand_next_to_their_field_in_the_row(
    segment: Any, mila: Any, cost: str, error: str
) -> None:
    line = _line(segment, "P1")
    before = _values(line)
    response = mila.post(
        reverse("segments:segment-line-row-edit", args=["S1", line.line_no]),
        _row_data(line, cost=cost, description="Changed too"),
        **HX,
    )
    assert response.status_code == 200  # htmx swaps it into the row
    html = response.content.decode()
    assert "data-line-editor" in html
    cell = html.split('<td data-field="cost">', 1)[1].split("</td>", 1)[0]
    assert f'aria-describedby="line{line.line_no}_cost_error"' in cell
    assert (
        f'<div class="invalid-feedback d-block" id="line{line.line_no}_cost_error">{error}</div>'
        in cell
    )
    assert 'value="Changed too"' in html  # what was typed stays
    assert _values(line) == before
    # Without htmx the same refusal is a 422 (and the line is still unchanged).
    plain = mila.post(
        reverse("segments:segment-line-row-edit", args=["S1", line.line_no]),
        _row_data(line, cost=cost),
    )
    assert plain.status_code == 422
    assert _values(line) == before


def test_a_refused_save_shows_the_service_error_in_the_row(
    segment: Any, mila: Any, world: Any
) -> None:
    line = _line(segment, "P1")
    SegmentLine.objects.filter(pk=line.pk).update(contact=None)
    line.refresh_from_db()
    response = mila.post(
        reverse("segments:segment-line-row-edit", args=["S1", line.line_no]),
        _row_data(line, template="NEWS"),
        **HX,
    )
    html = response.content.decode()
    cell = html.split('<td data-field="template">', 1)[1].split("</td>", 1)[0]
    assert "Choose a contact before giving the line its own template." in cell
    line.refresh_from_db()
    assert line.template_id == world.call.pk


def test_other_roles_and_other_segments_are_refused(
    segment: Any, world: Any, make_segment: Any, client_for: Any
) -> None:
    line = _line(segment, "P1")
    before = _values(line)
    urls = [
        reverse("segments:segment-line-row", args=["S1", line.line_no]),
        reverse("segments:segment-line-row-edit", args=["S1", line.line_no]),
        reverse("segments:segment-line-fill", args=["S1", line.line_no]) + "?row=1",
        reverse("segments:segment-fill"),
        reverse("segments:segment-edit-fill", args=["S1"]),
    ]
    for user in (world.reader, world.sven):  # read-only and salesperson roles
        client = client_for(user)
        for url in urls:
            assert client.get(url, **HX).status_code == 403, url
            assert client.post(url, _row_data(line, description="x"), **HX).status_code == 403
    assert _values(line) == before
    # A line number of another segment is not found in this one.
    other = make_segment("S2")
    add_all(other, "P1", "P2", "P3")
    last = other.lines.order_by("-line_no").first()
    assert not segment.lines.filter(line_no=last.line_no).exists()
    mila = client_for(world.mila)
    url = reverse("segments:segment-line-row-edit", args=["S1", last.line_no])
    assert mila.get(url, **HX).status_code == 404
    assert mila.post(url, {"description": "x"}, **HX).status_code == 404


# --- the template fill ---------------------------------------------------------------------------


def test_choosing_a_template_in_a_row_fills_the_line_before_saving(
    segment: Any, mila: Any, world: Any
) -> None:
    line = _line(segment, "P1")
    before = _values(line)
    url = reverse("segments:segment-line-fill", args=["S1", line.line_no]) + "?row=1"
    response = mila.post(url, _row_data(line, template="NEWS", description=""), **HX)
    assert response.status_code == 200
    form = response.context["form"]
    filled = {name: form.initial[name] for name in form.ROW}
    assert filled == {
        "template": "NEWS",
        "description": "Newsletter",  # blank: the template's
        "salesperson": "MV",  # not the template's business: unchanged
        "correspondence_type": "email",
        "language": "EN",
        "cost": decimal.Decimal("0.10"),
        "duration": 2,
    }
    html = response.content.decode()
    assert f'data-focus="line{line.line_no}_template"' in html
    assert 'value="0.10"' in html
    assert _values(line) == before  # nothing saved yet
    # A description already typed stays.
    carla = _line(segment, "P3")
    response = mila.post(
        reverse("segments:segment-line-fill", args=["S1", carla.line_no]) + "?row=1",
        _row_data(carla, template="NEWS", description="Typed"),
        **HX,
    )
    assert response.context["form"].initial["description"] == "Typed"


def test_the_filled_row_saves_what_it_shows(segment: Any, mila: Any, world: Any) -> None:
    add_all(segment, "P2")
    line = _line(segment, "P2")
    fill = mila.post(
        reverse("segments:segment-line-fill", args=["S1", line.line_no]) + "?row=1",
        _row_data(line, template="NEWS"),
        **HX,
    )
    form = fill.context["form"]
    assert form.initial["language"] == "NL"  # Bram is Dutch; NEWS has a Dutch row
    posted = {
        name: "" if form.initial[name] is None else str(form.initial[name]) for name in form.ROW
    }
    mila.post(reverse("segments:segment-line-row-edit", args=["S1", line.line_no]), posted, **HX)
    line.refresh_from_db()
    assert (line.template.code, line.cost, line.duration, line.language.code, line.campaign.no) == (
        "NEWS",
        decimal.Decimal("0.10"),
        2,
        "NL",
        "CP1",
    )


def test_the_line_page_fills_from_a_template_too(segment: Any, mila: Any) -> None:
    line = _line(segment, "P1")
    page = mila.get(reverse("segments:segment-line-edit", args=["S1", line.line_no]))
    fill_url = reverse("segments:segment-line-fill", args=["S1", line.line_no])
    assert f'hx-post="{fill_url}" hx-trigger="change from:#id_template"' in page.content.decode()
    data = {
        name: "" if value is None else value for name, value in page.context["form"].initial.items()
    }
    data["template"] = "NEWS"
    response = mila.post(fill_url, data, **HX)
    initial = response.context["form"].initial
    assert (
        initial["cost"],
        initial["duration"],
        initial["campaign"],
        initial["campaign_target"],
    ) == (
        decimal.Decimal("0.10"),
        2,
        "CP1",
        True,
    )
    assert response.content.decode().startswith('<div id="segment-fields"')


def test_choosing_a_template_on_the_header_fills_it_at_once(world: Any, mila: Any) -> None:
    page = mila.get(reverse("segments:segment-create"))
    fill_url = reverse("segments:segment-fill")
    assert f'hx-post="{fill_url}" hx-trigger="change from:#id_template"' in page.content.decode()
    response = mila.post(
        fill_url,
        {"description": "Fair", "template": "NEWS", "subject": "Old", "cost": "7", "campaign": ""},
        **HX,
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {name: form.initial[name] for name in form.INTERACTION} == {
        "template": "NEWS",
        "language": "EN",
        "subject": "",
        "correspondence_type": "email",
        "cost": decimal.Decimal("0.10"),
        "duration": 2,
        "information_flow": "outbound",
        "initiated_by": "us",
        "campaign_target": True,
        "campaign_response": False,
    }
    assert (form.initial["campaign"], form.initial["description"]) == ("CP1", "Fair")
    html = response.content.decode()
    assert html.startswith(f'<div id="segment-fields" hx-post="{fill_url}"')
    assert '<option value="CP1" selected>' in html
    assert not form.fields["no"].disabled
    # Saving the filled form makes the segment the fill showed.
    posted = {n: v for n, v in form.initial.items() if v not in (None, False)}
    mila.post(reverse("segments:segment-create"), {**posted, "no": "S9"})
    from rapport.segments.models import Segment

    made = Segment.objects.get(no="S9")
    assert (
        made.cost,
        made.duration,
        made.language.code,
        made.campaign.no,
        made.correspondence_type,
    ) == (
        decimal.Decimal("0.10"),
        2,
        "EN",
        "CP1",
        "email",
    )


def test_the_edit_page_fills_from_a_template_and_keeps_the_number(segment: Any, mila: Any) -> None:
    url = reverse("segments:segment-edit-fill", args=["S1"])
    assert (
        f'hx-post="{url}"'
        in mila.get(reverse("segments:segment-edit", args=["S1"])).content.decode()
    )
    response = mila.post(url, {"template": "NEWS", "campaign": ""}, **HX)
    form = response.context["form"]
    assert form.fields["no"].disabled and form.initial["no"] == "S1"
    assert (form.initial["cost"], form.initial["correspondence_type"]) == (
        decimal.Decimal("0.10"),
        "email",
    )
    # No template: the template's values are cleared, as saving does.
    response = mila.post(url, {"template": "", "cost": "3", "language": "EN"}, **HX)
    initial = response.context["form"].initial
    assert (initial["cost"], initial["language"], initial["information_flow"]) == (0, "", "")
    segment.refresh_from_db()
    assert segment.template.code == "CALL"  # nothing saved


# --- the update-lines question -------------------------------------------------------------------


def test_the_question_names_what_changes_and_how_many_lines(world: Any, make_segment: Any) -> None:
    segment = make_segment("S1")  # no template: the question must not say "template (none)"
    add_all(segment, "P1", "P3")

    def question(**changes: Any) -> str:
        with pytest.raises(ConflictError) as refused:
            services.segment_update(actor=world.mila, segment=segment, **changes)
        assert refused.value.code == "lines_affected"
        return refused.value.message

    assert question(description="Fair") == "Update the description on the 2 lines?"
    assert question(description="Fair", cost="2") == (
        "Update the description and the cost on the 2 lines?"
    )
    assert question(cost="2", duration="3", description="Fair") == (
        "Update the description, the cost and the duration on the 2 lines?"
    )
    assert question(template=world.news) == "Apply interaction template NEWS to the 2 lines?"
    with translation.override("nl"):
        assert question(description="Fair", cost="2") == (
            "Wilt u de omschrijving en de kosten op de 2 regels bijwerken?"
        )
        assert question(template=world.news) == (
            "Wilt u interactiesjabloon NEWS toepassen op de 2 regels?"
        )
    SegmentLine.objects.filter(contact__no="P3").delete()
    assert question(description="Fair") == "Update the description on 1 line?"
    with translation.override("nl"):
        assert question(description="Fair") == "Wilt u de omschrijving op 1 regel bijwerken?"


def test_a_cleared_template_is_named_in_the_question(world: Any, make_segment: Any) -> None:
    segment = make_segment("S1", template=world.call)
    add_all(segment, "P1", "P3")
    with pytest.raises(ConflictError) as refused:
        services.segment_update(actor=world.mila, segment=segment, template=None)
    assert refused.value.message == "Remove the interaction template from the 2 lines?"


def test_the_edit_page_asks_the_question_in_dutch(
    segment: Any, world: Any, client_for: Any
) -> None:
    world.mila.language = "nl"
    world.mila.save(update_fields=["language"])
    client = client_for(world.mila)
    url = reverse("segments:segment-edit", args=["S1"])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data.update(description="Beurs", cost="4.00")
    html = client.post(url, data).content.decode()
    assert "Wilt u de omschrijving en de kosten op de 2 regels bijwerken?" in html
