"""Test data for the merge tests (no tests here): contacts in English and Dutch with name
parts, a salutation with formulas per language, a salesperson, a campaign, a template, e-mail
attachments per language and logged entries, made by the apps' services (the entries by one
bulk insert, as `outbox_data.py` does, so no delivery is requested on the way)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

from rapport.attachments.services import attachment_create
from rapport.campaigns.services import campaign_create
from rapport.contacts.models import Country, Language
from rapport.contacts.services import contact_create, salesperson_create
from rapport.contacts.services.salutations import salutation_create
from rapport.interactions import services
from rapport.interactions.models import InteractionLogEntry

DATE = datetime.date(2026, 12, 6)

EMAIL_EN = """<html><head><style>p.greeting { color: #123456 }</style></head><body>
<p class="greeting">{{ salutation }},</p>
<p>{{ company.name }} in {{ contact.city }}, {{ interaction.date }}.</p>
<p>{{ salesperson.name }}</p>
</body></html>"""
EMAIL_NL = """<html><head><style>p.greeting { color: #123456 }</style></head><body>
<p class="greeting">{{ salutation }},</p>
<p>{{ company.name }} te {{ contact.city }}, {{ interaction.date }}.</p>
<p>{{ salesperson.name }}</p>
</body></html>"""


def merge_world() -> SimpleNamespace:
    """EN person P1 (Ann Smith) and NL person P2 (Jan de Vries) of company CO ("Smith & Sons",
    Utrecht), salutation FORMAL (EN "Dear %1 %2" / NL "Geachte heer/mevrouw %1 %2", informal
    "Hi %1" / "Beste %1"), salesperson SP, campaign CP1, template MAIL with e-mail attachments
    per language (`mail_en`, `mail_nl`)."""
    nl = Country.objects.get(code="NL")
    salutation = salutation_create(
        code="FORMAL",
        description="Formal",
        formulas=[
            _formula("EN", "formal", "Dear %1 %2", "first_name", "surname"),
            _formula("NL", "formal", "Geachte heer/mevrouw %1 %2", "middle_name", "surname"),
            _formula("EN", "informal", "Hi %1", "first_name"),
            _formula("NL", "informal", "Beste %1", "first_name"),
        ],
    )
    sp = salesperson_create(code="SP", name="Sam Price", email="sam@example.com")
    company = contact_create(
        type="company", no="CO", name="Smith & Sons", city="Utrecht", country=nl,
        email="info@smith.example", salesperson=sp,
    )  # fmt: skip
    ann = contact_create(
        type="person", no="P1", name="Ann Smith", first_name="Ann", surname="Smith",
        company=company, email="ann@example.com", language=Language.objects.get(code="EN"),
        salutation=salutation, job_title="Buyer",
    )  # fmt: skip
    jan = contact_create(
        type="person", no="P2", name="Jan de Vries", first_name="Jan", middle_name="de",
        surname="Vries", company=company, email="jan@example.nl",
        language=Language.objects.get(code="NL"), salutation=salutation,
    )  # fmt: skip
    campaign = campaign_create(no="CP1", description="Winter fair")
    group = services.interaction_group_create(code="MAIL", description="Mailings")
    template = services.interaction_template_create(
        code="MAIL", group=group, description="Winter mailing", campaign=campaign
    )
    mail_en = attachment_create(
        kind="email", subject="Offer for {{ contact.first_name }}", body_html=EMAIL_EN
    )
    mail_nl = attachment_create(
        kind="email", subject="Aanbod voor {{ contact.first_name }}", body_html=EMAIL_NL
    )
    return SimpleNamespace(
        salutation=salutation, sp=sp, company=company, ann=ann, jan=jan, campaign=campaign,
        group=group, template=template, mail_en=mail_en, mail_nl=mail_nl,
    )  # fmt: skip


def _formula(language: str, kind: str, text: str, *names: str) -> dict[str, Any]:
    row: dict[str, Any] = {"language_code": language, "type": kind, "formula": text}
    row.update({f"name_{n}": name for n, name in enumerate(names, start=1)})
    return row


def log_entry(world: SimpleNamespace, contact: Any, attachment: Any, language: str) -> int:
    """One logged entry for `contact` with `attachment`, in `language`; its entry no."""
    entry_no = (
        InteractionLogEntry.objects.order_by("-entry_no").values_list("entry_no", flat=True).first()
        or 0
    ) + 1
    InteractionLogEntry.objects.create(
        entry_no=entry_no,
        contact=contact,
        contact_company=contact.company or contact,
        template=world.template,
        group=world.group,
        salesperson=world.sp,
        campaign=world.campaign,
        description="Winter mailing",
        subject="Winter offer",
        language=Language.objects.get(code=language),
        correspondence_type="email",
        attachment=attachment,
        date=DATE,
    )
    return entry_no
