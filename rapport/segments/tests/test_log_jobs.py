"""Background logs as jobs: the status names (API.md: queued, running, done, failed), a job
whose worker stopped (failed with a message), and "Start again": the service
(`segment_log_job_restart`), `POST /api/v1/jobs/<id>/restart/` and the job page's button.

A stopped worker's job is made here as the worker's recovery leaves it (status FAILED, the
exception class `WORKER_STOPPED`); that recovery does so is delivery's test
(`rapport/delivery/tests/test_recovery_jobs.py`), the real kill tests/reliability/test_crash.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rapport.audit.models import AuditEntry
from rapport.audit.testing import audited
from rapport.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from rapport.core.jobs import JOB_STATUSES, WORKER_STOPPED
from rapport.interactions.models import InteractionLogEntry
from rapport.segments import services, tasks
from rapport.segments.models import LoggedSegment, Segment
from rapport.segments.services import log as services_log
from rapport.segments.tests import test_log
from tests.support import assert_error_shape

make_series = test_log.make_series
segment_nos = test_log.segment_nos
s1 = test_log.s1
run_worker = test_log.run_worker

pytestmark = pytest.mark.django_db

STOPPED_MESSAGE = "The worker stopped while logging; nothing was logged. Start it again."


@pytest.fixture(autouse=True)
def big_from_three(monkeypatch: Any) -> None:
    monkeypatch.setattr(services_log, "BACKGROUND_THRESHOLD", 3)


def _queued(world: Any, segment: Segment, **options: Any) -> str:
    started = services.segment_log_start(actor=world.mila, segment=segment, **options)
    assert started.job is not None
    return str(started.job.id)


def _stopped(job_id: str) -> None:
    """The job as recovery leaves a dead worker's running task."""
    DBTaskResult.objects.filter(pk=job_id).update(
        status=TaskResultStatus.FAILED,
        worker_ids=["dead-worker"],
        exception_class_path=WORKER_STOPPED,
        traceback="The worker stopped (no heartbeat) while the task was running.",
    )


def _job(job_id: str) -> dict[str, Any]:
    result = tasks.job_get(job_id)
    assert result is not None
    return tasks.job_data(result)


# ---------------------------------------------------------------------------------------------
# Status names


def test_the_status_names_are_api_md_s(world: Any, s1: Segment, monkeypatch: Any) -> None:
    assert JOB_STATUSES == ("queued", "running", "done", "failed")
    job_id = _queued(world, s1, deliver=False)
    assert _job(job_id)["status"] == "queued"
    DBTaskResult.objects.filter(pk=job_id).update(status=TaskResultStatus.RUNNING)
    assert _job(job_id)["status"] == "running"
    DBTaskResult.objects.filter(pk=job_id).update(status=TaskResultStatus.READY)
    run_worker(monkeypatch)
    done = _job(job_id)
    assert (done["status"], done["progress"]) == ("done", 100)
    assert done["result"]["no_of_interactions"] == 4


def test_a_job_that_failed_on_an_error_says_so(world: Any, s1: Segment) -> None:
    job_id = _queued(world, s1, deliver=False)
    DBTaskResult.objects.filter(pk=job_id).update(
        status=TaskResultStatus.FAILED, exception_class_path="builtins.RuntimeError"
    )
    assert _job(job_id)["result"]["error"] == {
        "code": "server_error",
        "message": "The job failed unexpectedly; nothing was logged.",
        "fields": {},
    }


def test_a_stopped_worker_s_job_is_failed_with_a_message(world: Any, s1: Segment) -> None:
    job_id = _queued(world, s1, deliver=False)
    _stopped(job_id)
    job = _job(job_id)
    assert (job["status"], job["progress"], job["segment_no"]) == ("failed", 100, "S1")
    assert job["result"] == {
        "error": {"code": "worker_stopped", "message": STOPPED_MESSAGE, "fields": {}}
    }


# ---------------------------------------------------------------------------------------------
# The service


