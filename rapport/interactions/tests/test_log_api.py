"""The `interactions` resource (API.md): create and postpone, resume, delete postponed, cancel,
uncancel, evaluate, comments, delete-canceled, and the statistics endpoints."""

from __future__ import annotations

import datetime

import pytest

from rapport.core.services import user_update_preferences
from rapport.interactions import services
from rapport.interactions.models import InteractionLogEntry
from rapport.interactions.services import campaign_entry_cancel
from tests.support import assert_error_shape

from .conftest import log_snapshot

pytestmark = pytest.mark.django_db

URL = "/api/v1/interactions/"
WORK_DATE = datetime.date(2026, 3, 16)


@pytest.fixture
def w(world):
    for user in (world.admin, world.mila, world.sven):
        user_update_preferences(user=user, work_date=WORK_DATE)
    return world


@pytest.fixture
def client(api_client, w):
    return api_client(w.admin)


def entry_url(entry_no: int, action: str = "") -> str:
    return f"{URL}{entry_no}/" + (f"{action}/" if action else "")


def numbers(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["entry_no"] for row in response.json()["results"]]


# --- Create ------------------------------------------------------------------------------------


def test_create_with_the_template_defaults(client, w) -> None:
    response = client.post(URL, {"contact_no": "p2", "template_code": "news"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    created = body["created_at"]
    modified = body["modified_at"]
    assert body == {
        "entry_no": 1,
        "contact_no": "P2",
        "contact_name": "Bram",
        "contact_company_no": "CO1",
        "contact_company_name": "Acme",
        "template_code": "NEWS",
        "group_code": "LETTER",
        "description": "Newsletter",
        "subject": "Newsletter",
        "salesperson_code": "PB",
        "date": "2026-03-16",
        "time": body["time"],
        "cost": "0.10",
        "duration": "2",
        "information_flow": "outbound",
        "initiated_by": "us",
        "evaluation": "",
        "attempt_failed": False,
        # P2 has no e-mail address: the template's Email is cleared, and a warning says so.
        "correspondence_type": "",
        "language_code": "NL",
        "campaign_no": "CP1",
        "campaign_entry_no": 1,
        "campaign_target": True,
        "campaign_response": False,
        "segment_no": "",
        "logged_segment_entry_no": None,
        "attachment_no": body["attachment_no"],
        "canceled": False,
        "postponed": False,
        "delivery_status": "",
        "delivery_error": "",
        "user": "ada",
        "has_comments": False,
        "created_at": created,
        "modified_at": modified,
        "warnings": [
            "Contact P2 has no e-mail address, so the correspondence type Email was cleared."
        ],
    }
    assert body["attachment_no"] is not None
    assert client.get(entry_url(1)).json()["entry_no"] == 1


def test_create_with_every_field_given(client, w) -> None:
    body = {
        "contact_no": "P1",
        "template_code": "NEWS",
        "description": "Spring news",
        "salesperson_code": "mv",
        "language_code": "en",
        "correspondence_type": "email",
        "date": "2026-02-01",
        "time": "10:15:00",
        "information_flow": "inbound",
        "initiated_by": "them",
        "evaluation": "neutral",
        "attempt_failed": True,
        "cost": "3.00",
        "duration": 12,
        "campaign_no": "",
        "campaign_target": False,
        "campaign_response": False,
        "comments": ["First line", "Second line"],
    }
    response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    for key in ("description", "date", "time", "evaluation", "attempt_failed", "cost"):
        assert data[key] == body[key], key
    assert (data["salesperson_code"], data["language_code"], data["campaign_no"]) == (
        "MV",
        "EN",
        "",
    )
    assert data["duration"] == "12" and data["has_comments"] is True
    assert client.get(entry_url(1, "comments")).json() == [
        {"line_no": 1, "date": "2026-03-16", "comment": "First line"},
        {"line_no": 2, "date": "2026-03-16", "comment": "Second line"},
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "contact_no"),
        ({"contact_no": "P3"}, "template_code"),
        ({"contact_no": "NOPE", "template_code": "CALL"}, "contact_no"),
        ({"contact_no": "P3", "template_code": "NOPE"}, "template_code"),
        (
            {"contact_no": "P3", "template_code": "CALL", "salesperson_code": "NOPE"},
            "salesperson_code",
        ),
        ({"contact_no": "P3", "template_code": "CALL", "campaign_no": "NOPE"}, "campaign_no"),
        ({"contact_no": "P3", "template_code": "CALL", "language_code": "XX"}, "language_code"),
        ({"contact_no": "P3", "template_code": "CALL", "date": "2026-02-30"}, "date"),
        ({"contact_no": "P3", "template_code": "CALL", "cost": "-1"}, "cost"),
        ({"contact_no": "P3", "template_code": "CALL", "duration": "1.5"}, "duration"),
        ({"contact_no": "P3", "template_code": "CALL", "evaluation": "good"}, "evaluation"),
        ({"contact_no": "P3", "template_code": "CALL", "comments": ["x" * 251]}, "comments.0"),
        ({"contact_no": "P1", "template_code": "CALL"}, "correspondence_type"),
        ({"contact_no": "P3", "template_code": "CALL", "description": "a\tb"}, "description"),
        ({"contact_no": ["P3"], "template_code": "CALL"}, "contact_no"),
    ],
)
def test_bad_input_gets_the_400_shape_and_changes_nothing(client, w, body, field) -> None:
    before = log_snapshot()
    error = assert_error_shape(client.post(URL, body, format="json"), 400)
    assert field in error["fields"], error
    assert log_snapshot() == before


