"""Issue 11 (H9): the segment card renders its line rows through `views/line_rows.py` (the row
partial rendered once per page and kind of row, values formatted in). The card's rows must
stay exactly what the in-place editor's row partial (`segments/lines/_line.html`, rendered by
the htmx row view) shows, in English and in Dutch: same links, values, texts."""

from __future__ import annotations

import decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from rapport.core.url_formers import url_former
from rapport.segments.tests.test_services import add_all

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def segment(world: Any, make_segment: Any) -> Any:
    segment = make_segment("S1", template=world.call)
    add_all(segment, "P1", "P2", "P3")
    lines = list(segment.lines.order_by("line_no"))
    # One personalised line (another template), a big amount, markup in the description.
    lines[1].template = world.news
    lines[1].cost = decimal.Decimal("12345.67")
    lines[1].duration = 12345
    lines[1].description = '<b>"Tom" & Jerry</b>'
    lines[1].save()
    return segment


@pytest.mark.parametrize("language", ["en", "nl"])
def test_card_rows_equal_the_row_partial(
    segment: Any, world: Any, client_for: Any, language: str
) -> None:
    world.mila.language = language
    world.mila.save(update_fields=["language"])
    client = client_for(world.mila)
    card = client.get(reverse("segments:segment-detail", args=["S1"])).content.decode()
    lines = list(segment.lines.select_related("contact", "template").order_by("line_no"))
    assert len(lines) == 3
    for line in lines:
        url = reverse("segments:segment-line-row", args=["S1", line.line_no])
        row = client.get(url, **HX).content.decode()
        assert row.startswith(f'<tbody id="line-{line.line_no}"')
        assert row in card  # character for character
        # The links and values the row must show.
        no = line.line_no
        assert f'<a href="{line.contact.get_absolute_url()}">{line.contact.no}</a>' in row
        assert f'href="{reverse("segments:segment-line-edit", args=["S1", no])}"' in row
        assert f'hx-get="{reverse("segments:segment-line-row-edit", args=["S1", no])}"' in row
        assert f'href="{reverse("segments:segment-line-delete", args=["S1", no])}"' in row
        with translation.override(language):
            kind = line.get_correspondence_type_display() if line.correspondence_type else ""
        assert f"<td>{kind}</td>" in row
        assert f"<td>{line.template.code}</td>" in row
    personalised = client.get(
        reverse("segments:segment-line-row", args=["S1", lines[1].line_no]), **HX
    ).content.decode()
    if language == "nl":
        assert ">12.345,67<" in personalised and ">12.345<" in personalised
        assert ">Bewerken<" in personalised
    else:
        assert ">12,345.67<" in personalised and ">12,345<" in personalised
        assert ">Edit<" in personalised and ">Remove<" in personalised
    assert 'class="table-info" title="' in personalised
    assert "&lt;b&gt;&quot;Tom&quot; &amp; Jerry&lt;/b&gt;" in personalised
    assert card.count('class="table-info"') == 1


def test_card_rows_for_a_reader_have_no_actions(segment: Any, world: Any, client_for: Any) -> None:
    card = client_for(world.reader).get(reverse("segments:segment-detail", args=["S1"]))
    html = card.content.decode()
    assert html.count('<tbody id="line-') == 3
    assert "data-line-edit" not in html and "row-actions" not in html


@pytest.mark.parametrize("value", ["P1", "A B", "äö", "8642097531", "x?y#z", "..", 7])
def test_url_former_equals_reverse(value: Any) -> None:
    assert url_former("contacts:contact-detail")(value) == reverse(
        "contacts:contact-detail", args=[value]
    )
    if isinstance(value, int):
        former = url_former("segments:segment-line-edit", "S 1ä")
        assert former(value) == reverse("segments:segment-line-edit", args=["S 1ä", value])
