"""The application shell in a real browser: sign in, the home page, the profile page, Dutch."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def choose_language(page: Page, language: str) -> None:
    """Saves the profile form with `language` ("en" or "nl")."""
    form = page.locator("main form").filter(has=page.locator("select[name=language]"))
    form.locator("select[name=language]").select_option(language)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_sign_in_and_switch_the_language(
    page: Page, live_server: Any, admin_user: Any, login: Any, screenshot: Any
) -> None:
    # The login page, for someone signed out.
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")
    expect(page.locator("input[name=username]")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot(page, "login")

    # Signing in through the form lands on the home page.
    login(page, admin_user)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("h1")).to_contain_text("admin")
    expect(page.get_by_role("navigation", name="Main navigation")).to_be_visible()
    screenshot(page, "home")

    # The profile page, from the link in the header.
    page.get_by_title("Work date and language").click()
    expect(page).to_have_url(f"{live_server.url}/profile/")
    expect(page.locator("select[name=language]")).to_have_value("en")
    screenshot(page, "profile-en")

    # Dutch: the page itself says so, and the next page too.
    choose_language(page, "nl")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("select[name=language]")).to_have_value("nl")
    expect(page.locator("#messages .alert")).to_be_visible()
    screenshot(page, "profile-nl")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    screenshot(page, "home-nl")
    admin_user.refresh_from_db()
    assert admin_user.language == "nl"

    # And back to English.
    page.goto("/profile/")
    choose_language(page, "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("select[name=language]")).to_have_value("en")
    screenshot(page, "profile-en-again")
    admin_user.refresh_from_db()
    assert admin_user.language == "en"


def test_logged_in_page_fixture_and_sign_out(logged_in_page: Page, live_server: Any) -> None:
    page = logged_in_page
    expect(page).to_have_url(f"{live_server.url}/")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/login/")
    page.goto("/profile/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/profile/")


def test_a_wrong_password_stays_on_the_login_page(
    page: Page, live_server: Any, admin_user: Any, screenshot: Any
) -> None:
    page.goto("/login/")
    page.locator("input[name=username]").fill("admin")
    page.locator("input[name=password]").fill("wrong")
    page.locator("main button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/login/")
    screenshot(page, "wrong-password")