def test_restart_queues_the_same_log_again_and_logs_once(
    world: Any, s1: Segment, admin_user: Any, monkeypatch: Any, segment_nos: Any
) -> None:
    old_id = _queued(world, s1, deliver=False, follow_up=True, follow_up_outcome="failed")
    _stopped(old_id)
    new = services.segment_log_job_restart(actor=admin_user, job_id=old_id)
    assert str(new.id) != old_id
    assert new.kwargs == {
        "segment_no": "S1",
        "user_id": admin_user.pk,
        "follow_up": True,
        "follow_up_outcome": "failed",
        "deliver": False,
    }
    assert _job(str(new.id))["status"] == "queued"
    assert _job(old_id)["status"] == "failed"  # the old job stays as it was
    restart = audited("segment_log_job_restart", object_key="S1")
    assert (restart.user_id, restart.changes) == (admin_user.pk, {})
    assert restart.details == {
        "failed_job": old_id,
        "job": str(new.id),
        "follow_up": True,
        "follow_up_outcome": "failed",
        "deliver": False,
    }
    run_worker(monkeypatch)
    assert _job(str(new.id))["status"] == "done"
    logged = LoggedSegment.objects.get()
    assert (logged.segment_no, logged.user, logged.follow_up_segment_no) == (
        "S1",
        admin_user,
        "SEG00001",
    )
    assert InteractionLogEntry.objects.filter(logged_segment_entry_no=logged.entry_no).count() == 4
    # logged once: the old job cannot be started a second time, its segment is gone
    with pytest.raises(ConflictError) as refused:
        services.segment_log_job_restart(actor=admin_user, job_id=old_id)
    assert refused.value.code == "not_found"
    assert refused.value.message == (
        "Segment S1 no longer exists (it may have been logged): there is nothing to start again."
    )
    assert LoggedSegment.objects.count() == 1
    assert AuditEntry.objects.filter(operation="segment_log_job_restart").count() == 1


def test_only_a_failed_job_is_restarted(world: Any, s1: Segment, monkeypatch: Any) -> None:
    job_id = _queued(world, s1, deliver=False)
    for status in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
        DBTaskResult.objects.filter(pk=job_id).update(status=status)
        with pytest.raises(ConflictError) as refused:
            services.segment_log_job_restart(actor=world.mila, job_id=job_id)
        assert refused.value.code == "job_not_failed"
        assert refused.value.message == (
            f"Job {job_id} has not failed: only a failed job can be started again."
        )
    DBTaskResult.objects.filter(pk=job_id).update(status=TaskResultStatus.READY)
    run_worker(monkeypatch)
    with pytest.raises(ConflictError):  # done
        services.segment_log_job_restart(actor=world.mila, job_id=job_id)
    assert DBTaskResult.objects.count() == 1


def test_a_segment_being_logged_is_not_queued_twice(world: Any, s1: Segment) -> None:
    old_id = _queued(world, s1, deliver=False)
    _stopped(old_id)
    new = services.segment_log_job_restart(actor=world.mila, job_id=old_id)
    with pytest.raises(ConflictError) as refused:
        services.segment_log_job_restart(actor=world.mila, job_id=old_id)
    assert refused.value.code == "already_running"
    assert refused.value.message == f"Segment S1 is already being logged (job {new.id})."
    assert DBTaskResult.objects.count() == 2


def test_a_refused_log_can_be_started_again_once_put_right(
    world: Any, s1: Segment, monkeypatch: Any
) -> None:
    old_id = _queued(world, s1, deliver=False)
    Segment.objects.filter(pk=s1.pk).update(description="")
    run_worker(monkeypatch)
    assert _job(old_id)["status"] == "failed"
    Segment.objects.filter(pk=s1.pk).update(description="Spring mailing")
    new = services.segment_log_job_restart(actor=world.mila, job_id=old_id)
    run_worker(monkeypatch)
    assert _job(str(new.id))["status"] == "done"
    assert InteractionLogEntry.objects.filter(segment_no="S1").count() == 4


def test_restart_needs_the_role_and_a_known_job(world: Any, s1: Segment) -> None:
    old_id = _queued(world, s1, deliver=False)
    _stopped(old_id)
    with pytest.raises(PermissionDeniedError):
        services.segment_log_job_restart(actor=world.sven, job_id=old_id)
    with pytest.raises(NotFoundError):
        services.segment_log_job_restart(actor=world.mila, job_id="nope")
    assert DBTaskResult.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# The API


@pytest.fixture
def api(api_client: Any, world: Any) -> Any:
    return api_client(world.mila)


