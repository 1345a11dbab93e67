"""The read-only `campaigns` resource."""

from __future__ import annotations

import datetime

import pytest

from rapport.campaigns import services
from rapport.contacts.services import salesperson_create
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


def test_the_resource_is_read_only(api_client, campaigns, read_only_user) -> None:
    client = api_client()
    assert_error_shape(client.post(URL, {"no": "X"}, format="json"), 405)
    assert_error_shape(client.patch(f"{URL}CP1/", {"description": "X"}, format="json"), 405)
    assert_error_shape(client.delete(f"{URL}CP1/"), 405)
    assert api_client(read_only_user).get(f"{URL}CP1/").status_code == 200
