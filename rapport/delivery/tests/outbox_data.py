"""Test data for the outbox tests: contacts, an e-mail attachment and many logged log entries,
made by the apps' services (contacts, template, attachment) and one bulk insert (the entries,
as `rapport/interactions/tests/bulk.py` does), so no delivery is requested on the way."""

from __future__ import annotations

import datetime
import decimal
from types import SimpleNamespace
from typing import Any

from rapport.attachments.services import attachment_create
from rapport.contacts.services import contact_create, salesperson_create
from rapport.interactions import services
from rapport.interactions.models import InteractionLogEntry


def outbox_world(user: Any) -> SimpleNamespace:
    """Salesperson SP, contacts C1..C3 with e-mail addresses, C4 without, a template MAIL and a
    read-only e-mail attachment (the kind a logged entry refers to)."""
    sp = salesperson_create(code="SP", name="Sam Price")
    contacts = [
        contact_create(
            type="company",
            no=f"C{n}",
            name=f"Company {n}",
            salesperson=sp,
            email=f"c{n}@example.com",
        )
        for n in (1, 2, 3)
    ]
    no_mail = contact_create(type="company", no="C4", name="Company 4", salesperson=sp)
    group = services.interaction_group_create(code="MAIL", description="Mailings")
    template = services.interaction_template_create(code="MAIL", group=group, description="Mail")
    mail = attachment_create(
        kind="email",
        subject="Spring offer",
        body_html="<p>Our spring offer.</p>",
        body_text="Our spring offer.",
        read_only=True,
    )
    return SimpleNamespace(
        user=user,
        sp=sp,
        contacts=contacts,
        no_mail=no_mail,
        group=group,
        template=template,
        mail=mail,
    )


def log_entries(
    world: SimpleNamespace,
    count: int,
    *,
    correspondence_type: str = "email",
    contacts: list[Any] | None = None,
    logged_segment_entry_no: int | None = None,
) -> list[int]:
    """`count` logged entries (round robin over `contacts`, default C1..C3); their entry nos."""
    contacts = contacts or world.contacts
    start = (
        InteractionLogEntry.objects.order_by("-entry_no").values_list("entry_no", flat=True).first()
        or 0
    ) + 1
    InteractionLogEntry.objects.bulk_create(
        (
            InteractionLogEntry(
                entry_no=start + index,
                contact=contacts[index % len(contacts)],
                contact_company=contacts[index % len(contacts)],
                template=world.template,
                group=world.group,
                salesperson=world.sp,
                description=f"Mailing {index}",
                subject=f"Mailing {index}",
                correspondence_type=correspondence_type,
                attachment=world.mail,
                logged_segment_entry_no=logged_segment_entry_no,
                date=datetime.date(2026, 3, 1),
                time=datetime.time(9, 0),
                cost=decimal.Decimal("0.10"),
                user=world.user,
            )
            for index in range(count)
        ),
        batch_size=2000,
    )
    return list(range(start, start + count))
