"""A campaign that interactions use: it cannot be deleted (service and API). Moved here from
the campaigns tests, which must not import interactions (campaigns sits below it)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from rapport.campaigns import services
from rapport.campaigns.models import Campaign
from rapport.contacts.models import Salesperson
from rapport.contacts.services import contact_create, salesperson_create
from rapport.core.errors import ConflictError
from rapport.interactions.services import (
    interaction_create,
    interaction_group_create,
    interaction_template_create,
)
from rapport.numbering.services import number_series_create
from rapport.setup.services import marketing_setup_update
from tests.support import assert_error_shape

pytestmark = pytest.mark.django_db

URL = "/api/v1/campaigns/"


@pytest.fixture
def campaigns(db):
    """Campaign CP1 of salesperson SJ."""
    services.campaign_create(
        no="CP1", description="Spring fair", salesperson=salesperson_create(code="SJ", name="Sven")
    )


@pytest.fixture
def series():
    created = number_series_create(
        code="CAMP",
        description="Campaigns",
        default_nos=True,
        manual_nos=False,
        lines=[{"starting_no": "CP00001"}],
    )
    marketing_setup_update(campaign_nos=created)
    return created


def test_a_campaign_in_use_cannot_be_deleted(api_client, campaigns, make_user) -> None:
    salesperson = Salesperson.objects.get(code="SJ")
    company = contact_create(type="company", no="C1", name="Acme", salesperson=salesperson)
    group = interaction_group_create(code="PHONE")
    template = interaction_template_create(
        code="CALL", group=group, description="Call", correspondence_type_default=""
    )
    interaction_create(
        actor=make_user(role="administrator"), contact=company, template=template, campaign="CP1"
    )
    error = assert_error_shape(api_client().delete(f"{URL}CP1/"), 409, "in_use")
    assert "CP1" in error["message"]


def test_delete_is_refused_while_a_template_uses_it(series) -> None:
    campaign = services.campaign_create(description="Fair")
    group = interaction_group_create(code="MEET")
    interaction_template_create(code="BOOTH", group=group, campaign=campaign)
    with pytest.raises(ConflictError) as info:
        services.campaign_delete(campaign=campaign)
    assert "still in use" in info.value.message
    assert Campaign.objects.exists()


def test_the_campaign_cards_actions_and_panels(admin_client, client_for, campaigns) -> None:
    html = admin_client.get("/campaigns/CP1/").content.decode()
    bar = html.split('role="toolbar"', 1)[1].split("</div>", 1)[0]
    assert re.findall(r'href="([^"]+)"[^>]*>(?:<i [^>]*></i> )?([^<]+)</a>', bar) == [
        ("/campaigns/CP1/edit/", "Edit"),
        ("/interactions/?campaign_no=CP1", "Interaction log"),
        ("/interactions/campaign-entries/?campaign_no=CP1", "Campaign entries"),
        ("/interactions/statistics/campaign/CP1/", "Statistics"),
        # The audit trail's action (administrators): this card's changes.
        ("/audit-trail/?object_type=campaign&amp;object_key=CP1", "Changes"),
        ("/campaigns/CP1/delete/", "Delete"),
    ]
    positions = [
        html.index(marker)
        for marker in ('class="card-section" open>', 'id="statistics"', 'id="entries"')
    ]
    assert positions == sorted(positions)
    assert 'data-testid="entries-empty"' in html
    assert html.count("interactions/statistics-chart.js") == 1


def test_the_campaign_statistics_endpoint(api_client, campaigns, make_user) -> None:
    """Served by interactions at the campaign's path: same URL, name and answers as before."""
    assert reverse("campaign-statistics", kwargs={"no": "CP1"}) == f"{URL}CP1/statistics/"
    reader = api_client(make_user(role="read_only"))
    response = reader.get(f"{URL}cp1/statistics/", {"date_from": "2026-01-01"})
    assert response.status_code == 200
    assert response.json() == {
        "no_of_interactions": 0,
        "cost": "0.00",
        "duration": "0",
        "months": [],
        "bucket": "month",
    }
    assert_error_shape(reader.get(f"{URL}NOPE/statistics/"), 404, "not_found")
    assert_error_shape(reader.get(f"{URL}CP1/statistics/", {"date_from": "x"}), 400, "invalid")
    # Writing is refused as on the campaign itself: by role first, then by method.
    assert_error_shape(reader.post(f"{URL}CP1/statistics/"), 403, "permission_denied")
    marketing = api_client(make_user(role="marketing"))
    assert_error_shape(marketing.post(f"{URL}CP1/statistics/"), 405, "method_not_allowed")
    assert_error_shape(api_client(None).get(f"{URL}CP1/statistics/"), 401, "not_authenticated")
    options = reader.options(f"{URL}CP1/statistics/").json()
    assert (options["name"], options["description"]) == (
        "Statistics",
        "The campaign's interaction statistics (reference 2.8).",
    )
