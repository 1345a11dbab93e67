"""Issue 8, points 11 and 12, in a real browser, in English and in Dutch, at 390 px and at
1,400 px: the segment card with lines is never wider than the screen, every line's Edit and
Remove buttons are on the screen, and a line is edited in place (Edit, the template fills the
row at once, Enter saves, an error stands next to its field, Escape cancels)."""

from __future__ import annotations

import decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from rapport.contacts.services import contact_create
from rapport.segments.models import SegmentLine
from rapport.segments.services.totals import segment_totals_rebuild
from rapport.segments.tests.test_services import add_all

pytestmark = pytest.mark.browser

# The page's width, and where the action buttons of every line are: on the screen and inside
# the visible part of the table's own scroll container (no scrolling needed to reach them).
MEASURE = """() => {
  const width = window.innerWidth;
  const out = {scrollWidth: document.documentElement.scrollWidth, width, rows: 0, off: []};
  for (const row of document.querySelectorAll("[data-testid=segment-lines] tbody[data-line]")) {
    out.rows += 1;
    const box = row.closest(".table-responsive").getBoundingClientRect();
    for (const button of row.querySelectorAll("td.row-actions .btn")) {
      const r = button.getBoundingClientRect();
      const onScreen = r.width > 0 && r.left >= -0.5 && r.right <= width + 0.5;
      const inBox = r.left >= box.left - 0.5 && r.right <= box.right + 0.5;
      if (!onScreen || !inBox) {
        out.off.push(`${row.dataset.line} ${button.innerText.trim()} ${Math.round(r.left)}-${Math.round(r.right)}`);
      }
    }
  }
  return out;
}"""


# Whether an element of an editor row is visible: inside the table's scroll container and left
# of the row's sticky actions cell.
UNCOVERED = """(id) => {
  const element = document.getElementById(id);
  const rect = element.getBoundingClientRect();
  const actions = element.closest("tr").querySelector("td.row-actions").getBoundingClientRect();
  const box = element.closest(".table-responsive").getBoundingClientRect();
  return rect.width > 0 && rect.left >= box.left - 0.5 && rect.right <= actions.left + 0.5;
}"""


@pytest.fixture
def card(world: Any, make_segment: Any) -> Any:
    """Segment S1 on template CALL with four lines, one for a contact with long names."""
    long_company = contact_create(
        type="company",
        no="CO2",
        name="Van der Berg-Hoogenboom Internationale Handelsonderneming en Logistiek B.V.",
    )
    contact_create(
        type="person",
        no="P4",
        name="Maximiliaan-Alexander van Oldenbarnevelt tot Groot-Hoogstraten",
        company=long_company,
    )
    segment = make_segment(
        "S1", template=world.call, description="Spring fair invitations to every customer"
    )
    add_all(segment, "P1", "P2", "P3", "P4")
    return segment


def _check_fits(page: Page, label: str) -> dict[str, Any]:
    result = page.evaluate(MEASURE)
    assert result["rows"] >= 4, label
    assert result["scrollWidth"] <= result["width"], f"{label}: page {result['scrollWidth']} px"
    assert result["off"] == [], f"{label}: row actions off screen: {result['off']}"
    return result


