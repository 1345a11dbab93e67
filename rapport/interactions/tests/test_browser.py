"""The template pages in a real browser: campaign fields that apply only with a campaign, the
default language's row created on save, and adding a language from the card."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from rapport.campaigns.services import campaign_create
from rapport.interactions.models import InteractionTemplate

pytestmark = pytest.mark.browser


def test_create_a_template_with_a_campaign_and_languages(
    page: Page,
    live_server: Any,
    admin_user: Any,
    login: Any,
    screenshot: Any,
    group: Any,
    languages: Any,
) -> None:
    campaign_create(no="CP1", description="Spring fair")
    login(page, admin_user)
    page.goto("/setup/interaction-templates/")
    expect(page.get_by_test_id("empty-state")).to_be_visible()
    page.get_by_role("link", name="New interaction template").first.click()

    page.get_by_label("Code").fill("fair")
    page.get_by_label("Description", exact=True).fill("Invitation to the fair")
    page.get_by_label("Interaction group").select_option(label="LETTER – Letters")
    page.get_by_label("Unit cost").fill("2.50")
    page.get_by_label("Unit duration (min.)").fill("10")
    target = page.get_by_label("Campaign target")
    # Campaign target applies only with a campaign.
    expect(target).to_be_disabled()
    page.get_by_label("Campaign", exact=True).select_option(label="CP1 – Spring fair")
    expect(target).to_be_enabled()
    target.check()
    page.get_by_label("Language (default)").select_option(label="NL – Dutch")
    screenshot(page, "template-form")
    page.get_by_role("button", name="Save").click()

    expect(page.locator("h1")).to_contain_text("FAIR")
    expect(page.locator("#messages")).to_contain_text("Language NL was added")
    expect(page.get_by_test_id("languages")).to_contain_text("NL – Dutch")
    screenshot(page, "template-card")
    template = InteractionTemplate.objects.get()
    assert (template.code, str(template.unit_cost), template.campaign_target) == (
        "FAIR",
        "2.50",
        True,
    )

    # Clearing the campaign disables and clears the campaign fields again.
    page.get_by_role("link", name="Edit").first.click()
    page.get_by_label("Campaign", exact=True).select_option(value="")
    expect(page.get_by_label("Campaign target")).to_be_disabled()
    expect(page.get_by_label("Campaign target")).not_to_be_checked()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#messages .alert-success")).to_be_visible()
    template.refresh_from_db()
    assert (template.campaign, template.campaign_target) == (None, False)

    # A second language from the card.
    page.get_by_role("link", name="Add language").first.click()
    page.get_by_label("Language").select_option(label="EN – English")
    page.get_by_label("Description").fill("Invitation")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("languages")).to_contain_text("EN – English")
    screenshot(page, "template-card-languages")
    assert sorted(template.languages.values_list("language__code", flat=True)) == ["EN", "NL"]
