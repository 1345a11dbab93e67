"""The campaign card shows what higher apps register for it (`rapport.core.cards`) and nothing
else: without registrations (no interactions app) its fields, Edit and Delete only."""

from __future__ import annotations

import re

import pytest
from django.template import Template

from rapport.campaigns import services
from rapport.core import cards

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty registry for the test (the apps' own registrations come back after it)."""
    monkeypatch.setattr(cards, "_actions", {})
    monkeypatch.setattr(cards, "_panels", {})


def toolbar_links(html: str) -> list[str]:
    toolbar = html.split('role="toolbar"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'href="([^"]+)"', toolbar)


def test_without_registrations_the_card_shows_its_own_only(registry: None, admin_client) -> None:
    services.campaign_create(no="FAIR", description="Spring fair")
    response = admin_client.get("/campaigns/FAIR/")
    assert response.status_code == 200
    html = response.content.decode()
    assert toolbar_links(html) == ["/campaigns/FAIR/edit/", "/campaigns/FAIR/delete/"]
    assert 'data-field="description">Spring fair<' in html
    for absent in ('id="statistics"', 'id="entries"', "statistics-chart.js"):
        assert absent not in html, absent


def test_a_registered_action_and_panel_appear(registry: None, admin_client) -> None:
    services.campaign_create(no="FAIR", description="Spring fair")
    cards.register_action(
        cards.CardAction(
            card="campaign",
            name="probe",
            order=10,
            label="Probe",
            url=lambda request, campaign: f"/probe/{campaign.no}/",
        )
    )
    cards.register_panel(
        cards.CardPanel(
            card="campaign",
            name="probe",
            order=10,
            template=Template('<section data-testid="probe">{{ probe }}</section>'),
            context=lambda request, campaign: {"probe": campaign.description},
            scripts=Template('<script src="/probe.js"></script>'),
        )
    )
    html = admin_client.get("/campaigns/FAIR/").content.decode()
    assert toolbar_links(html) == [
        "/campaigns/FAIR/edit/",
        "/probe/FAIR/",
        "/campaigns/FAIR/delete/",
    ]
    assert html.index('class="card-section"') < html.index(
        '<section data-testid="probe">Spring fair</section>'
    )
    assert html.count('<script src="/probe.js"></script>') == 1
