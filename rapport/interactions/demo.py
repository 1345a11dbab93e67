"""The demo's interaction groups and templates: letters, e-mails, phone calls and meetings
with their costs, durations and languages. Made through the services; safe to run twice (what
exists is left alone). `rapport.demo` calls `load_demo_interactions`."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from rapport.attachments.services import attachment_create
from rapport.contacts.models import Language
from rapport.interactions import services
from rapport.interactions.models import InteractionGroup, InteractionTemplate

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
    "EN": ("Rapport news", "<p>Dear {{ contact.name }},</p><p>Here is our news.</p>"),
    "NL": ("Rapport nieuws", "<p>Beste {{ contact.name }},</p><p>Hier is ons nieuws.</p>"),
    "DE": ("Rapport Neuigkeiten", "<p>Hallo {{ contact.name }},</p><p>Unsere Neuigkeiten.</p>"),
}


def load_demo_interactions(add: Callable[[str, int], None] | None = None) -> None:
    """Create the demo groups and templates that do not exist yet. `add(what, count)` is told
    what was created (e.g. `DemoSummary.add`). The newsletter gets an e-mail attachment per
    language and the wizard action Merge."""

    def count(what: str, number: int = 1) -> None:
        if add is not None and number:
            add(what, number)

    for code, description in GROUPS:
        if not InteractionGroup.objects.filter(code=code).exists():
            services.interaction_group_create(code=code, description=description)
            count("interaction groups")
    languages = {language.code: language for language in Language.objects.all()}
    for code, group, description, cost, duration, flow, initiated_by, channel in TEMPLATES:
        if InteractionTemplate.objects.filter(code=code).exists():
            continue
        template = services.interaction_template_create(
            code=code,
            group=group,
            description=description,
            unit_cost=Decimal(cost),
            unit_duration=duration,
            information_flow=flow,
            initiated_by=initiated_by,
            correspondence_type_default=channel,
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
