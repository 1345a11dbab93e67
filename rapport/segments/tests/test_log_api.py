"""`POST segments/<no>/log/`, the `logged-segments` resource and `jobs/<id>/` (API.md)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from rapport.campaigns.models import CampaignEntry
from rapport.interactions.models import InteractionLogEntry
from rapport.segments import services
from rapport.segments.models import LoggedSegment, Segment, SegmentLine
from rapport.segments.services import log as services_log
from rapport.segments.tests import test_log
from tests.support import assert_error_shape

# The fixtures of the service tests (assigned, so that pytest finds them here).
make_series = test_log.make_series
segment_nos = test_log.segment_nos
s1 = test_log.s1
snapshot = test_log.snapshot
run_worker = test_log.run_worker

pytestmark = pytest.mark.django_db

URL = "/api/v1/segments/S1/log/"
LOGGED = "/api/v1/logged-segments/"


@pytest.fixture
def client(api_client: Any, world: Any) -> Any:
    return api_client(world.mila)


def test_log_answers_what_was_logged(client: Any, s1: Segment) -> None:
    response = client.post(URL, {"deliver": False}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    logged = LoggedSegment.objects.get()
    assert body == {
        "segment_no": "S1",
        "logged_segment_entry_no": logged.entry_no,
        "no_of_interactions": 4,
        "follow_up_segment_no": None,
        "follow_up_no_of_lines": 0,
        "campaign_nos": ["CP1"],
        "dry_run": False,
        "deliver": False,
        "deliveries": {},
    }
    assert not Segment.objects.exists()


def test_dry_run_writes_nothing(client: Any, s1: Segment) -> None:
    before = snapshot()
    response = client.post(URL, {"deliver": False, "dry_run": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["no_of_interactions"] == 4
    assert response.json()["logged_segment_entry_no"] is None
    assert snapshot() == before


def test_log_with_follow_up(client: Any, s1: Segment, segment_nos: Any) -> None:
    response = client.post(
        URL, {"deliver": False, "follow_up": True, "follow_up_outcome": "failed"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["follow_up_segment_no"] == "SEG00001"
    assert response.json()["follow_up_no_of_lines"] == 1


def test_refusals_use_the_error_shape_and_write_nothing(client: Any, s1: Segment) -> None:
    SegmentLine.objects.filter(segment=s1, contact__no="P3").update(salesperson=None)
    before = snapshot()
    response = client.post(URL, {"deliver": False}, format="json")
    assert_error_shape(response, 400, code="lines_invalid")
    body = response.json()["error"]
    assert "Line 40000 (contact P3): choose a salesperson." in body["fields"]["lines"]
    assert body["no_of_lines_refused"] == 1
    response = client.post(URL, {"deliver": False, "follow_up": True}, format="json")
    assert response.status_code == 409
    assert "Segment Nos." in response.json()["error"]["message"]
    assert snapshot() == before


def test_bad_input(client: Any, s1: Segment) -> None:
    assert client.post(URL, {"deliver": False, "colour": "red"}, format="json").status_code == 400
    response = client.post(URL, {"deliver": False, "follow_up_outcome": "best"}, format="json")
    assert response.status_code == 400
    assert "follow_up_outcome" in response.json()["error"]["fields"]
    assert client.post(URL, ["x"], format="json").status_code == 400
    response = client.post(
        URL,
        {"follow_up": True, "follow_up_outcome": "evaluation", "follow_up_evaluation": "great"},
        format="json",
    )
    assert response.status_code == 400
    assert "follow_up_evaluation" in response.json()["error"]["fields"]
    assert client.post("/api/v1/segments/NOPE/log/", {}, format="json").status_code == 404
    assert not LoggedSegment.objects.exists()


def test_only_marketing_logs(api_client: Any, world: Any, s1: Segment) -> None:
    for user in (world.sven, world.reader):
        assert api_client(user).post(URL, {"deliver": False}, format="json").status_code == 403
    assert api_client(None).post(URL, {"deliver": False}, format="json").status_code == 401
    assert Segment.objects.filter(no="S1").exists()


@override_settings(
    TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
)
def test_a_big_segment_answers_a_job(client: Any, s1: Segment, monkeypatch: Any) -> None:
    monkeypatch.setattr(services_log, "BACKGROUND_THRESHOLD", 3)
    response = client.post(URL, {"deliver": False}, format="json")
    assert response.status_code == 202, response.content
    job = response.json()["job"]
    assert job["status"] == "done"  # the immediate backend ran it already
    assert job["progress"] == 100
    assert job["result"]["no_of_interactions"] == 4
    assert LoggedSegment.objects.count() == 1


def test_a_queued_job_is_polled_until_the_worker_ran_it(
    client: Any, s1: Segment, monkeypatch: Any
) -> None:
    monkeypatch.setattr(services_log, "BACKGROUND_THRESHOLD", 3)
    response = client.post(URL, {"deliver": False, "follow_up": False}, format="json")
    assert response.status_code == 202, response.content
    job = response.json()["job"]
    assert (job["status"], job["progress"], job["result"]) == ("queued", 0, None)
    assert Segment.objects.filter(no="S1").exists()
    run_worker(monkeypatch)
    response = client.get(f"/api/v1/jobs/{job['id']}/")
    assert response.status_code == 200, response.content
    done = response.json()["job"]
    assert (done["status"], done["progress"]) == ("done", 100)
    assert done["result"]["logged_segment_entry_no"] == LoggedSegment.objects.get().entry_no


def test_a_refused_background_log_is_a_failed_job(
    client: Any, s1: Segment, monkeypatch: Any
) -> None:
    monkeypatch.setattr(services_log, "BACKGROUND_THRESHOLD", 3)
    job = client.post(URL, {"deliver": False}, format="json").json()["job"]
    SegmentLine.objects.filter(segment=s1, contact__no="P3").update(salesperson=None)
    run_worker(monkeypatch)
    done = client.get(f"/api/v1/jobs/{job['id']}/").json()["job"]
    assert done["status"] == "failed"
    assert "Line 40000 (contact P3)" in done["result"]["error"]["message"]
    assert not LoggedSegment.objects.exists()


# --- Logged segments -----------------------------------------------------------------------


@pytest.fixture
def logged(world: Any, s1: Segment) -> LoggedSegment:
    result = services.segment_log(deliver=False, actor=world.mila, segment=s1)
    assert result.logged_segment is not None
    return result.logged_segment


def test_list_and_retrieve(client: Any, logged: LoggedSegment, world: Any) -> None:
    response = client.get(LOGGED)
    assert response.status_code == 200, response.content
    row = response.json()["results"][0]
    assert row == {
        "entry_no": logged.entry_no,
        "segment_no": "S1",
        "description": "Spring mailing",
        "creation_date": logged.creation_date.isoformat(),
        "user": "mila",
        "no_of_interactions": 4,
        "canceled": False,
        "follow_up_segment_no": "",
    }
    assert client.get(f"{LOGGED}{logged.entry_no}/").json() == row
    assert client.get(f"{LOGGED}999/").status_code == 404
    assert client.get(f"{LOGGED}?segment_no=S2").json()["count"] == 0
    assert client.get(f"{LOGGED}?canceled=false").json()["count"] == 1
    assert client.get(f"{LOGGED}?search=spring").json()["count"] == 1


def test_interactions_of_a_logged_segment(client: Any, logged: LoggedSegment) -> None:
    response = client.get(f"{LOGGED}{logged.entry_no}/interactions/")
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [row["contact_no"] for row in rows] == ["CO1", "P1", "P2", "P3"]
    assert {row["logged_segment_entry_no"] for row in rows} == {logged.entry_no}


def test_cancel_and_uncancel_cascade(client: Any, logged: LoggedSegment) -> None:
    response = client.post(f"{LOGGED}{logged.entry_no}/cancel/")
    assert response.status_code == 200, response.content
    assert response.json()["canceled"] is True
    assert response.json()["no_of_interactions"] == 4
    assert InteractionLogEntry.objects.filter(canceled=True).count() == 4
    assert CampaignEntry.objects.get().canceled
    response = client.post(f"{LOGGED}{logged.entry_no}/uncancel/")
    assert response.json()["canceled"] is False
    assert not InteractionLogEntry.objects.filter(canceled=True).exists()


def test_a_reader_may_not_cancel(api_client: Any, world: Any, logged: LoggedSegment) -> None:
    reader = api_client(world.reader)
    assert reader.get(f"{LOGGED}{logged.entry_no}/").status_code == 200
    assert reader.post(f"{LOGGED}{logged.entry_no}/cancel/").status_code == 403
    assert reader.post(f"{LOGGED}delete-canceled/", {}, format="json").status_code == 403


def test_delete_canceled(client: Any, world: Any, logged: LoggedSegment) -> None:
    url = f"{LOGGED}delete-canceled/"
    assert client.post(url, {}, format="json").json() == {"count": 0, "dry_run": False}
    services.logged_segment_cancel(actor=world.mila, logged_segment=logged)
    response = client.post(url, {"segment_no": "s1", "dry_run": True}, format="json")
    assert response.json() == {"count": 1, "dry_run": True}
    assert client.post(url, {"entry_no": "x"}, format="json").status_code == 400
    response = client.post(url, {"entry_no": logged.entry_no}, format="json")
    assert response.json() == {"count": 1, "dry_run": False}
    assert not LoggedSegment.objects.exists()
    assert InteractionLogEntry.objects.filter(segment_no="S1").count() == 4


def test_an_unknown_job_is_404(client: Any) -> None:
    assert client.get("/api/v1/jobs/nope/").status_code == 404
    response = client.get("/api/v1/jobs/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