def test_api_restart_answers_202_with_the_new_job(
    api: Any, world: Any, s1: Segment, monkeypatch: Any
) -> None:
    job = api.post("/api/v1/segments/S1/log/", {"deliver": False}, format="json").json()["job"]
    _stopped(job["id"])
    shown = api.get(f"/api/v1/jobs/{job['id']}/").json()["job"]
    assert (shown["status"], shown["result"]["error"]["code"]) == ("failed", "worker_stopped")
    assert shown["result"]["error"]["message"] == STOPPED_MESSAGE
    response = api.post(f"/api/v1/jobs/{job['id']}/restart/", {}, format="json")
    assert response.status_code == 202, response.content
    new = response.json()["job"]
    assert new["id"] != job["id"]
    assert (new["kind"], new["status"], new["segment_no"], new["result"]) == (
        "segment_log",
        "queued",
        "S1",
        None,
    )
    # while the new job is queued, the old one cannot be started again
    again = api.post(f"/api/v1/jobs/{job['id']}/restart/", {}, format="json")
    assert_error_shape(again, 409, "already_running")
    run_worker(monkeypatch)
    done = api.get(f"/api/v1/jobs/{new['id']}/").json()["job"]
    assert (done["status"], done["result"]["no_of_interactions"]) == ("done", 4)
    # the segment is gone: 409, and nothing doubled
    gone = api.post(f"/api/v1/jobs/{job['id']}/restart/", {}, format="json")
    assert_error_shape(gone, 409, "not_found")
    not_failed = api.post(f"/api/v1/jobs/{new['id']}/restart/", {}, format="json")
    assert_error_shape(not_failed, 409, "job_not_failed")
    assert LoggedSegment.objects.count() == 1
    assert InteractionLogEntry.objects.filter(segment_no="S1").count() == 4


def test_api_restart_refuses_others(api_client: Any, world: Any, s1: Segment) -> None:
    job_id = _queued(world, s1, deliver=False)
    _stopped(job_id)
    url = f"/api/v1/jobs/{job_id}/restart/"
    assert api_client(world.sven).post(url, {}, format="json").status_code == 403
    assert api_client(world.reader).post(url, {}, format="json").status_code == 403
    assert api_client(None).post(url, {}, format="json").status_code == 401
    missing = api_client(world.mila).post("/api/v1/jobs/nope/restart/", {}, format="json")
    assert_error_shape(missing, 404, "not_found")
    delivery = api_client(world.mila).post("/api/v1/jobs/delivery-1/restart/", {}, format="json")
    assert delivery.status_code == 404
    assert DBTaskResult.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# The page


@pytest.fixture
def pages(client_for: Any, world: Any) -> Any:
    return client_for(world.mila)


def test_the_job_page_offers_start_again_and_starts_it(
    pages: Any, world: Any, s1: Segment, monkeypatch: Any
) -> None:
    response = pages.post("/segments/S1/log/", {"follow_up_outcome": "all"})
    job_url = response["Location"]
    job_id = job_url.rstrip("/").rsplit("/", 1)[-1]
    page = pages.get(job_url).content.decode()
    assert 'data-status="queued"' in page
    assert "job-restart" not in page
    _stopped(job_id)
    page = pages.get(job_url).content.decode()
    assert 'data-status="failed"' in page
    assert STOPPED_MESSAGE in page
    restart_url = f"/logged-segments/jobs/{job_id}/restart/"
    assert f'action="{restart_url}"' in page
    assert "Start again" in page
    started = pages.post(restart_url)
    assert started.status_code == 302
    new = DBTaskResult.objects.exclude(pk=job_id).get()
    assert started["Location"] == f"/logged-segments/jobs/{new.pk}/"
    assert "The log has been started again." in pages.get(started["Location"]).content.decode()
    # a second click while the new job waits: refused, back to the old job with the reason
    again = pages.post(restart_url)
    assert again["Location"] == job_url
    assert f"Segment S1 is already being logged (job {new.pk})." in (
        pages.get(job_url).content.decode()
    )
    run_worker(monkeypatch)
    done = pages.get(f"/logged-segments/jobs/{new.pk}/")
    assert done.status_code == 302
    assert done["Location"] == f"/logged-segments/{LoggedSegment.objects.get().entry_no}/logged/"
    # the segment is logged: the failed job's page no longer offers to start it again
    page = pages.get(job_url).content.decode()
    assert 'data-status="failed"' in page
    assert "job-restart" not in page
    assert InteractionLogEntry.objects.filter(segment_no="S1").count() == 4


def test_the_job_page_and_start_again_are_the_user_s_own(
    client_for: Any, world: Any, s1: Segment, admin_user: Any
) -> None:
    job_id = _queued(world, s1, deliver=False)
    _stopped(job_id)
    other = client_for(admin_user)
    assert other.get(f"/logged-segments/jobs/{job_id}/").status_code == 404
    assert other.post(f"/logged-segments/jobs/{job_id}/restart/").status_code == 404
    assert (
        client_for(world.sven).post(f"/logged-segments/jobs/{job_id}/restart/").status_code == 403
    )
    assert client_for(world.mila).get(f"/logged-segments/jobs/{job_id}/restart/").status_code == 405
    assert DBTaskResult.objects.count() == 1
