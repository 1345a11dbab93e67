"""The API platform's rules on the interaction log (issue 8): a bulk delete refuses unknown keys
and null filters (so a typo never widens or executes a delete), body-less actions refuse a body,
and a salesperson sees only the postponed interactions the pages show them."""

from __future__ import annotations

import datetime

import pytest

from rapport.core.services import user_update_preferences
from rapport.interactions.models import InteractionLogEntry
from tests.support import assert_error_shape

from .conftest import log_snapshot

pytestmark = pytest.mark.django_db

URL = "/api/v1/interactions/"
DELETE = f"{URL}delete-canceled/"


@pytest.fixture
def w(world):
    for user in (world.admin, world.mila, world.sven):
        user_update_preferences(user=user, work_date=datetime.date(2026, 3, 16))
    return world


@pytest.fixture
def client(api_client, w):
    client = api_client(w.admin)
    for contact in ("P3", "P3", "CO1"):
        response = client.post(URL, {"contact_no": contact, "template_code": "CALL"}, format="json")
        assert response.status_code == 201, response.content
    for entry_no in (1, 2, 3):
        assert client.post(f"{URL}{entry_no}/cancel/").status_code == 200
    return client


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"contactno": "CT000001", "dry_run": True}, "contactno"),  # would count every entry
        ({"contact_no": "NOPE", "dryrun": True}, "dryrun"),  # would delete for real
        ({"contact_no": "P3", "dry_run": True, "extra": 1}, "extra"),
    ],
)
def test_delete_canceled_refuses_unknown_keys(client, body, field) -> None:
    before = log_snapshot()
    error = assert_error_shape(client.post(DELETE, body, format="json"), 400, "unknown_field")
    assert error["fields"] == {field: ["Unknown field."]}
    assert error["message"] == f"{field}: Unknown field."
    assert log_snapshot() == before
    assert InteractionLogEntry.objects.filter(canceled=True).count() == 3


@pytest.mark.parametrize(
    "field", ["contact_no", "date_from", "date_to", "entry_no", "template_code"]
)
def test_delete_canceled_refuses_a_null_filter(client, field) -> None:
    before = log_snapshot()
    error = assert_error_shape(client.post(DELETE, {field: None}, format="json"), 400, "invalid")
    assert error["fields"] == {field: ["This field may not be null."]}
    assert log_snapshot() == before


def test_delete_canceled_still_deletes_what_the_filters_name(client) -> None:
    response = client.post(DELETE, {"contact_no": "P3", "dry_run": True}, format="json")
    assert response.json() == {"count": 2, "dry_run": True}
    assert InteractionLogEntry.objects.count() == 3
    assert client.post(DELETE, {"contact_no": "P3"}, format="json").json() == {
        "count": 2,
        "dry_run": False,
    }
    assert list(InteractionLogEntry.objects.values_list("entry_no", flat=True)) == [3]


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("uncancel", {"force": True}),
        ("cancel", {"force": True}),
        ("evaluate", {"evaluation": "positive", "evalution": "negative"}),
        ("resume", {"descripton": "typo"}),
    ],
)
def test_entry_actions_refuse_unknown_keys(client, action, body) -> None:
    before = log_snapshot()
    response = client.post(f"{URL}1/{action}/", body, format="json")
    error = assert_error_shape(response, 400, "unknown_field")
    assert len(error["fields"]) == 1
    assert list(error["fields"].values()) == [["Unknown field."]]
    assert log_snapshot() == before


def test_create_and_comments_refuse_unknown_keys(client) -> None:
    before = log_snapshot()
    body = {"contact_no": "P3", "template_code": "CALL", "descripton": "typo"}
    error = assert_error_shape(client.post(URL, body, format="json"), 400, "unknown_field")
    assert error["fields"] == {"descripton": ["Unknown field."]}
    error = assert_error_shape(
        client.post(f"{URL}1/comments/", {"coment": "x"}, format="json"), 400, "unknown_field"
    )
    assert error["fields"] == {"coment": ["Unknown field."]}
    assert log_snapshot() == before


def test_unknown_field_is_in_dutch_for_a_dutch_client(client) -> None:
    response = client.post(DELETE, {"dryrun": True}, format="json", HTTP_ACCEPT_LANGUAGE="nl")
    error = assert_error_shape(response, 400, "unknown_field")
    assert error["fields"] == {"dryrun": ["Onbekend veld."]}


# --- One visibility rule for postponed interactions --------------------------------------------


@pytest.fixture
def drafts(api_client, w):
    """Entry 1: Mila's draft for MV; 2: Sven's for SJ; 3: an administrator's for PB."""
    for user, salesperson in ((w.mila, "MV"), (w.sven, "SJ"), (w.admin, "PB")):
        body = {"contact_no": "P3", "salesperson_code": salesperson, "postpone": True}
        response = api_client(user).post(URL, body, format="json")
        assert response.status_code == 201, response.content
    return w


def test_a_salesperson_lists_only_their_own_postponed_interactions(api_client, drafts) -> None:
    def listed(user, query="?postponed=true"):
        response = api_client(user).get(f"{URL}{query}")
        assert response.status_code == 200, response.content
        return [row["entry_no"] for row in response.json()["results"]]

    assert listed(drafts.sven) == [2]
    assert listed(drafts.mila) == [3, 2, 1]
    assert listed(drafts.admin) == [3, 2, 1]
    assert listed(drafts.reader) == [3, 2, 1]
    assert listed(drafts.sven, "?postponed=false") == []


def test_another_salespersons_postponed_interaction_is_not_there(api_client, drafts) -> None:
    sven = api_client(drafts.sven)
    assert sven.get(f"{URL}2/").status_code == 200
    before = log_snapshot()
    for method, path, body in (
        ("get", f"{URL}1/", None),
        ("get", f"{URL}1/comments/", None),
        ("post", f"{URL}1/resume/", {"description": "mine now"}),
        ("post", f"{URL}1/comments/", {"comment": "x"}),
        ("delete", f"{URL}1/", None),
    ):
        response = getattr(sven, method)(path, body, format="json")
        error = assert_error_shape(response, 404, "not_found")
        assert error["message"] == "There is no interaction 1."
    assert log_snapshot() == before
    # Others see and change it as before.
    assert api_client(drafts.mila).get(f"{URL}1/").status_code == 200
    assert api_client(drafts.admin).delete(f"{URL}1/").status_code == 204
