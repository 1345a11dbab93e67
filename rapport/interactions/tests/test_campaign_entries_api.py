"""The `campaign-entries` API resource: list and filter, one entry and its interactions, the
cancel / uncancel actions, delete-canceled (dry run, then for real), unknown keys (400
`unknown_field`) and roles."""

from __future__ import annotations

import datetime

import pytest

from rapport.campaigns.models import CampaignEntry
from rapport.campaigns.services import campaign_create
from rapport.core.services import user_update_preferences
from rapport.interactions import services
from rapport.interactions.models import InteractionLogEntry
from tests.support import assert_error_shape

from .conftest import log_snapshot

pytestmark = pytest.mark.django_db

URL = "/api/v1/campaign-entries/"
WORK_DATE = datetime.date(2026, 3, 16)


@pytest.fixture
def w(world):
    for user in (world.admin, world.mila, world.sven):
        user_update_preferences(user=user, work_date=WORK_DATE)
    return world


@pytest.fixture
def client(api_client, w):
    return api_client(w.admin)


def log(w, **kwargs):
    kwargs.setdefault("actor", w.admin)
    kwargs.setdefault("contact", w.p1)
    kwargs.setdefault("template", w.news)
    return services.interaction_create(**kwargs)


def numbers(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["entry_no"] for row in response.json()["results"]]


def test_list_shows_the_fields_and_filters_by_campaign(client, w) -> None:
    first = log(w)
    campaign_create(no="CP2", description="Autumn")
    second = log(w, campaign="CP2", salesperson=w.mv)
    response = client.get(URL)
    assert numbers(response) == [2, 1]
    assert response.json()["results"][1] == {
        "entry_no": 1,
        "campaign_no": "CP1",
        "description": first.description,
        "date": "2026-03-16",
        "segment_no": "",
        "logged_segment_entry_no": None,
        "salesperson_code": "PB",
        "user": "ada",
        "canceled": False,
        "no_of_interactions": 1,
    }
    assert numbers(client.get(URL, {"campaign_no": "cp2"})) == [second.campaign_entry.entry_no]
    assert numbers(client.get(URL, {"campaign_no": "NOPE"})) == []
    assert numbers(client.get(URL, {"canceled": "true"})) == []
    detail = client.get(f"{URL}1/")
    assert detail.status_code == 200 and detail.json()["campaign_no"] == "CP1"
    assert client.get(f"{URL}99/").status_code == 404
    interactions = client.get(f"{URL}1/interactions/")
    assert numbers(interactions) == [first.entry_no]


def test_cancel_and_uncancel_cascade_to_the_interactions(client, w) -> None:
    entry = log(w)
    response = client.post(f"{URL}1/cancel/", format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["canceled"], body["no_of_interactions"]) == (True, 1)
    entry.refresh_from_db()
    assert entry.canceled is True
    assert numbers(client.get(URL, {"canceled": "true"})) == [1]
    response = client.post(f"{URL}1/uncancel/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["canceled"] is False
    entry.refresh_from_db()
    assert entry.canceled is False


def test_actions_refuse_unknown_keys_and_change_nothing(client, w) -> None:
    log(w)
    services.campaign_entry_cancel(actor=w.admin, entry=CampaignEntry.objects.get())
    before = log_snapshot()
    response = client.post(f"{URL}1/uncancel/", {"force": True}, format="json")
    assert_error_shape(response, 400, "unknown_field")
    assert response.json()["error"]["fields"] == {"force": ["Unknown field."]}
    for body in (
        {"campaignno": "CP1", "dry_run": True},
        {"campaign_no": "NOPE", "dryrun": True},
    ):
        response = client.post(f"{URL}delete-canceled/", body, format="json")
        assert_error_shape(response, 400, "unknown_field")
    # null never means "no filter".
    response = client.post(f"{URL}delete-canceled/", {"campaign_no": None}, format="json")
    assert_error_shape(response, 400)
    response = client.post(f"{URL}delete-canceled/", ["dry_run"], format="json")
    assert_error_shape(response, 400)
    assert log_snapshot() == before


def test_delete_canceled_counts_first_then_deletes(client, w) -> None:
    log(w)
    kept = log(w)
    services.campaign_entry_cancel(actor=w.admin, entry=CampaignEntry.objects.get(entry_no=1))
    before = log_snapshot()
    response = client.post(f"{URL}delete-canceled/", {"dry_run": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"count": 1, "dry_run": True}
    assert log_snapshot() == before
    response = client.post(
        f"{URL}delete-canceled/", {"campaign_no": "cp1", "entry_no": 2}, format="json"
    )
    assert response.json() == {"count": 0, "dry_run": False}
    response = client.post(f"{URL}delete-canceled/", {"campaign_no": "CP1"}, format="json")
    assert response.json() == {"count": 1, "dry_run": False}
    assert list(CampaignEntry.objects.values_list("entry_no", flat=True)) == [2]
    assert list(InteractionLogEntry.objects.values_list("pk", flat=True)) == [kept.pk]


def test_uncancel_while_the_logged_segment_is_canceled_is_409(client, w) -> None:
    from django.apps import apps

    apps.get_model("segments", "LoggedSegment").objects.create(
        entry_no=4, segment_no="SEG4", creation_date=WORK_DATE, canceled=True
    )
    log(w)
    CampaignEntry.objects.update(register_no=4, canceled=True)
    response = client.post(f"{URL}1/uncancel/", format="json")
    assert_error_shape(response, 409, "logged_segment_canceled")


def test_read_only_reads_but_cannot_change(api_client, w) -> None:
    log(w)
    reader = api_client(w.reader)
    assert numbers(reader.get(URL)) == [1]
    before = log_snapshot()
    for path, body in (
        ("1/cancel/", None),
        ("1/uncancel/", None),
        ("delete-canceled/", {"dry_run": True}),
    ):
        assert_error_shape(reader.post(f"{URL}{path}", body, format="json"), 403)
    assert log_snapshot() == before


def test_salesperson_cancels_only_their_own(api_client, w) -> None:
    log(w, salesperson=w.sj)
    log(w, salesperson=w.mv)
    sven = api_client(w.sven)
    assert sven.post(f"{URL}1/cancel/", format="json").status_code == 200
    before = log_snapshot()
    assert_error_shape(sven.post(f"{URL}2/cancel/", format="json"), 403)
    assert log_snapshot() == before
