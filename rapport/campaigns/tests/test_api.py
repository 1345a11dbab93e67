"""The `campaigns` resource: list, create (numbered from Campaign Nos. or typed), update,
delete, and who may write. (A campaign in use by interactions: interactions'
test_campaign_interactions.py.)"""

from __future__ import annotations

import datetime

import pytest

from rapport.campaigns import services
from rapport.campaigns.models import Campaign
from rapport.contacts.services import salesperson_create
from rapport.numbering.services import number_series_create
from rapport.setup.services import marketing_setup_update
from tests.support import assert_error_shape

pytestmark = pytest.mark.django_db

URL = "/api/v1/campaigns/"


@pytest.fixture
def campaigns(db):
    salesperson = salesperson_create(code="SJ", name="Sven")
    services.campaign_create(
        no="CP1",
        description="Spring fair",
        starting_date=datetime.date(2026, 3, 1),
        ending_date=datetime.date(2026, 3, 31),
        salesperson=salesperson,
    )
    services.campaign_create(no="CP2", description="Newsletter")


def test_list_detail_filter_and_search(api_client, campaigns) -> None:
    client = api_client()
    body = client.get(URL).json()
    assert body["count"] == 2
    assert body["results"][0] == {
        "no": "CP1",
        "description": "Spring fair",
        "starting_date": "2026-03-01",
        "ending_date": "2026-03-31",
        "salesperson_code": "SJ",
    }
    assert client.get(f"{URL}cp2/").json()["salesperson_code"] == ""
    assert [row["no"] for row in client.get(URL, {"search": "news"}).json()["results"]] == ["CP2"]
    assert [row["no"] for row in client.get(URL, {"salesperson_code": "sj"}).json()["results"]] == [
        "CP1"
    ]
    assert [row["no"] for row in client.get(URL, {"ordering": "-no"}).json()["results"]] == [
        "CP2",
        "CP1",
    ]


def test_unknown_campaign_is_404(api_client) -> None:
    assert_error_shape(api_client().get(f"{URL}NOPE/"), 404, "not_found")


def test_create_update_and_delete(api_client, campaigns) -> None:
    client = api_client()
    body = {
        "no": "cp3",
        "description": "Autumn fair",
        "starting_date": "2026-09-01",
        "ending_date": "2026-09-30",
        "salesperson_code": "sj",
    }
    response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {**body, "no": "CP3", "salesperson_code": "SJ"}
    response = client.patch(
        f"{URL}cp3/", {"description": "Fair", "salesperson_code": None}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["description"], response.json()["salesperson_code"]) == ("Fair", "")
    # The number is the key: an update does not change it.
    response = client.put(f"{URL}CP3/", {**body, "no": "OTHER"}, format="json")
    assert response.json()["no"] == "CP3"
    assert client.delete(f"{URL}CP3/").status_code == 204
    assert not Campaign.objects.filter(no="CP3").exists()


def test_number_drawn_from_campaign_nos(api_client, campaigns) -> None:
    series = number_series_create(
        code="CAMP", description="Campaigns", lines=[{"starting_no": "CP00001"}]
    )
    marketing_setup_update(campaign_nos=series)
    response = api_client().post(URL, {"description": "Drawn"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["no"] == "CP00001"


def test_refusals(api_client, campaigns) -> None:
    client = api_client()
    # No Campaign Nos. and no number typed.
    assert_error_shape(client.post(URL, {"description": "X"}, format="json"), 409)
    error = assert_error_shape(
        client.post(
            URL,
            {"no": "CP9", "starting_date": "2026-05-01", "ending_date": "2026-04-01"},
            format="json",
        ),
        400,
    )
    assert "ending_date" in error["fields"]
    error = assert_error_shape(client.post(URL, {"no": "CP1"}, format="json"), 400)
    assert error["code"] == "duplicate"
    error = assert_error_shape(
        client.post(URL, {"no": "CP9", "salesperson_code": "NOPE"}, format="json"), 400
    )
    assert "salesperson_code" in error["fields"]
    assert Campaign.objects.count() == 2


def test_writing_needs_the_marketing_capability(api_client, campaigns, make_user) -> None:
    for role in ("salesperson", "read_only"):
        client = api_client(make_user(role=role))
        assert client.get(f"{URL}CP1/").status_code == 200
        assert_error_shape(client.post(URL, {"no": "X1"}, format="json"), 403, "permission_denied")
        assert_error_shape(client.delete(f"{URL}CP1/"), 403, "permission_denied")
    marketing = api_client(make_user(role="marketing"))
    assert marketing.post(URL, {"no": "X1"}, format="json").status_code == 201
