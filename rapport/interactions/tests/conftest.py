"""Fixtures for the interactions tests: languages, a group, attachments of each kind and a
`make_template` helper (all made through the services)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from rapport.attachments.services import attachment_create
from rapport.attachments.testing import docx_bytes
from rapport.contacts.models import Language
from rapport.interactions import services
from rapport.interactions.models import (
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateLanguage,
)
from rapport.interactions.services import delivery_hooks


@pytest.fixture
def languages(db: Any) -> dict[str, Any]:
    # Loaded by the contacts migrations; a browser (transactional) test may come after a flush.
    names = {"EN": "English", "NL": "Dutch", "DE": "German"}
    return {
        code: Language.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in names.items()
    }


@pytest.fixture
def group(db: Any) -> InteractionGroup:
    return services.interaction_group_create(code="LETTER", description="Letters")


@pytest.fixture
def attachments(db: Any) -> dict[str, Any]:
    return {
        "email": attachment_create(kind="email", subject="Hello", body_html="<p>Hi</p>"),
        "word": attachment_create(
            kind="word", file_name="letter.docx", content=docx_bytes("Dear customer,")
        ),
        "pdf": attachment_create(kind="pdf", body_html="<p>Our offer</p>"),
    }


@pytest.fixture
def make_template(group: InteractionGroup) -> Callable[..., InteractionTemplate]:
    def make(code: str = "ABSTRACT", **kwargs: Any) -> InteractionTemplate:
        kwargs.setdefault("group", group)
        kwargs.setdefault("description", f"{code.title()} template")
        return services.interaction_template_create(code=code, **kwargs)

    return make


def snapshot() -> dict[str, list[tuple]]:
    """Everything the interactions app stores, to show that a refused operation changed
    nothing."""
    return {
        "groups": list(InteractionGroup.objects.order_by("code").values_list()),
        "templates": list(InteractionTemplate.objects.order_by("code").values_list()),
        "languages": list(InteractionTemplateLanguage.objects.order_by("pk").values_list()),
    }


# --- The interaction log -----------------------------------------------------------------------


@pytest.fixture
def world(
    db: Any,
    make_user: Callable[..., Any],
    languages: dict[str, Any],
    group: InteractionGroup,
    make_template: Callable[..., InteractionTemplate],
    attachments: dict[str, Any],
) -> Any:
    """A small world for the interaction log: salespeople SJ (linked to user `sven`, role
    salesperson) and MV (linked to `mila`, marketing), a company CO1 with persons P1 (with an
    e-mail address) and P2 (without, Dutch), a person P3 without company, templates CALL (phone,
    no attachment) and NEWS (e-mail, with an e-mail attachment per language EN and NL), and
    campaign CP1."""
    from types import SimpleNamespace

    from rapport.campaigns.services import campaign_create
    from rapport.contacts.services import contact_create, salesperson_create

    sven = make_user(username="sven", role="salesperson")
    mila = make_user(username="mila", role="marketing")
    reader = make_user(username="rita", role="read_only")
    admin = make_user(username="ada", role="administrator")
    sj = salesperson_create(code="SJ", name="Sven Janssen", user=sven)
    mv = salesperson_create(code="MV", name="Mila de Vries", user=mila)
    pb = salesperson_create(code="PB", name="Pieter Bakker")
    company = contact_create(
        type="company", no="CO1", name="Acme", salesperson=pb, email="info@acme.example"
    )
    p1 = contact_create(
        type="person",
        no="P1",
        name="Anna",
        company=company,
        email="anna@acme.example",
        correspondence_type="email",
    )
    p2 = contact_create(
        type="person",
        no="P2",
        name="Bram",
        company=company,
        language=languages["NL"],
        correspondence_type="email",
    )
    p3 = contact_create(
        type="person", no="P3", name="Carla", email="carla@example.com", salesperson=pb
    )
    phone = services.interaction_group_create(code="PHONE", description="Phone calls")
    call = make_template(
        "CALL",
        group=phone,
        description="Phone call",
        unit_cost="1.50",
        unit_duration=10,
        information_flow="outbound",
        initiated_by="us",
        correspondence_type_default="",
    )
    campaign = campaign_create(no="CP1", description="Spring fair")
    news = make_template(
        "NEWS",
        description="Newsletter",
        unit_cost="0.10",
        unit_duration=2,
        information_flow="outbound",
        initiated_by="us",
        correspondence_type_default="email",
        ignore_contact_corres_type=True,
        language_default="EN",
        campaign=campaign,
        campaign_target=True,
    )
    services.interaction_template_language_update(
        template_language=news.languages.get(), attachment=attachments["email"]
    )
    nl_mail = attachment_create(kind="email", subject="Hallo", body_html="<p>Hoi</p>")
    services.interaction_template_language_create(template=news, language="NL", attachment=nl_mail)
    return SimpleNamespace(
        sven=sven,
        mila=mila,
        reader=reader,
        admin=admin,
        sj=sj,
        mv=mv,
        pb=pb,
        company=company,
        p1=p1,
        p2=p2,
        p3=p3,
        call=call,
        news=news,
        letter_group=group,
        phone=phone,
        campaign=campaign,
        languages=languages,
    )


def log_snapshot() -> dict[str, list[tuple]]:
    """Everything the interaction log stores (entries, comments, campaign entries,
    attachments), to show that a refused operation changed nothing."""
    from rapport.attachments.models import Attachment
    from rapport.campaigns.models import CampaignEntry
    from rapport.interactions.models import InteractionLogEntry, InteractionLogEntryComment

    return {
        "entries": list(InteractionLogEntry.objects.order_by("pk").values_list()),
        "comments": list(InteractionLogEntryComment.objects.order_by("pk").values_list()),
        "campaign entries": list(CampaignEntry.objects.order_by("pk").values_list()),
        "attachments": list(Attachment.objects.order_by("pk").values_list("pk", "read_only")),
    }


# --- Delivery ----------------------------------------------------------------------------------


@pytest.fixture
def requests_made() -> Any:
    """Registers a fake delivery requester that records each call: its arguments, how deep in
    transactions it ran, and the entries it found stored; it marks them pending, as the
    delivery app does. The real requester is put back afterwards."""
    previous = list(delivery_hooks._requester)
    calls: list[dict[str, Any]] = []

    def fake(*, actor, entry_nos, logged_segment_entry_no):
        stored = InteractionLogEntry.objects.filter(entry_no__in=entry_nos or [])
        calls.append(
            {
                "actor": actor,
                "entry_nos": entry_nos,
                "logged_segment_entry_no": logged_segment_entry_no,
                "depth": len(connection.atomic_blocks),
                "stored": list(stored.values_list("entry_no", "postponed")),
            }
        )
        stored.update(delivery_status="pending")
        return "delivery"

    delivery_hooks.register_delivery_requester(fake)
    yield calls
    delivery_hooks._requester[:] = previous
