"""Issue 2's journey in a real browser: sign in, Dutch and back, create a number series with a
line, make it the contact series in Marketing Setup, and draw a number from it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from rapport.numbering.models import NumberSeries
from rapport.setup.selectors import marketing_setup_get

pytestmark = pytest.mark.browser


def set_language(page: Page, language: str) -> None:
    page.goto("/profile/")
    page.locator("select[name=language]").select_option(language)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def test_number_series_and_marketing_setup_journey(
    page: Page, live_server: Any, admin_user: Any, login: Any, screenshot: Any
) -> None:
    login(page, admin_user)

    # Dutch and back: the Setup menu speaks NAV's Dutch.
    set_language(page, "nl")
    menu = page.locator("#mainnav .dropdown-toggle").filter(has_text="Instellingen")
    expect(menu).to_have_count(1)
    menu.click()
    expect(page.get_by_role("link", name="Marketinginstellingen")).to_be_visible()
    expect(page.get_by_role("link", name="Nummerreeksen")).to_be_visible()
    screenshot(page, "setup-menu-nl")
    page.get_by_role("link", name="Nummerreeksen").click()
    expect(page.locator("h1")).to_have_text("Nummerreeksen")
    screenshot(page, "number-series-nl")
    set_language(page, "en")

    # A new number series with one line, typed as a user would.
    page.goto("/setup/number-series/")
    expect(page.get_by_test_id("empty-state")).to_be_visible()
    page.get_by_role("link", name="New number series").first.click()
    page.locator("#id_code").fill("cust")
    page.get_by_label("Description").fill("Customers")
    page.get_by_label("Manual nos.").check()
    page.get_by_label("Starting no. (row 1)").fill("C00001")
    page.get_by_label("Ending no. (row 1)").fill("C00003")
    page.get_by_label("Warning no. (row 1)").fill("C00002")
    screenshot(page, "number-series-form")
    page.locator("main form button.btn-primary[type=submit]").click()

    expect(page.locator("h1")).to_contain_text("CUST")
    expect(page.locator("#messages .alert-success")).to_be_visible()
    screenshot(page, "number-series-card")
    series = NumberSeries.objects.get(code="CUST")
    assert (series.description, series.default_nos, series.manual_nos) == ("Customers", True, True)
    assert list(series.lines.values_list("starting_no", "ending_no", "warning_no")) == [
        ("C00001", "C00003", "C00002")
    ]

    # Marketing Setup: the new series becomes the contact series.
    page.goto("/setup/marketing/")
    page.get_by_label("Contact nos.").select_option(label="CUST")
    screenshot(page, "marketing-setup-form")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#messages .alert-success")).to_contain_text("Marketing Setup was saved.")
    expect(page.get_by_label("Contact nos.")).to_have_value(str(series.pk))
    screenshot(page, "marketing-setup-saved")
    assert marketing_setup_get().contact_nos == series

    # Drawing numbers: the second reaches the warning number, which the page says.
    for expected in ("C00001", "C00002"):
        page.goto("/setup/number-series/CUST/")
        page.get_by_role("link", name="Draw next number").or_(
            page.get_by_role("button", name="Draw next number")
        ).first.click()
        page.locator("main form button[type=submit]").first.click()
        expect(page.locator("main")).to_contain_text(expected)
    expect(page.locator("#messages .alert-warning")).to_be_visible()
    screenshot(page, "draw-warning")
    assert series.lines.get().last_no_used == "C00002"
