"""The selection API (API.md): add/reduce/refine with dry_run, go back, save/reuse criteria,
reuse a logged segment, the criteria actions and saved criteria lists; errors in the uniform
shape."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from rapport.segments.models import LoggedSegment, SegmentCriteriaAction
from rapport.segments.tests.test_selection import log_entry, snapshot
from rapport.segments.tests.test_selection import w as w

pytestmark = [
    pytest.mark.django_db,
]


@pytest.fixture
def client(api_client: Any, w: Any) -> Any:
    return api_client(w.mila)


@pytest.fixture
def s1(make_segment: Any) -> Any:
    return make_segment("S1")


def test_add_contacts_dry_run_then_for_real(client: Any, w: Any, s1: Any) -> None:
    body = {
        "filters": {"contact": {"country_code": "NL|BE"}, "mailing_group": {"code": "NEWS"}},
        "dry_run": True,
    }
    before = snapshot()
    response = client.post("/api/v1/segments/S1/add-contacts/", body, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["added"], data["dry_run"], data["action_no"]) == (2, True, None)
    assert snapshot() == before
    body["dry_run"] = False
    response = client.post("/api/v1/segments/s1/add-contacts/", body, format="json")
    assert response.status_code == 201
    assert response.json()["message"] == "2 contacts added."
    response = client.post(
        "/api/v1/segments/S1/add-contacts/",
        {"expand_companies": True, "dry_run": True},
        format="json",
    )
    data = response.json()
    assert (data["added"], data["skipped"]) == (2, {"already_on_segment": 2})
    assert [row["no"] for row in data["skipped_contacts"]] == ["P1", "P3"]


def test_bad_filters_answer_400_naming_the_field(client: Any, s1: Any) -> None:
    response = client.post(
        "/api/v1/segments/S1/add-contacts/",
        {"filters": {"contact": {"country_code": "NL|"}}},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_filter"
    assert "position" in error["fields"]["filters.contact.country_code"][0]
    assert not SegmentCriteriaAction.objects.exists()


def test_unknown_segment_is_404_and_salespeople_get_403(api_client: Any, w: Any, s1: Any) -> None:
    response = api_client(w.mila).post("/api/v1/segments/NOPE/add-contacts/", {}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    response = api_client(w.sven).post("/api/v1/segments/S1/add-contacts/", {}, format="json")
    assert response.status_code == 403
    assert api_client(None).post("/api/v1/segments/S1/go-back/").status_code == 401


def test_reduce_refine_go_back_and_history(client: Any, s1: Any) -> None:
    client.post("/api/v1/segments/S1/add-contacts/", {}, format="json")
    response = client.post(
        "/api/v1/segments/S1/reduce-contacts/",
        {"filters": {"contact": {"no": "P1"}}, "entire_companies": True, "dry_run": True},
        format="json",
    )
    assert response.json()["removed"] == 3
    response = client.post(
        "/api/v1/segments/S1/refine-contacts/",
        {"filters": {"mailing_group": {"code": "NEWS"}}},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["removed"], response.json()["action"]) == (2, "refine")
    response = client.get("/api/v1/segments/S1/criteria-actions/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["action_no"], r["action"], r["description"]) for r in results] == [
        (1, "add", "Add contacts: 4 lines added"),
        (2, "refine", "Refine contacts: 2 lines removed"),
    ]
    assert results[1]["filters"] == {"mailing_group": {"code": "NEWS"}}
    response = client.post("/api/v1/segments/S1/go-back/")
    assert response.json() == {
        "action_no": 2,
        "action": "refine",
        "description": "Refine contacts: 2 lines removed",
        "lines_removed": 0,
        "lines_restored": 2,
    }
    client.post("/api/v1/segments/S1/go-back/")
    response = client.post("/api/v1/segments/S1/go-back/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "nothing_to_undo"


def test_save_and_reuse_criteria(client: Any, make_segment: Any, s1: Any) -> None:
    client.post(
        "/api/v1/segments/S1/add-contacts/",
        {"filters": {"contact": {"type": "person"}}},
        format="json",
    )
    response = client.post("/api/v1/segments/S1/save-criteria/", {"code": "persons"}, format="json")
    assert response.status_code == 201
    assert response.json() == {"code": "PERSONS", "description": "", "no_of_actions": 1}
    response = client.post("/api/v1/segments/S1/save-criteria/", {"code": "persons"}, format="json")
    assert response.status_code == 400
    assert "code" in response.json()["error"]["fields"]
    response = client.get("/api/v1/saved-segment-criteria/")
    assert response.json()["results"] == [
        {"code": "PERSONS", "description": "", "no_of_actions": 1}
    ]
    make_segment("S2")
    response = client.post(
        "/api/v1/segments/S2/reuse-criteria/", {"code": "persons"}, format="json"
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["code"], data["added"], data["removed"]) == ("PERSONS", 3, 0)
    assert [a["action"] for a in data["actions"]] == ["add"]
    response = client.post("/api/v1/segments/S2/reuse-criteria/", {"code": "nope"}, format="json")
    assert response.status_code == 400


def test_reuse_logged_segment(client: Any, w: Any, s1: Any) -> None:
    LoggedSegment.objects.create(
        entry_no=3, segment_no="OLD", creation_date=datetime.date(2026, 1, 1)
    )
    log_entry(w, w.p1, 1, logged_segment_entry_no=3)
    log_entry(w, w.p3, 2, logged_segment_entry_no=3)
    response = client.post(
        "/api/v1/segments/S1/reuse-logged-segment/", {"entry_no": 3}, format="json"
    )
    assert response.status_code == 201
    assert (response.json()["added"], response.json()["action"]) == (2, "reuse_logged_segment")
    response = client.post(
        "/api/v1/segments/S1/reuse-logged-segment/", {"entry_no": 4}, format="json"
    )
    assert response.status_code == 400
    assert "entry_no" in response.json()["error"]["fields"]
