"""Every list and card page fits a phone (390 px) and a desktop (1,400 px) screen, in English and
in Dutch (UI.md: "Every page fits a 390 px phone screen: wide tables scroll inside their own
container, row actions stay visible (first or sticky column), FastTabs stack; nothing makes the
page itself wider").

The pages are opened on the demo company, with a segment, a logged segment and saved criteria
added, so every table has rows. `test_every_list_and_card_page_is_covered` makes sure a new list
or card page is added to `PAGES` (and so to this check)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.views import generic
from playwright.sync_api import Page

from tests.urlwalk import ui_endpoints

pytestmark = pytest.mark.browser

WIDTHS = (390, 1400)
HEIGHT = 844

# What the page measures: the page's own width, and every link or button in a table row that a
# user cannot reach (outside the screen and not inside a table's own scroll container), and the
# row actions (links and buttons of a row's last cell) that are not on the screen at once, and
# the tables that are not inside a scroll container of their own.
MEASURE = """() => {
  const width = window.innerWidth;
  const out = {scrollWidth: document.documentElement.scrollWidth, width, unreachable: [], hidden: [], unwrapped: []};
  const scroller = (el) => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (["auto", "scroll"].includes(style.overflowX)) { return node; }
    }
    return null;
  };
  const name = (el) => (el.innerText || el.getAttribute("aria-label") || el.value || "").trim().slice(0, 40);
  for (const el of document.querySelectorAll("table tbody a, table tbody button")) {
    const rect = el.getBoundingClientRect();
    if (!rect.width || !rect.height) { continue; }
    const inside = rect.left >= -0.5 && rect.right <= width + 0.5;
    const box = scroller(el);
    let reachable = inside;
    if (!inside && box) {
      const boxRect = box.getBoundingClientRect();
      const left = rect.left - boxRect.left + box.scrollLeft;
      reachable = boxRect.left >= -0.5 && boxRect.right <= width + 0.5
        && left >= -0.5 && left + rect.width <= box.scrollWidth + 0.5
        && rect.width <= boxRect.width + 0.5;
    }
    if (!reachable) { out.unreachable.push(name(el)); }
    const cell = el.closest("td, th");
    const lastCell = cell && cell === cell.parentElement.lastElementChild
      && cell.parentElement.children.length > 1;
    let visible = inside;
    if (visible && box) {
      const boxRect = box.getBoundingClientRect();
      visible = rect.left >= boxRect.left - 0.5 && rect.right <= boxRect.right + 0.5;
    }
    if (lastCell && !visible) { out.hidden.push(name(el)); }
  }
  for (const table of document.querySelectorAll("main table, #dialog-host table")) {
    if (!scroller(table)) { out.unwrapped.push(table.dataset.testid || table.className); }
  }
  return out;
}"""


def load_layout_data() -> dict[str, str]:
    """The demo company, plus what the demo lacks: a comment line, a segment with lines and
    criteria, saved criteria and a logged segment. Returns the keys of the card pages."""
    from rapport.attachments.models import Attachment
    from rapport.campaigns.models import Campaign, CampaignEntry
    from rapport.contacts.models import Contact, Salesperson, Salutation
    from rapport.core.models import User
    from rapport.demo.data import load_demo
    from rapport.interactions import services as interaction_services
    from rapport.interactions.models import (
        InteractionGroup,
        InteractionLogEntry,
        InteractionTemplate,
    )
    from rapport.numbering.models import NumberSeries
    from rapport.segments import services as segment_services
    from rapport.segments.services import (
        segment_add_contacts,
        segment_log,
        segment_save_criteria,
    )

    load_demo()
    admin = User.objects.get(username="admin")
    entry = InteractionLogEntry.objects.filter(postponed=False, canceled=False).first()
    assert entry is not None
    interaction_services.interaction_add_comment(
        actor=admin, entry=entry, comment="Asked for a quote by phone; call back next week."
    )
    template = InteractionTemplate.objects.order_by("code").first()
    assert template is not None
    segment = segment_services.segment_create(
        actor=admin, description="Spring mailing to every customer", template=template
    )
    segment_add_contacts(actor=admin, segment=segment, filters={"contact": {"type": "company"}})
    segment_save_criteria(actor=admin, segment=segment, code="COMPANIES", description="Companies")
    logged = segment_services.segment_create(
        actor=admin, description="Newsletter sent", template=template
    )
    for contact in Contact.objects.filter(type="person").order_by("no")[:5]:
        segment_services.segment_line_add(actor=admin, segment=logged, contact=contact)
    result = segment_log(actor=admin, segment=logged, deliver=False)
    company = Contact.objects.filter(type="company", persons__isnull=False).order_by("no").first()
    person = Contact.objects.filter(type="person").order_by("no").first()
    salesperson = Salesperson.objects.order_by("code").first()
    campaign = Campaign.objects.order_by("no").first()
    group = InteractionGroup.objects.order_by("code").first()
    series = NumberSeries.objects.order_by("code").first()
    assert company and person and salesperson and campaign and group and series
    campaign_entry = CampaignEntry.objects.order_by("entry_no").first()
    assert campaign_entry is not None
    salutation = Salutation.objects.order_by("code").first()
    email = Attachment.objects.filter(kind="email").order_by("no").first()
    assert salutation and email
    from rapport.audit.models import AuditEntry

    audit_entry = AuditEntry.objects.exclude(changes={}).order_by("-id").first()
    assert audit_entry is not None  # the demo's and the segments' changes were audited
    return {
        "audit_entry": str(audit_entry.pk),
        "salutation": salutation.code,
        "attachment": str(email.no),
        "campaign_entry": str(campaign_entry.entry_no),
        "entry": str(entry.entry_no),
        "segment": segment.no,
        "logged_segment": str(result.logged_segment.entry_no),
        "company": company.no,
        "person": person.no,
        "salesperson": salesperson.code,
        "campaign": campaign.no,
        "group": group.code,
        "template": template.code,
        "series": series.code,
    }


# (URL name, how to build its path from the data's keys). Every list and card page is here
# (`test_every_list_and_card_page_is_covered`), with the other pages a user works on most.
PAGES: list[tuple[str, Callable[[dict[str, str]], str]]] = [
    ("home", lambda d: "/"),
    ("profile", lambda d: "/profile/"),
    ("setup:marketing-setup", lambda d: "/setup/marketing/"),
    ("numbering:list", lambda d: "/setup/number-series/"),
    ("numbering:detail", lambda d: f"/setup/number-series/{d['series']}/"),
    ("contacts:contact-list", lambda d: "/contacts/"),
    ("contacts:contact-detail", lambda d: f"/contacts/{d['company']}/"),
    ("contacts:contact-detail person", lambda d: f"/contacts/{d['person']}/"),
    ("contacts:salesperson-list", lambda d: "/salespeople/"),
    ("contacts:salesperson-detail", lambda d: f"/salespeople/{d['salesperson']}/"),
    ("contacts:salutation-list", lambda d: "/setup/salutations/"),
    ("contacts:salutation-detail", lambda d: f"/setup/salutations/{d['salutation']}/"),
    ("attachments:attachment-detail", lambda d: f"/attachments/{d['attachment']}/"),
    ("contacts:profile-questionnaire-list", lambda d: "/setup/profile-questionnaires/"),
    ("contacts:language-list", lambda d: "/setup/languages/"),
    ("contacts:country-list", lambda d: "/setup/countries/"),
    ("contacts:territory-list", lambda d: "/setup/territories/"),
    ("contacts:mailing-group-list", lambda d: "/setup/mailing-groups/"),
    ("contacts:industry-group-list", lambda d: "/setup/industry-groups/"),
    ("contacts:job-responsibility-list", lambda d: "/setup/job-responsibilities/"),
    ("contacts:business-relation-list", lambda d: "/setup/business-relations/"),
    ("interactions:group-list", lambda d: "/setup/interaction-groups/"),
    ("interactions:group-detail", lambda d: f"/setup/interaction-groups/{d['group']}/"),
    ("interactions:template-list", lambda d: "/setup/interaction-templates/"),
    ("interactions:template-detail", lambda d: f"/setup/interaction-templates/{d['template']}/"),
    ("interactions:log-list", lambda d: "/interactions/"),
    ("interactions:postponed-list", lambda d: "/interactions/postponed/"),
    ("interactions:entry-detail", lambda d: f"/interactions/{d['entry']}/"),
    ("interactions:entry-comments", lambda d: f"/interactions/{d['entry']}/comments/"),
    ("interactions:delete-canceled", lambda d: "/interactions/delete-canceled/"),
    ("interactions:interaction-create", lambda d: "/interactions/new/"),
    ("interactions:statistics", lambda d: f"/interactions/statistics/contact/{d['company']}/"),
    ("segments:segment-list", lambda d: "/segments/"),
    ("segments:segment-detail", lambda d: f"/segments/{d['segment']}/"),
    ("segments:segment-criteria-actions", lambda d: f"/segments/{d['segment']}/criteria-actions/"),
    ("segments:saved-criteria-list", lambda d: "/saved-segment-criteria/"),
    ("segments:logged-segment-list", lambda d: "/logged-segments/"),
    ("segments:logged-segment-detail", lambda d: f"/logged-segments/{d['logged_segment']}/"),
    ("interactions:campaign-entry-list", lambda d: "/interactions/campaign-entries/"),
    (
        "interactions:campaign-entry-detail",
        lambda d: f"/interactions/campaign-entries/{d['campaign_entry']}/",
    ),
    ("campaigns:campaign-list", lambda d: "/campaigns/"),
    ("campaigns:campaign-detail", lambda d: f"/campaigns/{d['campaign']}/"),
    ("audit:entry-list", lambda d: "/audit-trail/"),
    ("audit:entry-detail", lambda d: f"/audit-trail/{d['audit_entry']}/"),
]


def list_and_card_pages() -> set[str]:
    """The URL names of every list page and card page of the project."""
    names = set()
    for endpoint in ui_endpoints():
        cls = endpoint.view_class
        if endpoint.name is None or cls is None or endpoint.path.startswith("/admin/"):
            continue
        if issubclass(cls, generic.ListView | generic.DetailView) or endpoint.url_name.endswith(
            ("-list", "-detail")
        ):
            names.add(endpoint.name)
    return names


def test_every_list_and_card_page_is_covered() -> None:
    covered = {name.split(" ")[0] for name, _path in PAGES}
    missing = list_and_card_pages() - covered
    assert not missing, f"add these list/card pages to PAGES: {sorted(missing)}"


def _set_language(user: Any, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_page_fits_the_screen_and_keeps_its_row_actions(
    page: Page, live_server: Any, login: Any, screenshot: Any, language: str
) -> None:
    from rapport.core.models import User

    data = load_layout_data()
    admin = User.objects.get(username="admin")
    _set_language(admin, language)
    login(page, admin, password="admin")
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        for name, make_path in PAGES:
            path = make_path(data)
            response = page.goto(path)
            assert response is not None and response.status == 200, (name, path)
            assert page.locator("html").get_attribute("lang") == language
            if name == "home":
                # The header folds its menu on a phone, keeping the work date in sight.
                toggler = page.locator("nav .navbar-toggler")
                assert toggler.is_visible() is (width < 992)
                assert page.locator("#mainnav").is_visible() is (width >= 992)
                assert page.get_by_test_id("work-date-folded").is_visible() is (width < 992)
            result = page.evaluate(MEASURE)
            if result["scrollWidth"] > result["width"]:
                problems.append(f"{width}px {path}: page is {result['scrollWidth']} px wide")
            if result["unreachable"]:
                problems.append(f"{width}px {path}: out of reach: {result['unreachable'][:5]}")
            if result["unwrapped"]:
                problems.append(
                    f"{width}px {path}: tables without a scroll container: {result['unwrapped']}"
                )
            if result["hidden"]:
                problems.append(f"{width}px {path}: row actions off screen: {result['hidden'][:5]}")
            # The phone's first screen (a full 390 px page is too long to look at).
            label = f"{language}-{width}-{name.replace(':', '-').replace(' ', '-')}"
            screenshot(page, label, full_page=width > 390)
    assert not problems, "\n".join(problems)
