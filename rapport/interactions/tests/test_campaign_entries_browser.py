"""Campaign entries in a real browser: from the campaign card to the entry, Cancel (with its
question), then Delete canceled campaign entries (the count first), on a phone screen."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from rapport.campaigns.models import CampaignEntry
from rapport.interactions import services
from rapport.interactions.models import InteractionLogEntry

pytestmark = pytest.mark.browser


def test_cancel_a_campaign_entry_and_delete_it(
    page: Page, live_server: Any, login: Any, screenshot: Any, world: Any
) -> None:
    w = world
    entry = services.interaction_create(actor=w.admin, contact=w.p1, template=w.news)
    kept = services.interaction_create(actor=w.admin, contact=w.p3, template=w.news)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, w.admin)
    page.goto("/campaigns/CP1/")
    page.get_by_role("link", name="Campaign entries").first.click()
    expect(page.locator("h1")).to_have_text("Campaign entries")
    screenshot(page, "list")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name=str(entry.campaign_entry.entry_no), exact=True).click()
    expect(page.locator("h1")).to_have_text(f"Campaign entry {entry.campaign_entry.entry_no}")
    expect(page.get_by_test_id("campaign-entry-interactions")).to_contain_text(entry.description)
    questions: list[str] = []

    def accept(dialog: Any) -> None:
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator("#messages")).to_contain_text("are canceled")
    assert questions == ["Cancel campaign entry 1 and its 1 interaction?"]
    screenshot(page, "canceled-card")
    entry.refresh_from_db()
    assert entry.canceled is True

    page.goto("/interactions/campaign-entries/?campaign_no=CP1")
    page.get_by_role("link", name="Delete canceled campaign entries").click()
    expect(page.get_by_test_id("preview")).to_have_attribute("data-count", "1")
    screenshot(page, "delete-preview")
    assert CampaignEntry.objects.count() == 2  # counted, not deleted
    page.get_by_role("button", name="Delete 1 entry").click()
    expect(page.locator("#messages")).to_contain_text("1 campaign entry has been deleted.")
    assert list(InteractionLogEntry.objects.values_list("pk", flat=True)) == [kept.pk]
