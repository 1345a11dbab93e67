"""The number series pages: list, card, create/edit with lines, delete, draw."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rapport.numbering.models import NumberSeries, NumberSeriesLine

pytestmark = pytest.mark.django_db


def page(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def management(total: int, initial: int) -> dict[str, str]:
    return {
        "lines-TOTAL_FORMS": str(total),
        "lines-INITIAL_FORMS": str(initial),
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "500",
    }


def row(index: int, **values: str) -> dict[str, str]:
    defaults = {"increment_by": "1"}
    defaults.update(values)
    return {f"lines-{index}-{name}": value for name, value in defaults.items()}


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def main(html: str) -> str:
    """The page without its navigation (whose menus name Segments too)."""
    return html.split("<main", 1)[1]


def test_list_page(admin_browser, make_series, django_assert_max_num_queries) -> None:
    make_series("CONT", description="Contact numbers", manual_nos=True)
    make_series("SEG", description="Segments", starting_no="SEG00001")
    with django_assert_max_num_queries(12):
        html = page(admin_browser.get(reverse("numbering:list")))
    assert "Contact numbers" in html and "SEG00001" in html
    assert reverse("numbering:create") in html
    html = main(page(admin_browser.get(reverse("numbering:list"), {"q": "cont"})))
    assert "Contact numbers" in html and "Segments" not in html
    html = page(admin_browser.get(reverse("numbering:list"), {"sort": "-code"}))
    assert html.index("SEG00001") < html.index("Contact numbers")
    html = main(page(admin_browser.get(reverse("numbering:list"), {"manual_nos": "true"})))
    assert "Contact numbers" in html and "Segments" not in html


def test_list_empty_state(admin_browser) -> None:
    html = page(admin_browser.get(reverse("numbering:list")))
    assert 'data-testid="empty-state"' in html


def test_card_page(admin_browser, make_series) -> None:
    make_series("SEG", starting_no="SEG00001", ending_no="SEG00009", warning_no="SEG00001")
    html = page(admin_browser.get(reverse("numbering:detail", kwargs={"code": "SEG"})))
    assert "SEG00009" in html
    assert "nearly used up" in html  # the next draw would warn
    for name in ("edit", "delete", "draw"):
        assert reverse(f"numbering:{name}", kwargs={"code": "SEG"}) in html
    assert (
        admin_browser.get(reverse("numbering:detail", kwargs={"code": "NOPE"})).status_code == 404
    )


def test_read_only_user_sees_no_write_buttons_and_may_not_write(
    reader_browser, make_series
) -> None:
    make_series("SEG")
    html = page(reader_browser.get(reverse("numbering:detail", kwargs={"code": "SEG"})))
    assert reverse("numbering:edit", kwargs={"code": "SEG"}) not in html
    assert reverse("numbering:draw", kwargs={"code": "SEG"}) not in html
    html = page(reader_browser.get(reverse("numbering:list")))
    assert reverse("numbering:create") not in html
    assert reader_browser.get(reverse("numbering:create")).status_code == 403
    assert reader_browser.get(reverse("numbering:edit", kwargs={"code": "SEG"})).status_code == 403
    assert reader_browser.post(reverse("numbering:draw", kwargs={"code": "SEG"})).status_code == 403
    assert (
        reader_browser.post(reverse("numbering:delete", kwargs={"code": "SEG"})).status_code == 403
    )
    assert NumberSeriesLine.objects.get().last_no_used == ""


def test_anonymous_is_sent_to_login(client) -> None:
    response = client.get(reverse("numbering:list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_create_with_lines(admin_browser) -> None:
    html = page(admin_browser.get(reverse("numbering:create")))
    assert 'name="lines-0-starting_no"' in html
    data = {
        "code": "seg",
        "description": "Segments",
        "default_nos": "on",
        **management(2, 0),
        **row(0, starting_no="SEG00001", ending_no="SEG99999", warning_no="SEG99000"),
        **row(1),  # a blank row is ignored
    }
    response = admin_browser.post(reverse("numbering:create"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("numbering:detail", kwargs={"code": "SEG"})
    series = NumberSeries.objects.get()
    assert (series.code, series.default_nos, series.manual_nos) == ("SEG", True, False)
    line = series.lines.get()
    assert (line.line_no, line.starting_no, line.warning_no) == (10000, "SEG00001", "SEG99000")


def test_errors_stand_next_to_their_field_and_nothing_is_saved(admin_browser) -> None:
    data = {
        "code": "SEG",
        "default_nos": "on",
        **management(2, 0),
        **row(0, starting_no="SEG00001"),
        **row(1, starting_no="SEG00010", ending_no="XX5"),
    }
    response = admin_browser.post(reverse("numbering:create"), data)
    html = page(response)
    assert "The number format in Ending No. must be the same" in html
    assert 'id="id_lines-1-ending_no_error"' in html
    assert 'aria-invalid="true"' in html
    assert not NumberSeries.objects.exists()
    # Both flags off: the message lands on Default Nos.
    data = {"code": "SEG", **management(1, 0), **row(0, starting_no="S1")}
    html = page(admin_browser.post(reverse("numbering:create"), data))
    assert 'id="id_default_nos_error"' in html
    assert not NumberSeries.objects.exists()


def test_form_level_errors(admin_browser) -> None:
    data = {
        "code": "",
        "default_nos": "on",
        **management(1, 0),
        **row(0, starting_no="S1", increment_by="0"),
    }
    html = page(admin_browser.post(reverse("numbering:create"), data))
    assert 'id="id_code_error"' in html
    assert 'id="id_lines-0-increment_by_error"' in html
    assert not NumberSeries.objects.exists()


def test_edit_keeps_a_number_drawn_meanwhile(admin_browser, make_series) -> None:
    from rapport.numbering import services

    make_series("SEG", starting_no="SEG00001", ending_no="SEG00099")
    html = page(admin_browser.get(reverse("numbering:edit", kwargs={"code": "SEG"})))
    assert 'value="SEG00099"' in html
    services.number_series_next(code="SEG")  # someone draws while the page is open
    data = {
        "code": "SEG",
        "description": "Edited",
        "default_nos": "on",
        **management(1, 1),
        **row(
            0,
            line_no="10000",
            starting_no="SEG00001",
            ending_no="SEG00050",
            last_no_used="",
            last_no_used_loaded="",
        ),
    }
    response = admin_browser.post(reverse("numbering:edit", kwargs={"code": "SEG"}), data)
    assert response.status_code == 302
    line = NumberSeriesLine.objects.get()
    assert line.ending_no == "SEG00050"
    assert line.last_no_used == "SEG00001"
    assert NumberSeries.objects.get().description == "Edited"


def test_edit_changes_last_no_used_when_typed_and_deletes_rows(admin_browser, make_series) -> None:
    make_series(
        "SEG",
        lines=[{"starting_no": "A001"}, {"starting_no": "B001", "starting_date": "2030-01-01"}],
    )
    data = {
        "code": "SEG",
        "default_nos": "on",
        **management(2, 2),
        **row(0, line_no="10000", starting_no="A001", last_no_used="A005", last_no_used_loaded=""),
        **row(1, line_no="20000", starting_no="B001", starting_date="2030-01-01", DELETE="on"),
    }
    response = admin_browser.post(reverse("numbering:edit", kwargs={"code": "SEG"}), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    line = NumberSeriesLine.objects.get()
    assert (line.line_no, line.last_no_used) == (10000, "A005")


def test_add_line_keeps_what_was_typed(admin_browser) -> None:
    data = {
        "code": "SEG",
        "description": "Typed",
        "default_nos": "on",
        "add_line": "1",
        **management(2, 0),
        **row(0, starting_no="SEG00001"),
        **row(1, starting_no="GONE1", DELETE="on"),
    }
    html = page(admin_browser.post(reverse("numbering:create"), data))
    assert 'value="Typed"' in html
    assert 'value="SEG00001"' in html
    assert "GONE1" not in html
    assert 'name="lines-1-starting_no"' in html  # the new blank row
    assert 'name="lines-TOTAL_FORMS" value="2"' in html
    assert "autofocus" in html
    assert not NumberSeries.objects.exists()
    # htmx asks for the same page and swaps the lines part
    response = admin_browser.post(reverse("numbering:create"), data, HTTP_HX_REQUEST="true")
    assert 'id="lines-part"' in page(response)


def test_delete_page(admin_browser, make_series) -> None:
    make_series("SEG")
    url = reverse("numbering:delete", kwargs={"code": "SEG"})
    assert "SEG" in page(admin_browser.get(url))
    response = admin_browser.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("numbering:list")
    assert not NumberSeries.objects.exists()


def test_draw_confirmation_and_draw(admin_browser, make_series) -> None:
    make_series("SEG", starting_no="SEG00001", ending_no="SEG00002", warning_no="SEG00002")
    url = reverse("numbering:draw", kwargs={"code": "SEG"})
    html = page(admin_browser.get(url))
    assert "SEG00001" in html
    response = admin_browser.post(url, follow=True)
    assert any("Drew number SEG00001" in text for text in messages_of(response))
    html = page(admin_browser.get(url))
    assert "SEG00002" in html and "nearly used up" in html
    response = admin_browser.post(url, follow=True)
    texts = messages_of(response)
    assert any("Drew number SEG00002" in text for text in texts)
    assert any("nearly used up" in text for text in texts)
    html = page(admin_browser.get(url))
    assert 'data-testid="problem"' in html
    response = admin_browser.post(url, follow=True)
    assert any("used up" in text for text in messages_of(response))
    assert NumberSeriesLine.objects.get().last_no_used == "SEG00002"
