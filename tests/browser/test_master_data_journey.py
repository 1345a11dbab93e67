"""Issue 3's journey in a real browser, in English and in Dutch: a company, a person under it
with two mailing groups, and an interaction template."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from rapport.contacts import services as contact_services
from rapport.contacts.models import Contact, MailingGroup
from rapport.interactions.models import InteractionTemplate

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"contacts": "Contacts", "new_person": "New person", "saved": "was created"},
    "nl": {"contacts": "Contacten", "new_person": "Nieuwe persoon", "saved": "is gemaakt"},
}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_company_person_and_template(
    page: Page, live_server: Any, admin_user: Any, login: Any, screenshot: Any, language: str
) -> None:
    words = WORDS[language]
    admin_user.language = language
    admin_user.save(update_fields=["language"])
    for code, description in (
        ("NEWS", "Newsletter"),
        ("XMAS", "Christmas card"),
        ("EVENTS", "Events"),
    ):
        contact_services.code_table_create(model=MailingGroup, code=code, description=description)
    login(page, admin_user)
    expect(page.locator("html")).to_have_attribute("lang", language)

    # A company, from the Contacts list.
    page.get_by_role("link", name=words["contacts"], exact=True).first.click()
    expect(page.locator("h1")).to_have_text(words["contacts"])
    page.locator("main a.btn-primary").first.click()
    page.locator("#id_no").fill("ACME")
    page.locator("#id_type").select_option("company")
    expect(page.locator("#id_company")).to_be_hidden()
    page.locator("#id_name").fill("Acme Trading")
    page.locator("#id_address").fill("Stationsplein 1")
    page.locator("#id_post_code").fill("3511 ED")
    page.locator("#id_city").fill("Utrecht")
    page.locator("#id_phone_no").fill("+31 30 123 4567")
    screenshot(page, f"company-form-{language}")
    page.locator("main form button.btn-primary[type=submit]").click()
    expect(page.locator("#messages .alert-success")).to_contain_text(words["saved"])
    expect(page.locator("h1")).to_have_text("Acme Trading")
    screenshot(page, f"company-card-{language}")

    # A person under it, with two mailing groups.
    page.get_by_role("link", name=words["new_person"]).click()
    expect(page.locator("#id_company")).to_have_value("ACME")
    expect(page.locator("#id_type")).to_have_value("person")
    page.locator("#id_no").fill("ANNA")
    page.locator("#id_name").fill("Anna de Vries")
    page.locator("#id_email").fill("anna@acme.example")
    page.locator("#id_job_title").fill("Buyer")
    page.get_by_label("NEWS – Newsletter").check()
    page.get_by_label("XMAS – Christmas card").check()
    screenshot(page, f"person-form-{language}")
    page.locator("main form button.btn-primary[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Anna de Vries")
    expect(page.locator("[data-field=mailing_groups]")).to_contain_text("NEWS")
    expect(page.locator("[data-field=mailing_groups]")).to_contain_text("XMAS")
    expect(page.locator("[data-field=city]")).to_have_text("Utrecht")
    screenshot(page, f"person-card-{language}")
    person = Contact.objects.get(no="ANNA")
    assert person.company.no == "ACME"
    assert person.city == "Utrecht"
    assert sorted(person.mailing_groups.values_list("code", flat=True)) == ["NEWS", "XMAS"]

    # The company card lists the person.
    page.locator("nav[aria-label] ol a").nth(1).click()
    expect(page.get_by_test_id("company-persons")).to_contain_text("Anna de Vries")
    screenshot(page, f"company-with-person-{language}")

    # An interaction template in a new group.
    page.goto("/setup/interaction-groups/new/")
    page.locator("#id_code").fill("LETTER")
    page.locator("#id_description").fill("Letters")
    page.locator("main form button.btn-primary[type=submit]").click()
    page.goto("/setup/interaction-templates/new/")
    page.locator("#id_code").fill("OFFER")
    page.locator("#id_group").select_option(label="LETTER – Letters")
    page.locator("#id_description").fill("Offer letter")
    page.locator("#id_unit_cost").fill("2.50")
    page.locator("#id_unit_duration").fill("15")
    page.locator("#id_information_flow").select_option("outbound")
    page.locator("#id_initiated_by").select_option("us")
    page.locator("#id_correspondence_type_default").select_option("hard_copy")
    screenshot(page, f"template-form-{language}")
    page.locator("main form button.btn-primary[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("OFFER")
    screenshot(page, f"template-card-{language}")
    template = InteractionTemplate.objects.get(code="OFFER")
    assert (template.group.code, template.description) == ("LETTER", "Offer letter")
    assert (template.information_flow, template.initiated_by) == ("outbound", "us")
    assert template.correspondence_type_default == "hard_copy"