@pytest.mark.parametrize("language", ["en", "nl"])
def test_segment_card_fits_and_lines_are_edited_in_place(
    page: Page,
    live_server: Any,
    world: Any,
    card: Any,
    login: Any,
    screenshot: Any,
    language: str,
) -> None:
    world.mila.language = language
    world.mila.save(update_fields=["language"])
    login(page, world.mila)
    words = {
        "en": {"edit": "Edit", "save": "Save"},
        "nl": {"edit": "Bewerken", "save": "Opslaan"},
    }[language]
    anna = SegmentLine.objects.get(segment=card, contact__no="P1")
    carla = SegmentLine.objects.get(segment=card, contact__no="P3")

    for width in (390, 1400):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto("/segments/S1/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        _check_fits(page, f"{language} {width} card")
        screenshot(page, f"{language}-{width}-card")

        # Edit in place: the row becomes the editor, its first field has the focus.
        row = page.locator(f"#line-{anna.line_no}")
        row.get_by_role("link", name=words["edit"]).click()
        expect(page.locator(f"#line-{anna.line_no}[data-line-editor]")).to_be_visible()
        expect(page.locator(f"#line{anna.line_no}_template")).to_be_focused()
        _check_fits(page, f"{language} {width} editor")
        screenshot(page, f"{language}-{width}-editor")

        # An error stands next to its field, in the row; nothing is saved.
        page.locator(f"#line{anna.line_no}_cost").fill("-1")
        page.locator(f"#line{anna.line_no}_cost").press("Enter")
        error = page.locator(f"#line{anna.line_no}_cost_error")
        expect(error).to_be_visible()
        expect(page.locator(f"#line{anna.line_no}_cost")).to_be_focused()
        # The focused field and its error are not under the sticky column of Save and Cancel.
        for element_id in (f"line{anna.line_no}_cost", f"line{anna.line_no}_cost_error"):
            assert page.evaluate(UNCOVERED, element_id), f"{language} {width}: {element_id} covered"
        screenshot(page, f"{language}-{width}-error")
        anna.refresh_from_db()
        assert anna.cost == decimal.Decimal("1.50")

        # Choosing a template fills the row at once, before saving.
        page.locator(f"#line{anna.line_no}_template").select_option("NEWS")
        expect(page.locator(f"#line{anna.line_no}_cost")).to_have_value("0.10")
        expect(page.locator(f"#line{anna.line_no}_correspondence_type")).to_have_value("email")
        expect(page.locator(f"#line{anna.line_no}_template")).to_be_focused()
        anna.refresh_from_db()
        assert anna.template.code == "CALL"
        screenshot(page, f"{language}-{width}-filled")

        # Enter saves the line; the totals follow; the focus returns to the row's Edit.
        expect(page.locator("[data-field=total_cost]")).to_contain_text(
            "6,00" if language == "nl" else "6.00"
        )
        description = page.locator(f"#line{anna.line_no}_description")
        description.fill(f"Newsletter {width}")
        description.press("Enter")
        expect(page.locator(f"#line-{anna.line_no}[data-line-editor]")).to_have_count(0)
        expect(row).to_contain_text(f"Newsletter {width}")
        expect(row.get_by_role("link", name=words["edit"])).to_be_focused()
        expect(page.locator("[data-field=total_cost]")).to_contain_text(
            "4,60" if language == "nl" else "4.60"
        )
        anna.refresh_from_db()
        assert (anna.template.code, anna.cost, anna.description) == (
            "NEWS",
            decimal.Decimal("0.10"),
            f"Newsletter {width}",
        )
        _check_fits(page, f"{language} {width} saved")

        # Escape cancels: the row shows the saved values again, nothing is saved.
        other = page.locator(f"#line-{carla.line_no}")
        other.get_by_role("link", name=words["edit"]).click()
        page.locator(f"#line{carla.line_no}_description").fill("Not saved")
        page.locator(f"#line{carla.line_no}_description").press("Escape")
        expect(page.locator(f"#line-{carla.line_no}[data-line-editor]")).to_have_count(0)
        expect(other).not_to_contain_text("Not saved")
        expect(other.get_by_role("link", name=words["edit"])).to_be_focused()
        carla.refresh_from_db()
        assert carla.description == "Spring fair invitations to every customer"
        screenshot(page, f"{language}-{width}-saved")

        # Put Anna back on the header's template for the next width.
        # The stored totals are recounted too: without it the page would start from 4.60 and
        # the check after the save could pass on the total shown before it.
        SegmentLine.objects.filter(pk=anna.pk).update(
            template=world.call, cost=decimal.Decimal("1.50")
        )
        segment_totals_rebuild(card)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_header_template_fills_the_form_and_the_question_names_the_change(
    page: Page,
    live_server: Any,
    world: Any,
    card: Any,
    login: Any,
    screenshot: Any,
    language: str,
) -> None:
    world.mila.language = language
    world.mila.save(update_fields=["language"])
    login(page, world.mila)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/segments/S1/edit/")
    page.locator("#id_template").select_option("NEWS")
    expect(page.locator("#id_cost")).to_have_value("0.10")
    expect(page.locator("#id_campaign")).to_have_value("CP1")
    expect(page.locator("#id_template")).to_be_focused()
    card.refresh_from_db()
    assert card.template.code == "CALL"  # nothing saved yet
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"{language}-header-filled")
    page.goto("/segments/S1/edit/")
    page.locator("#id_description").fill("Fair")
    page.locator("#id_cost").fill("2")
    page.locator("main form button.btn-primary[type=submit]").click()
    expect(page.get_by_test_id("lines-question")).to_contain_text(
        "Wilt u de omschrijving en de kosten op de 4 regels bijwerken?"
        if language == "nl"
        else "Update the description and the cost on the 4 lines?"
    )
    screenshot(page, f"{language}-question")
    # Another template chosen while the question shows: the question (about the change before)
    # gives way to the plain Save; saving then asks about what the save would do now.
    page.locator("#id_template").select_option("NEWS")
    expect(page.locator("#id_cost")).to_have_value("0.10")
    expect(page.get_by_test_id("lines-question")).to_have_count(0)
    page.locator("main form button.btn-primary[type=submit]").click()
    expect(page.get_by_test_id("lines-question")).to_contain_text(
        "Wilt u interactiesjabloon NEWS toepassen op de 4 regels?"
        if language == "nl"
        else "Apply interaction template NEWS to the 4 lines?"
    )
    card.refresh_from_db()
    assert (card.template.code, card.description) == (
        "CALL",
        "Spring fair invitations to every customer",
    )
    assert not SegmentLine.objects.filter(segment=card, template__code="NEWS").exists()
