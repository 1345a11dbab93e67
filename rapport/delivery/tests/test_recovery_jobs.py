"""Recovery fails every task a dead worker was running, not only deliveries: a segment log
killed mid-way shows as a failed job saying that the worker stopped (segments' `job_data`),
and only `deliver_task` is queued again by recovery (a log is started again by the user).
The real kill: tests/reliability/test_crash.py."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import OperationalError
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rapport.core.jobs import WORKER_STOPPED
from rapport.delivery.models import WorkerHeartbeat
from rapport.delivery.services import delivery_recover
from rapport.delivery.services.recovery import heartbeat
from rapport.segments import tasks

pytestmark = pytest.mark.django_db


def _log_job(user: Any, no: str, status: str, worker: str) -> str:
    job = tasks.segment_log_task.enqueue(segment_no=no, user_id=user.pk, deliver=False)
    DBTaskResult.objects.filter(pk=job.id).update(status=status, worker_ids=[worker])
    return str(job.id)


def test_a_dead_worker_s_segment_log_is_failed_saying_so(admin_user: Any, settings: Any) -> None:
    settings.RAPPORT_WORKER_DEAD_AFTER = 30
    heartbeat("dead")
    WorkerHeartbeat.objects.filter(worker_id="dead").update(
        beat_at=timezone.now() - datetime.timedelta(seconds=60)
    )
    heartbeat("alive")
    killed = _log_job(admin_user, "S1", TaskResultStatus.RUNNING, "dead")
    running = _log_job(admin_user, "S2", TaskResultStatus.RUNNING, "alive")
    queued = _log_job(admin_user, "S3", TaskResultStatus.READY, "")
    assert delivery_recover() == {"requeued": 0, "confirmed": 0, "tasks_failed": 1, "enqueued": 0}
    rows = {str(row.pk): row for row in DBTaskResult.objects.all()}
    assert {pk: row.status for pk, row in rows.items()} == {
        killed: "FAILED",
        running: "RUNNING",
        queued: "READY",
    }
    assert rows[killed].exception_class_path == WORKER_STOPPED
    assert rows[killed].finished_at is not None
    result = tasks.job_get(killed)
    assert result is not None
    job = tasks.job_data(result)
    assert (job["status"], job["progress"], job["segment_no"]) == ("failed", 100, "S1")
    assert job["result"] == {
        "error": {
            "code": "worker_stopped",
            "message": "The worker stopped while logging; nothing was logged. Start it again.",
            "fields": {},
        }
    }
    # nothing more to do, and no log is queued again by recovery
    assert delivery_recover() == {"requeued": 0, "confirmed": 0, "tasks_failed": 0, "enqueued": 0}
    assert DBTaskResult.objects.count() == 3


class Clock:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_a_worker_whose_own_heartbeat_was_held_up_judges_nobody_dead_until_it_beats_promptly(
    admin_user: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: a long segment log holds the write lock, so no worker's heartbeat is written
    for a while. Another worker starts (it has not seen what came before), then sees its own
    beat wait 25 s; the running log's heartbeat is 60 s old, but its job stays running until
    this monitor's beats have gone through promptly for RAPPORT_WORKER_DEAD_AFTER (30 s). A
    failed write counts as held up too. Then a heartbeat that is still stale does prove a
    death."""
    from rapport.delivery.management.commands.worker import Monitor
    from rapport.delivery.services import recovery

    settings.RAPPORT_WORKER_DEAD_AFTER = 30
    heartbeat("logging")
    WorkerHeartbeat.objects.filter(worker_id="logging").update(
        beat_at=timezone.now() - datetime.timedelta(seconds=60)
    )
    running = _log_job(admin_user, "S1", TaskResultStatus.RUNNING, "logging")
    clock = Clock()
    waits = {"seconds": 25.0, "fails": False}
    write = recovery.heartbeat

    def slow_heartbeat(worker_id: str) -> None:
        clock.now += waits["seconds"]
        if waits["fails"]:
            raise OperationalError("database is locked")
        write(worker_id)

    monkeypatch.setattr(recovery, "heartbeat", slow_heartbeat)
    monitor = Monitor("monitor", recover_every=2, own=recovery.OwnHeartbeat("monitor", clock))

    def beat(seconds: float, *, fails: bool = False) -> str:
        clock.now += 2
        waits.update(seconds=seconds, fails=fails)
        monitor.beat_and_recover(recover=True)
        return str(DBTaskResult.objects.get(pk=running).status)

    assert beat(0.1) == "RUNNING"  # a worker that starts does not judge at once
    assert beat(25) == "RUNNING"  # held up
    assert [beat(0.1) for _ in range(14)] == ["RUNNING"] * 14  # 14 × 2.1 s = 29.4 s prompt
    assert beat(0.1, fails=True) == "RUNNING"  # at 31.5 s, a write that fails
    assert [beat(0.1) for _ in range(15)] == ["RUNNING"] * 15  # prompt again, for 29.4 s
    assert beat(0.1) == "FAILED"  # 31.5 s of prompt beats, and "logging" is still stale
    assert DBTaskResult.objects.get(pk=running).exception_class_path == WORKER_STOPPED
