"""Issue 8, point 12 in a real browser: on the interaction log a row is selected with the
keyboard and Create interaction opens the dialog for that row's contact; the entry's card opens
it for the entry's contact; the resume dialog lists the comment lines. At 390 px too."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from rapport.core.services import user_update_preferences
from rapport.interactions import services

# serialized_rollback: each test starts with the reference data the migrations load (the live
# server's transactional tests flush the database after each test).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WORK_DATE = datetime.date(2026, 3, 16)


def create(world: Any, **kwargs: Any) -> Any:
    kwargs.setdefault("actor", world.admin)
    kwargs.setdefault("template", world.call)
    kwargs.setdefault("correspondence_type", "")
    return services.interaction_create(**kwargs)


@pytest.mark.parametrize("width", [1400, 390])
def test_create_interaction_for_the_selected_entry_and_from_the_card(
    page: Page, live_server: Any, world: Any, login: Any, screenshot: Any, width: int
) -> None:
    user_update_preferences(user=world.mila, work_date=WORK_DATE)
    create(world, contact=world.p1, description="Call Anna")
    carla = create(world, contact=world.p3, description="Call Carla")
    create(world, contact=world.company, description="Call Acme")
    page.set_viewport_size({"width": width, "height": 844})
    login(page, world.mila)
    page.goto("/interactions/")
    table = page.get_by_test_id("log-table")
    # Keyboard: Tab onto the first row's radio, then the arrow key moves the selection down.
    first_radio = table.locator("input[data-row-select]").first
    first_radio.focus()
    page.keyboard.press("Space")
    expect(first_radio).to_be_checked()
    page.keyboard.press("ArrowDown")
    carla_row = table.locator(f'tr[data-entry="{carla.entry_no}"]')
    expect(carla_row.locator("input[data-row-select]")).to_be_checked()
    expect(carla_row).to_have_class("row-selected")
    screenshot(page, f"log-selected-{width}")
    page.get_by_test_id("create-interaction").click()
    dialog = page.locator("#interaction-modal")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#id_contact")).to_have_value("P3 – Carla")
    expect(dialog.locator("#id_contact")).to_be_disabled()
    screenshot(page, f"dialog-for-selected-{width}")
    _wait_for_dialog(page)
    page.keyboard.press("Escape")  # Cancel asks the question; No discards
    with page.expect_navigation():
        dialog.get_by_role("button", name="No").click()
    expect(page).to_have_url(f"{live_server.url}/interactions/")

    # Clicking a row's plain cell selects it too (on the reloaded page, once its scripts run).
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.htmx !== undefined")
    acme_row = table.locator("tbody tr").first
    acme_row.locator("td").nth(2).click()
    expect(acme_row.locator("input[data-row-select]")).to_be_checked()
    page.get_by_test_id("create-interaction").click()
    expect(page.locator("#interaction-modal #id_contact")).to_have_value("CO1 – Acme")
    _wait_for_dialog(page)
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.locator("#interaction-modal").get_by_role("button", name="No").click()

    # The entry's card: Create interaction, locked to its contact, back to the card.
    page.goto(f"/interactions/{carla.entry_no}/")
    page.get_by_role("link", name="Create interaction").click()
    dialog = page.locator("#interaction-modal")
    expect(dialog.locator("#id_contact")).to_have_value("P3 – Carla")
    expect(dialog.locator("#id_contact")).to_be_disabled()
    screenshot(page, f"dialog-from-card-{width}")
    _wait_for_dialog(page)
    # However long the form, its footer (Finish, Cancel) stays on screen: the body scrolls.
    finish_box = dialog.get_by_role("button", name="Finish").bounding_box()
    assert finish_box is not None
    assert finish_box["y"] + finish_box["height"] <= 844
    dialog.locator("#id_template").select_option("CALL")
    expect(dialog.locator("#id_description")).to_have_value("Phone call")
    dialog.get_by_role("button", name="Finish").click()
    expect(page).to_have_url(f"{live_server.url}/interactions/{carla.entry_no}/")
    expect(page.locator("#messages")).to_contain_text("with Carla was logged")
    assert scroll_width(page) <= width


def scroll_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_the_resume_dialog_shows_the_comment_lines(
    page: Page, live_server: Any, world: Any, login: Any, screenshot: Any
) -> None:
    user_update_preferences(user=world.mila, work_date=WORK_DATE)
    draft = create(
        world,
        contact=world.p3,
        postpone=True,
        comments=["Called twice, no answer", "Try again on Monday"],
    )
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, world.mila)
    page.goto("/interactions/postponed/")
    page.get_by_test_id("resume").first.click()
    dialog = page.locator("#interaction-modal")
    comments = dialog.get_by_test_id("dialog-comments")
    expect(comments).to_contain_text("Called twice, no answer")
    expect(comments).to_contain_text("Try again on Monday")
    comments.scroll_into_view_if_needed()
    screenshot(page, "resume-with-comments")
    assert scroll_width(page) <= 390
    comments.get_by_role("link", name="Edit comments").click()
    expect(page).to_have_url(f"{live_server.url}/interactions/{draft.entry_no}/comments/")
    expect(page.get_by_test_id("comments")).to_contain_text("Try again on Monday")


def _wait_for_dialog(page: Page) -> None:
    """The modal is shown and its script has run (the focus is inside it), so that keys and
    clicks reach its htmx-driven buttons rather than submitting the form as a plain page."""
    page.wait_for_function(
        "() => { const m = document.querySelector('#interaction-modal');"
        " return m && m.classList.contains('show') && m.contains(document.activeElement); }"
    )
