"""Issue 4's two procedures in a real browser, in English and in Dutch, as a user follows them:

1. Open a contact, choose Create interaction, fill it in, finish; see it in the interaction log
   and in the contact's statistics.
2. Start another one, cancel, choose to finish it later; find it under Postponed interactions,
   resume it and finish it. Postpone a third and delete it."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from rapport.contacts import services as contact_services
from rapport.interactions import services
from rapport.interactions.models import InteractionLogEntry

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"later": "finish this interaction later", "logged": "was logged", "yes": "Yes"},
    "nl": {"later": "later voltooien", "logged": "is vastgelegd", "yes": "Ja"},
}


@pytest.fixture
def setup_world(db: Any, admin_user: Any) -> Any:
    salesperson = contact_services.salesperson_create(code="JB", name="Jan Bos", user=admin_user)
    company = contact_services.contact_create(
        type="company", no="ACME", name="Acme Trading", salesperson=salesperson
    )
    contact_services.contact_create(type="person", no="ANNA", name="Anna de Vries", company=company)
    phone = services.interaction_group_create(code="PHONE", description="Phone calls")
    services.interaction_template_create(
        code="CALL",
        group=phone,
        description="Phone call",
        unit_cost="2.50",
        unit_duration=10,
        information_flow="outbound",
        initiated_by="us",
        ignore_contact_corres_type=True,
    )
    admin_user.work_date = datetime.date(2026, 3, 2)
    admin_user.save(update_fields=["work_date"])
    return company


def open_dialog(page: Page) -> Any:
    page.locator("main a[href*='/interactions/new/']").first.click()
    dialog = page.locator("#interaction-modal")
    expect(dialog).to_be_visible()
    return dialog


@pytest.mark.parametrize("language", ["en", "nl"])
def test_create_postpone_resume_and_delete(
    page: Page,
    live_server: Any,
    admin_user: Any,
    setup_world: Any,
    login: Any,
    screenshot: Any,
    language: str,
) -> None:
    words = WORDS[language]
    admin_user.language = language
    admin_user.save(update_fields=["language"])
    login(page, admin_user)

    # 1. Open the contact and choose Create interaction: the dialog opens over the page.
    page.goto("/contacts/ANNA/")
    dialog = open_dialog(page)
    expect(dialog.locator("#id_contact")).to_have_value("ANNA – Anna de Vries")
    expect(dialog.locator("#id_contact")).to_be_disabled()
    expect(dialog.locator("#id_date")).to_have_value("2026-03-02")
    dialog.locator("#id_template").select_option("CALL")
    # Choosing the template fills the details at once.
    expect(dialog.locator("#id_description")).to_have_value("Phone call")
    expect(dialog.locator("#id_cost")).to_have_value("2.50")
    expect(dialog.locator("#id_information_flow")).to_have_value("outbound")
    dialog.locator("#id_description").fill("Called about the spring offer")
    dialog.locator("#id_duration").fill("25")
    dialog.locator("#id_evaluation").select_option("positive")
    screenshot(page, f"dialog-{language}")
    dialog.locator("#id_description").press("Enter")  # Enter finishes
    expect(page.locator("#messages .alert-success")).to_contain_text(words["logged"])
    first = InteractionLogEntry.objects.get()
    assert (first.description, first.duration, first.postponed) == (
        "Called about the spring offer",
        25,
        False,
    )
    # The contact's statistics count it.
    expect(page.locator("main")).to_contain_text("Called about the spring offer")

    # ... and it is in the interaction log.
    page.goto("/interactions/")
    row = page.locator("#object-table tbody tr").filter(has_text="Called about the spring offer")
    expect(row).to_have_count(1)
    screenshot(page, f"log-{language}")

    # 2. Another one: cancel, finish later (Escape cancels, as the Cancel button does).
    page.goto("/contacts/ANNA/")
    dialog = open_dialog(page)
    dialog.locator("#id_template").select_option("CALL")
    expect(dialog.locator("#id_description")).to_have_value("Phone call")
    dialog.locator("#id_description").fill("Call back about the quote")
    page.keyboard.press("Escape")
    question = page.locator("[data-dialog-question]")
    expect(question).to_contain_text(words["later"])
    screenshot(page, f"finish-later-{language}")
    question.get_by_role("button", name=words["yes"], exact=True).click()
    expect(page.locator("#messages .alert-success")).to_be_visible()
    draft = InteractionLogEntry.objects.get(postponed=True)
    assert draft.description == "Call back about the quote"

    # Postponed interactions: resume it and finish it.
    page.locator("main a[href*='/interactions/postponed/']").first.click()
    row = page.locator("#object-table tbody tr").filter(has_text="Call back about the quote")
    expect(row).to_have_count(1)
    screenshot(page, f"postponed-{language}")
    row.locator(f"a[href*='/interactions/postponed/{draft.entry_no}/resume/']").click()
    expect(page.locator("#id_description")).to_have_value("Call back about the quote")
    page.locator("[data-dialog-form] button[value=finish]").click()
    expect(page.locator("#messages .alert-success")).to_contain_text(words["logged"])
    draft.refresh_from_db()
    assert (draft.postponed, draft.date) == (False, datetime.date(2026, 3, 2))

    # A third one: postponed, then deleted from the postponed interactions.
    page.goto("/contacts/ANNA/")
    dialog = open_dialog(page)
    dialog.locator("#id_description").fill("Not needed after all")
    dialog.locator("[data-dialog-cancel]").click()
    page.locator("[data-dialog-question] button[value=postpone]").click()
    expect(page.locator("#messages .alert-success")).to_be_visible()
    third = InteractionLogEntry.objects.get(postponed=True)
    page.goto("/interactions/postponed/")
    row = page.locator("#object-table tbody tr").filter(has_text="Not needed after all")
    row.locator(f"a[href*='/interactions/postponed/{third.entry_no}/delete/']").click()
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("#messages .alert-success")).to_be_visible()
    assert not InteractionLogEntry.objects.filter(postponed=True).exists()
    assert InteractionLogEntry.objects.count() == 2
    expect(page.locator("#object-table")).not_to_contain_text("Not needed after all")
    assert re.search(r"/interactions/postponed/", page.url)
