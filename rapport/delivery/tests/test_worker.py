"""The worker: recovery of what a dead worker left; `db_worker --batch` and `worker --batch`
run deliver_task in process; and, in subprocesses on a database of their own (a SQLite file,
or a throw-away PostgreSQL database when DATABASE_URL points at PostgreSQL), two workers on
one delivery and a worker killed with SIGKILL in the middle of 2,000 messages: every message
arrives exactly once and every entry ends delivered."""

from __future__ import annotations

import datetime
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rapport.core.testing_processes import (
    DatabaseCopies,
    migrated_copies,
    run_module,
    start_worker,
    stop,
    wait_until,
)
from rapport.delivery.models import OutboxMessage, WorkerHeartbeat
from rapport.delivery.services import claim_batch, delivery_recover, delivery_requested
from rapport.delivery.services.recovery import heartbeat
from rapport.delivery.tasks import deliver_task
from rapport.delivery.tests.outbox_data import log_entries, outbox_world
from rapport.delivery.tests.smtp_server import SmtpServer, smtp_mailer, smtp_server
from rapport.interactions.models import InteractionLogEntry

__all__ = ["smtp_mailer", "smtp_server"]


@pytest.fixture
def world(db: Any, admin_user: Any) -> Any:
    return outbox_world(admin_user)


def _no_close(monkeypatch: Any) -> None:
    # The in-process worker must not close the test's connection (as in segments' test_log).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


@pytest.mark.django_db
def test_recovery_after_a_dead_worker(world: Any, settings: Any) -> None:
    settings.RAPPORT_WORKER_DEAD_AFTER = 30
    nos = log_entries(world, 6)
    delivery = delivery_requested(actor=world.user, entry_nos=nos)
    long_ago = timezone.now() - datetime.timedelta(seconds=60)
    heartbeat("dead")
    WorkerHeartbeat.objects.filter(worker_id="dead").update(beat_at=long_ago)
    heartbeat("alive")
    dead = claim_batch(delivery_id=delivery.pk, worker_id="dead", size=2)
    alive = claim_batch(delivery_id=delivery.pk, worker_id="alive", size=2)
    silent = claim_batch(delivery_id=delivery.pk, worker_id="no-heartbeat", size=2)
    OutboxMessage.objects.filter(pk=dead[1].id).update(state="handed_over")
    OutboxMessage.objects.filter(pk=silent[1].id).update(lease_until=long_ago)
    running = deliver_task.enqueue(delivery_id=delivery.pk)
    DBTaskResult.objects.filter(pk=running.id).update(status="RUNNING", worker_ids=["dead"])
    done = delivery_recover()
    assert done == {"requeued": 2, "confirmed": 1, "tasks_failed": 1, "enqueued": 1}
    rows = dict(OutboxMessage.objects.values_list("id", "state"))
    assert [rows[m.id] for m in dead] == ["queued", "delivered"]
    assert [rows[m.id] for m in alive] == ["sending", "sending"]
    assert [rows[m.id] for m in silent] == ["sending", "queued"]
    assert OutboxMessage.objects.get(pk=dead[1].id).note == "confirmed by recovery"
    statuses = dict(InteractionLogEntry.objects.values_list("id", "delivery_status"))
    assert [statuses[m.entry_id] for m in dead] == ["pending", "delivered"]
    assert DBTaskResult.objects.get(pk=running.id).status == "FAILED"
    ready = DBTaskResult.objects.get(status="READY")
    assert ready.args_kwargs["kwargs"] == {"delivery_id": delivery.pk}
    # nothing more to do: a queued task exists now
    assert delivery_recover() == {"requeued": 0, "confirmed": 0, "tasks_failed": 0, "enqueued": 0}


