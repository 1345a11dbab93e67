"""The audit trail in a real browser: by keyboard alone, on a phone and on a desktop."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1400])
def test_filter_and_open_an_entry_by_keyboard(
    page: Page,
    live_server: Any,
    admin_user: Any,
    login: Any,
    screenshot: Any,
    trail: Any,
    width: int,
) -> None:
    page.set_viewport_size({"width": width, "height": 844})
    login(page, admin_user)
    page.goto("/audit-trail/?date_from=2026-03-01&date_to=2026-03-03")
    rows = page.locator("#object-table tbody tr")
    expect(rows).to_have_count(3)
    # Type a user name in the filter and press Enter: the table shows that user's entries.
    page.get_by_label("User", exact=True).focus()
    page.keyboard.type("anne")
    page.keyboard.press("Enter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("CT000001")
    # Tab from the filter panel to the row's link and open it with Enter.
    link = rows.first.get_by_role("link")
    for _step in range(20):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the row's link cannot be reached with Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/audit-trail/{trail['update'].pk}/")
    changes = page.get_by_test_id("audit-changes")
    expect(changes.locator("tr[data-field=name]")).to_contain_text("Old Name")
    expect(changes.locator("tr[data-field=name]")).to_contain_text("New Name")
    # Nothing makes the page wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"entry-{width}")
