"""Issue 5's procedure in a real browser, as a marketing user follows it: open Active
segments, create a segment, add contacts by country and mailing group (seeing the preview),
set the interaction, give one line another template, log it with a follow-up segment, find it
under Logged segments, open the follow-up segment and see the same contacts."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from rapport.contacts import services as contact_services
from rapport.contacts.models import Contact, Country, MailingGroup
from rapport.interactions import services as interaction_services
from rapport.interactions.models import InteractionLogEntry
from rapport.numbering.services import number_series_create
from rapport.segments.models import LoggedSegment, Segment
from rapport.setup.services import marketing_setup_update

pytestmark = pytest.mark.browser


def settled(editor: Any) -> None:
    """Wait until htmx has swapped in the line editor and bound it: htmx binds new content
    (the template select's fill, the form's save) only when it settles, and takes
    `htmx-added` off in the same step. A choice made before would reach no handler."""
    expect(editor).to_have_count(1)
    expect(editor).not_to_have_class(re.compile(r"\bhtmx-added\b"))


@pytest.fixture
def marketing_world(db: Any, make_user: Any) -> Any:
    user = make_user(username="mia", role="marketing")
    user.work_date = datetime.date(2026, 3, 2)
    user.save(update_fields=["work_date"])
    series = number_series_create(
        code="SEG", description="Segments", lines=[{"starting_no": "SEG00001"}]
    )
    marketing_setup_update(segment_nos=series)
    salesperson = contact_services.salesperson_create(code="MB", name="Mia Bos", user=user)
    news = contact_services.code_table_create(
        model=MailingGroup, code="NEWS", description="Newsletter"
    )
    # Loaded by the migrations; a transactional test may run after a flush that removed them.
    nl = Country.objects.get_or_create(code="NL", defaults={"name": "Netherlands"})[0]
    be = Country.objects.get_or_create(code="BE", defaults={"name": "Belgium"})[0]
    people = [
        ("ANNA", "Anna de Vries", nl, True),
        ("BRAM", "Bram Jansen", nl, True),
        ("CARLA", "Carla Peeters", be, True),
        ("DIRK", "Dirk Smit", nl, False),
    ]
    for no, name, country, subscribed in people:
        contact = contact_services.contact_create(
            type="person", no=no, name=name, country=country, salesperson=salesperson
        )
        if subscribed:
            contact.mailing_groups.add(news)
    letters = interaction_services.interaction_group_create(code="LETTER", description="Letters")
    phone = interaction_services.interaction_group_create(code="PHONE", description="Calls")
    interaction_services.interaction_template_create(
        code="INVITE",
        group=letters,
        description="Fair invitation",
        unit_cost="1.20",
        unit_duration=5,
        information_flow="outbound",
        initiated_by="us",
        correspondence_type_default="hard_copy",
        ignore_contact_corres_type=True,
    )
    interaction_services.interaction_template_create(
        code="CALL",
        group=phone,
        description="Phone call",
        unit_cost="2.50",
        unit_duration=10,
        information_flow="outbound",
        initiated_by="us",
        correspondence_type_default="",
        ignore_contact_corres_type=True,
    )
    return user


def test_build_personalise_and_log_a_segment_with_a_follow_up(
    page: Page, live_server: Any, marketing_world: Any, login: Any, screenshot: Any
) -> None:
    login(page, marketing_world)

    # Active segments → New segment.
    page.goto("/segments/")
    expect(page.locator("h1")).to_have_text("Active segments")
    page.locator("main a.btn-primary").first.click()
    page.locator("#id_description").fill("Spring fair invitations")
    page.locator("#id_template").select_option("INVITE")
    screenshot(page, "new-segment")
    page.locator("main form button.btn-primary[type=submit]").click()
    expect(page.locator("#messages .alert-success")).to_contain_text("SEG00001")
    segment = Segment.objects.get()
    assert (segment.template.code, str(segment.cost)) == ("INVITE", "1.20")

    # Add contacts by country and mailing group: the preview first.
    page.get_by_role("link", name="Add contacts").click()
    page.locator("#id_contact__country_code").fill("NL|BE")
    page.locator("#id_mailing_group__code").fill("NEWS")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("[data-preview-count]")).to_contain_text("3 contacts would be added")
    screenshot(page, "add-contacts-preview")
    assert segment.lines.count() == 0  # a preview writes nothing
    page.get_by_role("button", name="OK", exact=True).click()
    lines = page.get_by_test_id("segment-lines")
    expect(lines.locator("tbody tr")).to_have_count(3)
    expect(lines).not_to_contain_text("Dirk")

    # Set the interaction: a new cost, applied to the lines after the one question.
    page.get_by_role("link", name="Edit", exact=True).click()
    page.locator("#id_cost").fill("1.50")
    page.locator("main form button.btn-primary[type=submit]").click()
    expect(page.get_by_test_id("lines-question")).to_contain_text("Update the cost on the 3 lines?")
    page.get_by_role("button", name="Yes").click()
    expect(page.locator("#messages .alert-success")).to_be_visible()

    # Personalise one line in place: Carla gets a phone call instead.
    carla = lines.locator("tbody").filter(has_text="Carla")
    carla.get_by_role("link", name="Edit").click()
    editor = lines.locator("tbody[data-line-editor]")
    settled(editor)
    with page.expect_response(lambda response: "/fill/" in response.url):
        editor.locator("select[name=template]").select_option("CALL")
    expect(editor.locator("input[name=cost]")).to_have_value("2.50")  # filled at once
    settled(editor)  # the filled editor, swapped in, is bound before it is saved
    editor.get_by_role("button", name="Save").click()
    expect(lines.locator("tbody[data-line-editor]")).to_have_count(0)
    expect(lines.locator("tbody tr").filter(has_text="Carla")).to_contain_text("CALL")
    screenshot(page, "segment-card")

    # Log it with a follow-up segment.
    page.get_by_role("link", name="Log", exact=True).click()
    page.locator("#id_follow_up").check()
    page.locator("#id_deliver").uncheck()  # the templates have no attachments to deliver
    screenshot(page, "log-request")
    page.locator("main form button[type=submit].btn-primary").click()
    expect(page.locator("main")).to_contain_text("SEG00002")
    screenshot(page, "log-result")
    entries = InteractionLogEntry.objects.order_by("entry_no")
    assert [(e.contact.no, e.template.code, str(e.cost)) for e in entries] == [
        ("ANNA", "INVITE", "1.50"),
        ("BRAM", "INVITE", "1.50"),
        ("CARLA", "CALL", "2.50"),
    ]
    assert not Segment.objects.filter(no="SEG00001").exists()

    # Logged segments lists it.
    page.goto("/logged-segments/")
    row = page.locator("#object-table tbody tr").filter(has_text="SEG00001")
    expect(row).to_have_count(1)
    screenshot(page, "logged-segments")
    assert LoggedSegment.objects.get().follow_up_segment_no == "SEG00002"

    # The follow-up segment has the same contacts.
    page.goto("/segments/SEG00002/")
    follow_up_lines = page.get_by_test_id("segment-lines")
    expect(follow_up_lines.locator("tbody tr")).to_have_count(3)
    for name in ("Anna", "Bram", "Carla"):
        expect(follow_up_lines).to_contain_text(name)
    screenshot(page, "follow-up-segment")
    assert sorted(
        Contact.objects.filter(segment_lines__segment__no="SEG00002").values_list("no", flat=True)
    ) == ["ANNA", "BRAM", "CARLA"]