def test_postpone_saves_a_draft_outside_the_log(client, w) -> None:
    response = client.post(
        URL, {"contact_no": "P1", "description": "Later", "postpone": True}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["postponed"] is True
    assert response.json()["template_code"] == ""
    assert numbers(client.get(URL)) == []
    assert numbers(client.get(URL, {"postponed": "true"})) == [1]
    assert numbers(client.get(URL, {"postponed": "false"})) == []


# --- The list ----------------------------------------------------------------------------------


def test_list_filters_and_ordering(client, w) -> None:
    services.interaction_create(actor=w.admin, contact=w.company, template=w.call)
    services.interaction_create(
        actor=w.admin, contact=w.p1, template=w.news, date=datetime.date(2026, 1, 5)
    )
    third = services.interaction_create(actor=w.mila, contact=w.p3, template=w.call)
    services.interaction_cancel(actor=w.admin, entry=third)
    assert numbers(client.get(URL)) == [3, 2, 1]
    assert numbers(client.get(URL, {"canceled": "false"})) == [2, 1]
    assert numbers(client.get(URL, {"company_no": "co1"})) == [2, 1]
    assert numbers(client.get(URL, {"contact_no": "P1"})) == [2]
    assert numbers(client.get(URL, {"salesperson_code": "mv"})) == [3]
    assert numbers(client.get(URL, {"template_code": "call", "group_code": "phone"})) == [3, 1]
    assert numbers(client.get(URL, {"campaign_no": "CP1"})) == [2]
    assert numbers(client.get(URL, {"date_from": "2026-02-01", "date_to": "2026-12-31"})) == [3, 1]
    assert numbers(client.get(URL, {"ordering": "date"})) == [2, 1, 3]
    assert numbers(client.get(URL, {"search": "newsletter"})) == [2]
    assert_error_shape(client.get(URL, {"date_from": "someday"}), 400, "invalid")
    assert_error_shape(client.get(URL, {"entry_no": "99999999999999"}), 400, "invalid")


def test_the_list_takes_a_fixed_number_of_queries(client, w, django_assert_max_num_queries) -> None:
    for _index in range(15):
        services.interaction_create(actor=w.admin, contact=w.p1, template=w.news)
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.json()["count"] == 15


def test_unknown_entries_are_404(client, w) -> None:
    for path in (entry_url(99), entry_url(99, "comments"), f"{URL}abc/"):
        assert_error_shape(client.get(path), 404, "not_found")
    assert_error_shape(client.post(entry_url(99, "cancel")), 404, "not_found")


# --- Resume and delete postponed ---------------------------------------------------------------


def test_resume_finishes_the_same_entry(client, w) -> None:
    client.post(URL, {"contact_no": "P3", "postpone": True}, format="json")
    response = client.post(entry_url(1, "resume"), {"template_code": "CALL"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["entry_no"], body["postponed"], body["date"]) == (1, False, "2026-03-16")
    assert body["description"] == "Phone call"
    assert numbers(client.get(URL)) == [1]


def test_resume_keeping_it_postponed(client, w) -> None:
    client.post(URL, {"contact_no": "P3", "postpone": True}, format="json")
    response = client.post(
        entry_url(1, "resume"), {"description": "More", "postpone": True}, format="json"
    )
    assert response.json()["postponed"] is True
    assert response.json()["description"] == "More"


def test_resume_refusals(client, w) -> None:
    client.post(URL, {"contact_no": "P3", "postpone": True}, format="json")
    error = assert_error_shape(client.post(entry_url(1, "resume"), {}, format="json"), 400)
    assert "template_code" in error["fields"]
    client.post(URL, {"contact_no": "P3", "template_code": "CALL"}, format="json")
    before = log_snapshot()
    error = assert_error_shape(client.post(entry_url(2, "resume"), {}, format="json"), 409)
    assert error["code"] == "not_postponed"
    assert log_snapshot() == before


def test_delete_only_postponed(client, w) -> None:
    client.post(URL, {"contact_no": "P3", "postpone": True}, format="json")
    client.post(URL, {"contact_no": "P3", "template_code": "CALL"}, format="json")
    assert client.delete(entry_url(1)).status_code == 204
    error = assert_error_shape(client.delete(entry_url(2)), 409, "not_postponed")
    assert "Cancel it instead" in error["message"]
    assert list(InteractionLogEntry.objects.values_list("entry_no", flat=True)) == [2]


def test_the_entry_itself_cannot_be_changed(client, w) -> None:
    client.post(URL, {"contact_no": "P3", "template_code": "CALL"}, format="json")
    assert_error_shape(client.patch(entry_url(1), {"description": "X"}, format="json"), 405)
    assert_error_shape(client.put(entry_url(1), {"description": "X"}, format="json"), 405)


# --- Cancel, uncancel, evaluate, comments ------------------------------------------------------


def test_cancel_uncancel_and_the_campaign_entry_conflict(client, w) -> None:
    client.post(URL, {"contact_no": "P1", "template_code": "NEWS"}, format="json")
    assert client.post(entry_url(1, "cancel")).json()["canceled"] is True
    assert client.post(entry_url(1, "uncancel")).json()["canceled"] is False
    entry = InteractionLogEntry.objects.get()
    campaign_entry_cancel(actor=w.admin, entry=entry.campaign_entry)
    error = assert_error_shape(client.post(entry_url(1, "uncancel")), 409)
    assert error["code"] == "campaign_entry_canceled"
    client.post(URL, {"contact_no": "P3", "postpone": True}, format="json")
    assert_error_shape(client.post(entry_url(2, "cancel")), 409, "postponed")


def test_evaluate(client, w) -> None:
    client.post(URL, {"contact_no": "P3", "template_code": "CALL"}, format="json")
    response = client.post(entry_url(1, "evaluate"), {"evaluation": "positive"}, format="json")
    assert response.json()["evaluation"] == "positive"
    error = assert_error_shape(
        client.post(entry_url(1, "evaluate"), {"evaluation": "great"}, format="json"), 400
    )
    assert "evaluation" in error["fields"]
    assert_error_shape(client.post(entry_url(1, "evaluate"), {}, format="json"), 400)


def test_comments(client, w) -> None:
    client.post(URL, {"contact_no": "P3", "template_code": "CALL"}, format="json")
    url = entry_url(1, "comments")
    response = client.post(url, {"comment": "Call back Monday"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {"line_no": 1, "date": "2026-03-16", "comment": "Call back Monday"}
    client.post(url, {"comment": "Done", "date": "2026-03-20"}, format="json")
    response = client.patch(f"{url}1/", {"comment": "Call back Tuesday"}, format="json")
    assert response.json()["comment"] == "Call back Tuesday"
    assert client.get(f"{url}2/").json()["date"] == "2026-03-20"
    assert client.delete(f"{url}2/").status_code == 204
    assert [line["line_no"] for line in client.get(url).json()] == [1]
    assert_error_shape(client.get(f"{url}9/"), 404, "not_found")
    error = assert_error_shape(client.post(url, {"comment": ""}, format="json"), 400)
    assert "comment" in error["fields"]


# --- Delete canceled entries -------------------------------------------------------------------


def test_delete_canceled_with_a_dry_run(client, w) -> None:
    for contact in ("P3", "P3", "CO1"):
        client.post(URL, {"contact_no": contact, "template_code": "CALL"}, format="json")
    client.post(URL, {"contact_no": "P3", "postpone": True}, format="json")
    for entry_no in (1, 3):
        client.post(entry_url(entry_no, "cancel"))
    path = f"{URL}delete-canceled/"
    response = client.post(path, {"contact_no": "P3", "dry_run": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"count": 1, "dry_run": True}
    assert InteractionLogEntry.objects.count() == 4
    assert client.post(path, {}, format="json").json() == {"count": 2, "dry_run": False}
    assert sorted(InteractionLogEntry.objects.values_list("entry_no", flat=True)) == [2, 4]
    error = assert_error_shape(client.post(path, {"date_from": "2026-02-30"}, format="json"), 400)
    assert "date_from" in error["fields"]


# --- Who may do what ---------------------------------------------------------------------------


def test_read_only_users_may_read_but_not_write(api_client, client, w) -> None:
    client.post(URL, {"contact_no": "P3", "template_code": "CALL"}, format="json")
    reader = api_client(w.reader)
    assert reader.get(URL).status_code == 200
    assert reader.get(entry_url(1, "comments")).status_code == 200
    before = log_snapshot()
    writes = [
        (URL, {"contact_no": "P3", "template_code": "CALL"}),
        (entry_url(1, "cancel"), {}),
        (entry_url(1, "evaluate"), {"evaluation": "positive"}),
        (entry_url(1, "comments"), {"comment": "x"}),
        (f"{URL}delete-canceled/", {}),
    ]
    for path, body in writes:
        assert_error_shape(reader.post(path, body, format="json"), 403, "permission_denied")
    assert_error_shape(reader.delete(entry_url(1)), 403, "permission_denied")
    assert log_snapshot() == before


def test_a_salesperson_acts_only_for_themselves(api_client, w) -> None:
    sven = api_client(w.sven)
    response = sven.post(URL, {"contact_no": "P3", "template_code": "CALL"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["salesperson_code"] == "SJ"
    before = log_snapshot()
    error = assert_error_shape(
        sven.post(
            URL,
            {"contact_no": "P3", "template_code": "CALL", "salesperson_code": "MV"},
            format="json",
        ),
        403,
        "permission_denied",
    )
    assert "own salesperson SJ" in error["message"]
    services.interaction_create(actor=w.mila, contact=w.p3, template=w.call)  # entry 2, MV
    before = log_snapshot()
    assert_error_shape(sven.post(entry_url(2, "cancel")), 403, "permission_denied")
    assert log_snapshot() == before
    assert sven.post(entry_url(1, "cancel")).json()["canceled"] is True


# --- Statistics --------------------------------------------------------------------------------


def test_statistics_endpoints(client, w) -> None:
    services.interaction_create(
        actor=w.admin, contact=w.company, template=w.call, date=datetime.date(2026, 1, 10)
    )
    services.interaction_create(
        actor=w.admin, contact=w.p1, template=w.news, date=datetime.date(2026, 3, 1)
    )
    canceled = services.interaction_create(actor=w.admin, contact=w.p2, template=w.call)
    services.interaction_cancel(actor=w.admin, entry=canceled)
    services.interaction_create(actor=w.admin, contact=w.p2, template=w.call, postpone=True)

    body = client.get("/api/v1/contacts/CO1/statistics/").json()
    assert body == {
        "no_of_interactions": 2,
        "cost": "1.60",
        "duration": "12",
        "date_of_last_interaction": "2026-03-01",
        "last_date_attempted": "2026-03-01",
        "months": [
            {"month": "2026-01", "no_of_interactions": 1, "cost": "1.50", "duration": "10"},
            {"month": "2026-02", "no_of_interactions": 0, "cost": "0.00", "duration": "0"},
            {"month": "2026-03", "no_of_interactions": 1, "cost": "0.10", "duration": "2"},
        ],
        "bucket": "month",
    }
    march = client.get("/api/v1/contacts/co1/statistics/", {"date_from": "2026-03-01"}).json()
    assert march["no_of_interactions"] == 1
    assert client.get("/api/v1/contacts/P2/statistics/").json()["no_of_interactions"] == 0
    for path, count in [
        ("/api/v1/salespeople/pb/statistics/", 2),
        ("/api/v1/interaction-templates/call/statistics/", 1),
        ("/api/v1/interaction-groups/letter/statistics/", 1),
        ("/api/v1/campaigns/cp1/statistics/", 1),
    ]:
        response = client.get(path, {"date_to": "2026-12-31"})
        assert response.status_code == 200, (path, response.content)
        assert response.json()["no_of_interactions"] == count, path
        assert set(response.json()) == {
            "no_of_interactions",
            "cost",
            "duration",
            "months",
            "bucket",
        }
    error = assert_error_shape(
        client.get("/api/v1/campaigns/CP1/statistics/", {"date_from": "2026-13-01"}), 400
    )
    assert "date_from" in error["fields"]
    error = assert_error_shape(
        client.get(
            "/api/v1/campaigns/CP1/statistics/",
            {"date_from": "2026-03-01", "date_to": "2026-02-01"},
        ),
        400,
    )
    assert "date_to" in error["fields"]
    assert_error_shape(client.get("/api/v1/contacts/NOPE/statistics/"), 404, "not_found")