@pytest.mark.django_db
def test_db_worker_batch_runs_the_delivery(
    world: Any, smtp_mailer: SmtpServer, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _no_close(monkeypatch)
    nos = log_entries(world, 4)
    with django_capture_on_commit_callbacks(execute=True):
        delivery_requested(actor=world.user, entry_nos=nos)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert len(smtp_mailer.ids) == 4
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert set(InteractionLogEntry.objects.values_list("delivery_status", flat=True)) == {
        "delivered"
    }


@pytest.mark.django_db
def test_worker_command_beats_recovers_and_runs_tasks(
    world: Any, smtp_mailer: SmtpServer, monkeypatch: Any
) -> None:
    _no_close(monkeypatch)
    monkeypatch.setattr(
        "rapport.delivery.management.commands.worker.Monitor.start", lambda self: None
    )
    beats: list[str] = []
    monkeypatch.setattr(
        "rapport.delivery.services.recovery.heartbeat", lambda worker: beats.append(worker)
    )
    nos = log_entries(world, 3)
    delivery_requested(actor=world.user, entry_nos=nos)  # its task is not queued (no commit)
    call_command("worker", "--batch", "--no-startup-delay", "--worker-id", "w-cmd", verbosity=0)
    # recovery at start queued the delivery's task, which the worker then ran
    assert beats == ["w-cmd"]
    assert len(smtp_mailer.ids) == 3
    task = DBTaskResult.objects.get()
    assert (task.status, task.worker_ids) == ("SUCCESSFUL", ["w-cmd"])
    assert not WorkerHeartbeat.objects.exists()


# ---------------------------------------------------------------------------------------------
# Subprocess workers on a database of their own


class WorkerDatabase:
    """A copy of the module's migrated database, for subprocesses."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def run(self, *args: str) -> str:
        return run_module(self.env, *args, timeout=120)

    def prepare(self, count: int, extra_tasks: int = 0) -> None:
        self.run("rapport.delivery.tests.worker_setup", "prepare", str(count), str(extra_tasks))

    def query(self, sql: str) -> dict[str, int]:
        """{key: n} from `sql` (two columns), read straight from the database."""
        url = self.env.get("DATABASE_URL", "")
        if url.startswith("postgres"):
            import psycopg

            with psycopg.connect(url, autocommit=True) as connection:
                return dict(connection.execute(sql).fetchall())
        path = Path(self.env["RAPPORT_DATA_DIR"]) / "rapport.sqlite3"
        with closing(sqlite3.connect(path, timeout=20)) as connection:
            return dict(connection.execute(sql).fetchall())

    def states(self) -> dict[str, Any]:
        return {
            "states": self.query(
                "SELECT state, COUNT(*) FROM delivery_outboxmessage GROUP BY state"
            ),
            "entries": self.query(
                "SELECT delivery_status, COUNT(*) FROM interactions_interactionlogentry "
                "WHERE delivery_status <> '' GROUP BY delivery_status"
            ),
            "tasks": self.query(
                "SELECT status, COUNT(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
            ),
        }

    def worker(self, worker_id: str, log: Path) -> subprocess.Popen[bytes]:
        return start_worker(self.env, log, worker_id)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseCopies]:
    """One migrated database per module; each test works on a fresh copy."""
    with migrated_copies("rapport_worker", tmp_path_factory.mktemp("worker-db")) as copies:
        yield copies


@pytest.fixture
def worker_db(migrated: DatabaseCopies, tmp_path: Path, smtp_server: SmtpServer) -> WorkerDatabase:
    env = migrated.copy(tmp_path)
    env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_server.port))
    return WorkerDatabase(env)


def _all_delivered(worker_db: WorkerDatabase, total: int) -> dict[str, Any]:
    states: dict[str, Any] = {}

    def done() -> bool:
        states.update(worker_db.states())
        return states["states"] == {"delivered": total}

    wait_until(done, 60, step=0.2)
    return states


def test_two_workers_never_send_a_message_twice(
    worker_db: WorkerDatabase, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    workers = [worker_db.worker(f"w{n}", tmp_path / f"w{n}.log") for n in (1, 2)]
    try:
        wait_until(lambda: len(worker_db.states()["tasks"]) == 0, 60, step=0.5)
        worker_db.prepare(1500, extra_tasks=1)  # two deliver_tasks: one per worker
        wait_until(lambda: len(smtp_server.ids) >= 1500, 90, step=0.1)
        states = _all_delivered(worker_db, 1500)
    finally:
        for worker in workers:
            stop(worker)
    assert len(smtp_server.ids) == 1500
    assert set(smtp_server.ids.values()) == {1}
    assert states["entries"] == {"delivered": 1500}
    assert states["tasks"] == {"SUCCESSFUL": 2}


def test_a_worker_killed_mid_delivery_resumes_and_sends_each_message_once(
    worker_db: WorkerDatabase, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    started = time.monotonic()
    worker_db.prepare(2000)
    prepared = time.monotonic()
    first = worker_db.worker("w-killed", tmp_path / "first.log")
    try:
        wait_until(lambda: len(smtp_server.messages) >= 300, 60, step=0.002)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        stop(first)
    at_kill = len(smtp_server.messages)
    killed = time.monotonic()
    assert 300 <= at_kill < 2000
    second = worker_db.worker("w-restarted", tmp_path / "second.log")
    try:
        wait_until(lambda: len(smtp_server.ids) >= 2000, 90, step=0.1)
        received = time.monotonic()
        states = _all_delivered(worker_db, 2000)
    finally:
        stop(second)
    assert len(smtp_server.ids) == 2000
    assert set(smtp_server.ids.values()) == {1}
    assert states["entries"] == {"delivered": 2000}
    # the killed worker's task was failed by recovery, which queued a new one
    assert states["tasks"] == {"FAILED": 1, "SUCCESSFUL": 1}
    print(
        f"SIGKILL test: prepared in {prepared - started:.1f} s, killed at {at_kill} received "
        f"after {killed - prepared:.1f} s, all received {received - killed:.1f} s later, "
        f"total {time.monotonic() - started:.1f} s"
    )
