"""The demo's interaction groups and templates (letters, e-mails, phone calls and meetings
with their costs, durations and languages), two campaigns and the interaction log: 600 logged
interactions over the last 18 months with the demo contacts (some canceled, some with a
campaign) and a few postponed ones. Made through the services, so the demo obeys every rule a
user's data does; safe to run twice (what exists is left alone; the log is only made while it
is empty). `rapport.demo` calls `load_demo_interactions`."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from rapport.attachments.models import Attachment
from rapport.attachments.services import attachment_create
from rapport.campaigns.models import Campaign
from rapport.campaigns.services import campaign_create, campaign_entry_create
from rapport.contacts.models import Contact, Language, Salesperson
from rapport.core.entry_numbers import reserve_numbers
from rapport.core.errors import DomainError
from rapport.core.models import User
from rapport.core.notices import collect_notices
from rapport.interactions import selectors, services
from rapport.interactions.models import InteractionGroup, InteractionLogEntry, InteractionTemplate

GROUPS = [
    ("LETTER", "Letters"),
    ("EMAIL", "E-mails"),
    ("PHONE", "Phone calls"),
    ("MEETING", "Meetings"),
]

# code, group, description, unit cost, unit duration, flow, initiated by, correspondence type
TEMPLATES = [
    ("ABSTRACT", "LETTER", "Product abstract", "2.50", 5, "outbound", "us", "hard_copy"),
    ("INVIT", "LETTER", "Invitation to an event", "3.00", 10, "outbound", "us", "hard_copy"),
    ("THANKS", "LETTER", "Thank-you letter", "1.50", 5, "outbound", "us", "hard_copy"),
    ("NEWS", "EMAIL", "Newsletter", "0.10", 2, "outbound", "us", "email"),
    ("EMAIL", "EMAIL", "E-mail", "0.05", 5, "outbound", "us", "email"),
    ("OFFER", "EMAIL", "Offer by e-mail", "0.10", 15, "outbound", "us", "email"),
    ("OUTGOING", "PHONE", "Outgoing call", "1.00", 10, "outbound", "us", ""),
    ("INCOMING", "PHONE", "Incoming call", "0.50", 10, "inbound", "them", ""),
    ("FOLLOWUP", "PHONE", "Follow-up call", "1.00", 15, "outbound", "us", ""),
    ("VISIT", "MEETING", "Customer visit", "75.00", 120, "outbound", "us", ""),
    ("LUNCH", "MEETING", "Business lunch", "60.00", 90, "outbound", "us", ""),
    ("PRESENT", "MEETING", "Product presentation", "150.00", 180, "outbound", "us", ""),
]

# Letters and e-mails are written per language; English is the default.
LANGUAGE_DESCRIPTIONS = {
    "ABSTRACT": {"EN": "Product abstract", "NL": "Productsamenvatting", "DE": "Produktübersicht"},
    "INVIT": {"EN": "Invitation", "NL": "Uitnodiging", "DE": "Einladung"},
    "THANKS": {"EN": "Thank you", "NL": "Bedankt", "DE": "Vielen Dank"},
    "NEWS": {"EN": "Newsletter", "NL": "Nieuwsbrief", "DE": "Newsletter"},
    "OFFER": {"EN": "Our offer", "NL": "Onze offerte", "DE": "Unser Angebot"},
}
NEWS_BODIES = {
    "EN": (
        "Rapport news",
        "<p>{{ salutation }}</p><p>Here is our news, {{ contact.first_name or contact.name }}."
        "</p><p>Kind regards,<br>{{ salesperson.name }}</p>",
    ),
    "NL": (
        "Rapport nieuws",
        "<p>{{ salutation }}</p><p>Hier is ons nieuws voor {{ company.name or contact.name }}."
        "</p><p>Met vriendelijke groet,<br>{{ salesperson.name }}</p>",
    ),
    "DE": (
        "Rapport Neuigkeiten",
        "<p>{{ salutation }}</p><p>Unsere Neuigkeiten.</p><p>{{ salesperson.name }}</p>",
    ),
}

# The letters are HTML letters printed as PDF (kind `pdf`), merged per contact.
LETTER_HEAD = (
    "<p>{{ contact.name }}<br>{{ contact.address }}<br>{{ contact.post_code }} "
    "{{ contact.city }}<br>{{ contact.country_name }}</p><p>{{ interaction.date }}</p>"
    "<h1>{{ interaction.subject }}</h1><p>{{ salutation }}</p>"
)
LETTER_BODIES = {
    "EN": "<p>Thank you for your interest in our products.</p><p>Kind regards,<br>"
    "{{ salesperson.name }}</p>",
    "NL": "<p>Hartelijk dank voor uw belangstelling voor onze producten.</p>"
    "<p>Met vriendelijke groet,<br>{{ salesperson.name }}</p>",
    "DE": "<p>Vielen Dank für Ihr Interesse an unseren Produkten.</p>"
    "<p>Mit freundlichen Grüßen<br>{{ salesperson.name }}</p>",
}
LETTER_TEMPLATES = {"ABSTRACT", "INVIT", "THANKS"}


def load_demo_interactions(add: Callable[[str, int], None] | None = None) -> None:
    """Create the demo groups and templates that do not exist yet, then (when there are
    contacts and the log is empty) the demo campaigns and interaction log. `add(what, count)`
    is told what was created (e.g. `DemoSummary.add`). The newsletter gets an e-mail
    attachment per language and the wizard action Merge."""

    def count(what: str, number: int = 1) -> None:
        if add is not None and number:
            add(what, number)

    for code, description in GROUPS:
        if not InteractionGroup.objects.filter(code=code).exists():
            services.interaction_group_create(code=code, description=description)
            count("interaction groups")
    languages = {language.code: language for language in Language.objects.all()}
    for row in TEMPLATES:
        if not InteractionTemplate.objects.filter(code=row[0]).exists():
            _demo_template(row, languages, count)
    load_demo_log(add)


def _demo_template(row: tuple, languages: dict[str, Language], count: Callable[..., None]) -> None:
    """One demo template with its language rows (the newsletter: an e-mail attachment per
    language and the wizard action Merge); English, when there, is its default language."""
    code, group, description, cost, duration, flow, initiated_by, channel = row
    template = services.interaction_template_create(
        code=code,
        group=group,
        description=description,
        unit_cost=Decimal(cost),
        unit_duration=duration,
        information_flow=flow,
        initiated_by=initiated_by,
        correspondence_type_default=channel,
        # Calls, visits and meetings send nothing: as a careful NAV setup does, they ignore
        # the contact's preferred correspondence type (else a contact who prefers e-mail
        # would get correspondence type Email, which needs an attachment to send).
        ignore_contact_corres_type=not channel,
    )
    count("interaction templates")
    rows = {
        language: text
        for language, text in LANGUAGE_DESCRIPTIONS.get(code, {}).items()
        if language in languages
    }
    for language, text in rows.items():
        attachment = None
        if code == "NEWS":
            subject, body = NEWS_BODIES[language]
            attachment = attachment_create(kind="email", subject=subject, body_html=body)
            count("attachments")
        elif code in LETTER_TEMPLATES:
            attachment = attachment_create(
                kind="pdf",
                file_name=f"{code.lower()}-{language.lower()}.pdf",
                body_html=LETTER_HEAD + LETTER_BODIES[language],
            )
            count("attachments")
        services.interaction_template_language_create(
            template=template,
            language=languages[language],
            description=text,
            attachment=attachment,
        )
    count("interaction template languages", len(rows))
    if "EN" in rows:
        services.interaction_template_update(
            template=template,
            language_default="EN",
            wizard_action="merge" if code == "NEWS" else template.wizard_action,
        )


# --- The interaction log ----------------------------------------------------------------------

LOG_SEED = 2027
LOGGED = 600
POSTPONED = 6
CANCELED_SHARE = 0.04
DAYS = 548  # about 18 months

# template, weight, correspondence type to log with (None: the template's, resolved against
# the contact's preference). Calls, meetings and the e-mails without an attachment are logged
# without a channel, letters on paper: correspondence type Email needs an attachment to send.
MIX: list[tuple[str, int, str | None]] = [
    ("OUTGOING", 20, ""),
    ("INCOMING", 12, ""),
    ("FOLLOWUP", 10, ""),
    ("VISIT", 8, ""),
    ("LUNCH", 4, ""),
    ("PRESENT", 3, ""),
    ("ABSTRACT", 6, "hard_copy"),
    ("INVIT", 6, "hard_copy"),
    ("THANKS", 5, "hard_copy"),
    ("NEWS", 12, None),
    ("EMAIL", 10, ""),
    ("OFFER", 4, ""),
]
EVALUATIONS = ["", "very_positive", "positive", "neutral", "negative", "very_negative"]
EVALUATION_WEIGHTS = [6, 2, 5, 3, 1, 1]
CALLS = {"OUTGOING", "FOLLOWUP"}
MEETINGS = {"VISIT", "LUNCH", "PRESENT"}
# description, campaign starts this many days ago, lasts this many days, its templates
CAMPAIGNS = [
    ("Spring trade fair", 420, 60, {"INVIT", "PRESENT", "VISIT"}),
    ("Autumn newsletter", 150, 90, {"NEWS", "OFFER"}),
]


def _demo_campaigns(today: datetime.date, add: Callable[[str, int], None]) -> list[tuple]:
    """The demo campaigns (created when missing; none without Campaign Nos.), as
    (campaign, first day, last day, template codes)."""
    found = []
    for description, starts, days, codes in CAMPAIGNS:
        first = today - datetime.timedelta(days=starts)
        last = first + datetime.timedelta(days=days)
        campaign = Campaign.objects.filter(description=description).first()
        if campaign is None:
            try:
                campaign = campaign_create(
                    description=description,
                    starting_date=first,
                    ending_date=last,
                    salesperson=Salesperson.objects.filter(code="MV").first(),
                    work_date=today,
                )
            except DomainError:
                continue
            add("campaigns", 1)
        found.append((campaign, first, last, codes))
    return found


def load_demo_log(add: Callable[[str, int], None] | None = None) -> None:
    """600 logged interactions with the demo contacts over the last 18 months (about 4 %
    canceled; those of a campaign's templates in its period with that campaign) and 6
    postponed ones. Nothing happens while the log has entries, or without contacts,
    templates, salespeople or the admin user. The same every time (a seeded generator).

    Set-based, under the same rules: `interaction_prepare` computes and checks each entry
    exactly as `interaction_create` would (template defaults, required fields, downgrade,
    attachment checks, who may log it); the entries are then inserted together with the next
    entry numbers, a campaign entry each (`campaign_entry_create`) and one read-only copy per
    template attachment, shared by its entries (as a logged segment shares one). The drafts
    go through `interaction_create`."""

    def count(what: str, number: int = 1) -> None:
        if add is not None and number:
            add(what, number)

    if InteractionLogEntry.objects.exists():
        return
    world = _log_world()
    if world is None:
        return
    rng = random.Random(LOG_SEED)
    today = timezone.localdate()
    campaigns = _demo_campaigns(today, count)
    plans = _plans(rng, world, today)
    entries, sources = _prepared_entries(rng, world, plans, campaigns)
    _insert_entries(entries, sources)
    count("interactions", len(entries))
    count("canceled interactions", sum(entry.canceled for entry in entries))
    _add_drafts(rng, world)
    count("postponed interactions", POSTPONED)


@dataclass(frozen=True)
class _LogWorld:
    """What the demo log is made of."""

    admin: User
    templates: dict[str, InteractionTemplate]
    contacts: list[Contact]
    salespeople: list[Salesperson]

    def author(self, salesperson: Salesperson) -> User:
        """Who logs for `salesperson`: their user, else the admin."""
        return salesperson.user if salesperson.user_id else self.admin  # type: ignore[return-value]


def _log_world() -> _LogWorld | None:
    """The admin, the templates of MIX, the contacts that may be interacted with and the
    salespeople; None when one of them is missing."""
    admin = User.objects.filter(username="admin").first()
    codes = [code for code, _weight, _channel in MIX]
    templates = {
        template.code: template
        for template in selectors.interaction_template_list()
        .filter(code__in=codes)
        .prefetch_related("languages__language", "languages__attachment")
    }
    contacts = list(
        Contact.objects.filter(privacy_blocked=False)
        .select_related("company", "salesperson__user", "language")
        .order_by("no")
    )
    salespeople = list(Salesperson.objects.select_related("user").order_by("code"))
    if admin is None or not contacts or not salespeople or len(templates) < len(MIX):
        return None
    return _LogWorld(admin, templates, contacts, salespeople)


def _plans(rng: random.Random, world: _LogWorld, today: datetime.date) -> list[tuple]:
    """The logged interactions to make, by date: (date, template code, correspondence type,
    contact, luck, mood)."""
    plans = []
    for _index in range(LOGGED):
        code, _weight, channel = rng.choices(MIX, weights=[weight for _c, weight, _h in MIX])[0]
        date = today - datetime.timedelta(days=rng.randrange(DAYS))
        plans.append((date, code, channel, rng.choice(world.contacts), rng.random(), rng.random()))
    plans.sort(key=lambda plan: plan[0])
    return plans


def _prepared_entries(
    rng: random.Random, world: _LogWorld, plans: list[tuple], campaigns: list[tuple]
) -> tuple[list[InteractionLogEntry], list[Attachment | None]]:
    """Each plan through `interaction_prepare`: the unsaved entries and the template
    attachments their read-only copies are made of."""
    entries: list[InteractionLogEntry] = []
    sources: list[Attachment | None] = []
    with collect_notices():  # the downgrade notices are for a person at a form
        for date, code, channel, contact, luck, mood in plans:
            salesperson = contact.salesperson or world.salespeople[0]
            campaign = next(
                (
                    c
                    for c, first, last, kinds in campaigns
                    if code in kinds and first <= date <= last
                ),
                None,
            )
            evaluation = ""
            if code in CALLS | MEETINGS:
                evaluation = rng.choices(EVALUATIONS, weights=EVALUATION_WEIGHTS)[0]
            prepared = services.interaction_prepare(
                actor=world.author(salesperson),
                contact=contact,
                template=world.templates[code],
                salesperson=salesperson,
                correspondence_type=channel,
                date=date,
                time=datetime.time(8 + int(mood * 10), 5 * rng.randrange(12)),
                evaluation=evaluation,
                successful=not (code in CALLS and luck < 0.12),
                campaign=campaign or "",
            )
            prepared.entry.canceled = luck > 1 - CANCELED_SHARE
            entries.append(prepared.entry)
            sources.append(prepared.attachment)
    return entries, sources


def _add_drafts(rng: random.Random, world: _LogWorld) -> None:
    """The postponed interactions, through `interaction_create` (every other one without a
    template yet: only the contact is required)."""
    drafts = [("OUTGOING", "call notes"), ("VISIT", "visit report"), ("OFFER", "offer")]
    for index in range(POSTPONED):
        contact = rng.choice(world.contacts)
        salesperson = contact.salesperson or world.salespeople[0]
        draft_code, what = drafts[index % len(drafts)]
        services.interaction_create(
            actor=world.author(salesperson),
            contact=contact,
            template=world.templates[draft_code] if index % 2 == 0 else None,
            salesperson=salesperson,
            description=f"To finish: {what}",
            correspondence_type="",
            postpone=True,
        )


def _insert_entries(entries: list[InteractionLogEntry], sources: list[Attachment | None]) -> None:
    """Insert prepared entries with their campaign entries, the read-only attachment copies
    (one per source attachment) and, under the entry-number lock (taken last, as
    `interaction_create` takes it), the next entry numbers."""
    copies: dict[int, Attachment] = {}
    now = timezone.now()
    for entry, source in zip(entries, sources, strict=True):
        entry.created_at = entry.modified_at = now
        if source is not None:
            if source.pk not in copies:
                copies[source.pk] = services.attachment_read_only_copy(source)  # type: ignore[assignment]
            entry.attachment = copies[source.pk]
        if entry.campaign is not None:
            entry.campaign_entry = campaign_entry_create(
                campaign=entry.campaign,
                date=entry.date or now.date(),
                description=entry.description,
                user=entry.user,
                salesperson=entry.salesperson,
            )
    first = reserve_numbers(InteractionLogEntry, len(entries)) if entries else 1
    for number, entry in enumerate(entries, start=first):
        entry.entry_no = number
    InteractionLogEntry.objects.bulk_create(entries, batch_size=500)
    from rapport.interactions.services.totals import interaction_totals_apply_entry_nos

    interaction_totals_apply_entry_nos(first, first + len(entries) - 1, 1)
