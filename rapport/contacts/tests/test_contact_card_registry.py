"""The contact and salesperson cards show what higher apps register for them
(`rapport.core.cards`) and nothing else: without registrations (no interactions app) they show
their own fields and actions only; a registered action lands between the card's own actions and
Delete, a panel in its place."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template import Template

from rapport.contacts.services import contact_create, salesperson_create
from rapport.core import cards, permissions

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty registry for the test (the apps' own registrations come back after it)."""
    monkeypatch.setattr(cards, "_actions", {})
    monkeypatch.setattr(cards, "_panels", {})


@pytest.fixture
def contacts(db: Any) -> None:
    salesperson_create(code="PB", name="Pia")
    contact_create(type="company", no="CO1", name="Acme")


def toolbar_links(html: str) -> list[str]:
    toolbar = html.split('role="toolbar"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'href="([^"]+)"', toolbar)


def probe_action(card: str, **kwargs: Any) -> cards.CardAction:
    return cards.CardAction(
        card=card,
        name="probe",
        order=10,
        label="Probe action",
        url=lambda request, subject: f"/probe/{subject.pk}/",
        **kwargs,
    )


def probe_panel(card: str, place: str, **kwargs: Any) -> cards.CardPanel:
    return cards.CardPanel(
        card=card,
        name=f"probe-{place}",
        order=10,
        template=Template(f'<section data-testid="probe-{place}">{{{{ probe.name }}}}</section>'),
        context=lambda request, subject: {"probe": {"name": subject.name}},
        place=place,
    )


def test_without_registrations_the_cards_show_their_own_only(
    registry: None, contacts: None, admin_client: Any
) -> None:
    response = admin_client.get("/contacts/CO1/")
    assert response.status_code == 200
    html = response.content.decode()
    assert toolbar_links(html) == [
        "/contacts/CO1/edit/",
        "/contacts/new/?type=person&amp;company=CO1",
        "/contacts/CO1/delete/",
    ]
    assert 'data-field="name">Acme<' in html and 'id="profile"' in html
    for absent in ('id="statistics"', 'id="interactions"', "statistics-chart.js"):
        assert absent not in html, absent
    response = admin_client.get("/salespeople/PB/")
    assert response.status_code == 200
    html = response.content.decode()
    assert toolbar_links(html) == ["/salespeople/PB/edit/", "/salespeople/PB/delete/"]
    assert 'id="statistics"' not in html and "statistics-chart.js" not in html


def test_registered_actions_and_panels_appear_in_their_places(
    registry: None, contacts: None, admin_client: Any, client_for: Any, read_only_user: Any
) -> None:
    cards.register_action(probe_action("contact", capability=permissions.CONTACTS))
    cards.register_panel(probe_panel("contact", "top"))
    cards.register_panel(probe_panel("contact", "main"))
    cards.register_action(probe_action("salesperson"))
    cards.register_panel(probe_panel("salesperson", "main"))
    html = admin_client.get("/contacts/CO1/").content.decode()
    contact_pk = html.split('href="/probe/', 1)[1].split("/", 1)[0]
    assert toolbar_links(html) == [
        "/contacts/CO1/edit/",
        "/contacts/new/?type=person&amp;company=CO1",
        f"/probe/{contact_pk}/",
        "/contacts/CO1/delete/",
    ]
    positions = [
        html.index(marker)
        for marker in (
            'data-testid="contact-subtitle"',
            '<section data-testid="probe-top">Acme</section>',
            'class="card-section"',
            '<section data-testid="probe-main">Acme</section>',
            'id="profile"',
        )
    ]
    assert positions == sorted(positions)
    # The capability hides the action from a read-only user; the panels stay.
    reader = client_for(read_only_user).get("/contacts/CO1/").content.decode()
    assert "/probe/" not in reader and 'data-testid="probe-top"' in reader

    html = admin_client.get("/salespeople/PB/").content.decode()
    assert toolbar_links(html)[1].startswith("/probe/")
    assert toolbar_links(html)[0] == "/salespeople/PB/edit/"
    assert html.index('class="card-section"') < html.index('data-testid="probe-main">Pia<')
