"""The campaign pages: list (search, salesperson filter), card (fields, statistics, entries),
create (drawn or typed number), edit and delete, all through the services."""

from __future__ import annotations

import datetime
import re

import pytest

from rapport.campaigns import services
from rapport.campaigns.models import Campaign
from rapport.contacts.services import salesperson_create
from rapport.numbering.services import number_series_create
from rapport.setup.services import marketing_setup_update

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 26)


def snapshot() -> list[tuple]:
    return list(Campaign.objects.order_by("no").values_list())


@pytest.fixture
def series():
    def make(*, manual_nos: bool = False, default_nos: bool = True):
        created = number_series_create(
            code="CAMP",
            description="Campaigns",
            default_nos=default_nos,
            manual_nos=manual_nos,
            lines=[{"starting_no": "CP00001"}],
        )
        marketing_setup_update(campaign_nos=created)
        return created

    return make


@pytest.fixture
def campaigns(db):
    sj = salesperson_create(code="SJ", name="Sven")
    mv = salesperson_create(code="MV", name="Mila")
    return {
        "fair": services.campaign_create(
            no="FAIR", description="Spring fair", salesperson=sj, starting_date=DAY
        ),
        "mail": services.campaign_create(
            no="MAIL", description="Mailing <b>2026</b>", salesperson=mv
        ),
        "sj": sj,
        "mv": mv,
    }


def list_rows(response) -> list[str]:
    assert response.status_code == 200
    found = re.findall(r'href="/campaigns/([^/"]+)/"', response.content.decode())
    return [no for no in found if no != "new"]


def test_the_list_searches_and_filters(admin_client, campaigns) -> None:
    assert set(list_rows(admin_client.get("/campaigns/"))) == {"FAIR", "MAIL"}
    assert set(list_rows(admin_client.get("/campaigns/?q=spring"))) == {"FAIR"}
    assert set(list_rows(admin_client.get("/campaigns/?salesperson=MV"))) == {"MAIL"}
    html = admin_client.get("/campaigns/").content.decode()
    assert "Mailing &lt;b&gt;2026&lt;/b&gt;" in html
    assert 'href="/campaigns/new/"' in html


def test_the_list_is_empty_with_a_hint(admin_client) -> None:
    html = admin_client.get("/campaigns/").content.decode()
    assert "No campaigns yet." in html


def test_the_card_shows_fields_statistics_and_entries(admin_client, campaigns) -> None:
    fair = campaigns["fair"]
    services.campaign_entry_create(campaign=fair, date=DAY, description="Logged segment SEG1")
    response = admin_client.get("/campaigns/fair/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Spring fair" in html
    assert '<a href="/salespeople/SJ/">' in html
    assert 'data-figure="no_of_interactions">0<' in html
    assert 'data-testid="campaign-entries"' in html and "Logged segment SEG1" in html
    assert 'href="/campaigns/FAIR/edit/"' in html and 'href="/campaigns/FAIR/delete/"' in html
    assert 'href="/interactions/statistics/campaign/FAIR/"' in html
    assert admin_client.get("/campaigns/NOPE/").status_code == 404


def test_create_draws_the_number_from_campaign_nos(admin_client, campaigns, series) -> None:
    series()
    page = admin_client.get("/campaigns/new/").content.decode()
    assert "The number is taken from number series CAMP." in page
    response = admin_client.post(
        "/campaigns/new/",
        {
            "description": "Autumn fair",
            "starting_date": "2026-09-01",
            "ending_date": "2026-09-30",
            "salesperson": campaigns["sj"].pk,
        },
    )
    assert response.status_code == 302
    created = Campaign.objects.get(no="CP00001")
    assert response["Location"] == "/campaigns/CP00001/"
    assert (created.description, created.salesperson, created.no_series) == (
        "Autumn fair",
        campaigns["sj"],
        "CAMP",
    )
    assert created.ending_date == datetime.date(2026, 9, 30)


def test_create_with_a_typed_number(admin_client, series) -> None:
    series(manual_nos=True)
    response = admin_client.post("/campaigns/new/", {"no": "mine", "description": "Typed"})
    assert response.status_code == 302
    assert Campaign.objects.get(no="MINE").no_series == ""


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {
                "no": "X",
                "description": "Dates",
                "starting_date": "2026-05-01",
                "ending_date": "2026-04-01",
            },
            "is before Starting Date",
        ),
        ({"no": "FAIR", "description": "Again"}, "Campaign FAIR already exists."),
        ({"no": "Y", "starting_date": "soon"}, "Enter a valid date."),
        ({"description": "No number"}, "Campaign Nos."),
        ({"no": "Z", "description": "x" * 101}, "at most 100 characters"),
    ],
)
def test_refused_input_changes_nothing(admin_client, campaigns, data, message) -> None:
    before = snapshot()
    response = admin_client.post("/campaigns/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot() == before


def test_edit(admin_client, campaigns) -> None:
    page = admin_client.get("/campaigns/FAIR/edit/")
    assert page.status_code == 200 and "Spring fair" in page.content.decode()
    response = admin_client.post(
        "/campaigns/FAIR/edit/",
        {"no": "OTHER", "description": "Summer fair", "salesperson": campaigns["mv"].pk},
    )
    assert response.status_code == 302
    fair = Campaign.objects.get(no="FAIR")  # the number stays
    assert (fair.description, fair.salesperson, fair.starting_date) == (
        "Summer fair",
        campaigns["mv"],
        None,
    )
    before = snapshot()
    refused = admin_client.post(
        "/campaigns/FAIR/edit/",
        {"description": "Bad", "starting_date": "2026-05-01", "ending_date": "2026-04-01"},
    )
    assert refused.status_code == 200 and "is before Starting Date" in refused.content.decode()
    assert snapshot() == before


def test_delete_asks_first_and_refuses_a_campaign_in_use(admin_client, campaigns) -> None:
    page = admin_client.get("/campaigns/MAIL/delete/").content.decode()
    assert "Delete campaign MAIL" in page
    assert admin_client.post("/campaigns/MAIL/delete/").status_code == 302
    assert not Campaign.objects.filter(no="MAIL").exists()

    services.campaign_entry_create(campaign=campaigns["fair"], date=DAY)
    response = admin_client.post("/campaigns/FAIR/delete/", follow=True)
    assert Campaign.objects.filter(no="FAIR").exists()
    assert "is still in use" in response.content.decode()


def test_marketing_users_may_change_campaigns(client_for, marketing_user) -> None:
    client = client_for(marketing_user)
    response = client.post("/campaigns/new/", {"no": "MKT", "description": "Theirs"})
    assert response.status_code == 302
    assert Campaign.objects.filter(no="MKT").exists()


def test_read_only_users_see_but_cannot_change(client_for, read_only_user, campaigns) -> None:
    client = client_for(read_only_user)
    before = snapshot()
    assert client.get("/campaigns/").status_code == 200
    card = client.get("/campaigns/FAIR/")
    assert card.status_code == 200 and "/campaigns/FAIR/edit/" not in card.content.decode()
    assert client.get("/campaigns/new/").status_code == 403
    assert client.post("/campaigns/new/", {"no": "RO", "description": "No"}).status_code == 403
    assert client.post("/campaigns/FAIR/edit/", {"description": "No"}).status_code == 403
    assert client.post("/campaigns/FAIR/delete/").status_code == 403
    assert snapshot() == before
