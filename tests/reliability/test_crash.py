"""A segment log killed with SIGKILL in the middle of its transaction writes nothing, inline
(`rapport log-segment`) and as a background job (`rapport worker` running the queued
`segment_log_task`); the killed job then shows as failed, saying the worker stopped, and once
started again logs the segment exactly once.

Subprocesses on a database of their own, of the run's vendor: a SQLite file (WAL, as in
production) or, when DATABASE_URL points at PostgreSQL, a throw-away database. The module
migrates one database and fills it (`crash_support prepare`: LINES contacts, the segment CRASH
with a line for each, its background log queued); each test works on a copy.

The kill lands inside the log's transaction, and the test knows it: on PostgreSQL the process's
session (its application_name) is running the log's INSERT of the interactions in a transaction
that has written (pg_stat_activity.backend_xid); on SQLite the process holds the write lock and
its transaction has spilled at least SPILLED bytes of written pages into the (emptied) WAL file.
Afterwards every table (but the worker's own task results and heartbeats) is row for row what it
was before: no interaction, no logged segment, no campaign entry, no totals, the segment and its
lines as they were.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rapport.core.testing_processes import (
    WORKER_ARGS,
    DatabaseCopies,
    migrated_copies,
    run_module,
    start_rapport,
    stop,
    wait_until,
)
from tests.reliability.crash_support import SEGMENT_NO, USER, Database

LINES = int(os.environ.get("RAPPORT_CRASH_LINES", "10000"))
SPILLED = 512 * 1024
STOPPED_MESSAGE = "The worker stopped while logging; nothing was logged. Start it again."
LOGGED_TABLES = (
    "campaigns_campaignentry",
    "interactions_interactionlogentry",
    "interactions_interactiontotal",
    "segments_loggedsegment",
    "segments_segment",
    "segments_segmentline",
    "segments_segmenthistory",
    "segments_segmentcriteriaaction",
    "audit_auditentry",
)
"""The tables a log that went through changes (the rest must stay as they were)."""


class Prepared:
    """The filled source database (copied per test) and the id of its queued background log."""

    def __init__(self, copies: DatabaseCopies, job_id: str) -> None:
        self.copies = copies
        self.job_id = job_id


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prepared]:
    with migrated_copies("rapport_crash", tmp_path_factory.mktemp("crash-db")) as copies:
        job_id = run_module(
            copies.source_env, "tests.reliability.crash_support", "prepare", str(LINES)
        ).strip()
        yield Prepared(copies, job_id)


class CrashDatabase(Database):
    """A copy of the prepared database, with the processes that work on it."""

    def __init__(self, env: dict[str, str], tmp: Path) -> None:
        self.application = f"rapport-crash-{secrets.token_hex(4)}"
        super().__init__({**env, "PGAPPNAME": self.application})
        self.tmp = tmp
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        process = start_rapport(self.env, self.tmp / f"{name}.log", *args)
        self.processes.append(process)
        return process

    def worker(self, worker_id: str) -> subprocess.Popen[bytes]:
        return self.start(worker_id, *WORKER_ARGS, "--worker-id", worker_id)

    def output(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    def kill_mid_log(self, process: subprocess.Popen[bytes]) -> dict[str, Any]:
        """SIGKILL `process` while its log's transaction is open and has written (see the
        module); returns what the test knew at the kill."""
        started = time.monotonic()
        if self.postgres:

            def inserting() -> str:
                assert process.poll() is None, "the process ended before the kill"
                return self.inserting(self.application)

            statement = wait_until(inserting, 240, step=0.005)
            at_kill = {"statement": statement[:60]}
        else:

            def spilled() -> bool:
                assert process.poll() is None, "the process ended before the kill"
                return self.wal_size() >= SPILLED and self.write_locked()

            wait_until(spilled, 240, step=0.005)
            at_kill = {"wal_bytes": self.wal_size()}
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
        at_kill["waited_s"] = round(time.monotonic() - started, 2)
        if self.postgres:  # the server ends the session and rolls its transaction back
            wait_until(lambda: self.sessions(self.application) == 0, 60, step=0.05)
        else:
            assert not self.write_locked()
        return at_kill

    def stop_all(self) -> None:
        for process in self.processes:
            stop(process)

    def unchanged_since(self, before: dict[str, tuple[int, str]]) -> None:
        after = self.digest()
        assert after == before, {
            t: (before.get(t), after.get(t)) for t in after if after[t] != before.get(t)
        }
        assert after["interactions_interactionlogentry"][0] == 0
        assert after["segments_loggedsegment"][0] == 0
        assert after["campaigns_campaignentry"][0] == 0
        assert after["interactions_interactiontotal"][0] == 0
        assert after["segments_segmentline"][0] == LINES
        assert (
            self.value("SELECT no_of_lines FROM segments_segment WHERE no = %s", (SEGMENT_NO,))
            == LINES
        )


@pytest.fixture
def crash_db(prepared: Prepared, tmp_path: Path) -> Iterator[CrashDatabase]:
    database = CrashDatabase(prepared.copies.copy(tmp_path), tmp_path)
    if not database.postgres:
        database.checkpoint()
    try:
        yield database
    finally:
        database.stop_all()
        database.close()


def test_log_segment_killed_mid_transaction_writes_nothing(crash_db: CrashDatabase) -> None:
    before = crash_db.digest()
    started = time.monotonic()
    log = crash_db.start("log", "log-segment", SEGMENT_NO, "--no-deliver", "--user", USER)
    at_kill = crash_db.kill_mid_log(log)
    crash_db.unchanged_since(before)
    assert "logged" not in crash_db.output("log")
    print(f"inline SIGKILL, {LINES} lines: {at_kill}, {time.monotonic() - started:.1f} s")


def test_a_worker_killed_mid_log_fails_the_job_and_it_starts_again_once(
    crash_db: CrashDatabase, prepared: Prepared
) -> None:
    before = crash_db.digest()
    started = time.monotonic()
    killed = crash_db.worker("w-killed")
    at_kill = crash_db.kill_mid_log(killed)
    crash_db.unchanged_since(before)
    assert crash_db.tasks() == {"RUNNING": 1}
    # another worker's recovery fails the dead worker's job …
    crash_db.worker("w-second")
    wait_until(lambda: crash_db.tasks() == {"FAILED": 1}, 60, step=0.2)
    crash_db.unchanged_since(before)
    # … which says so, and is started again; the second worker logs it, once
    old, new = (
        json.loads(line)
        for line in run_module(
            crash_db.env, "tests.reliability.crash_support", "restart", prepared.job_id
        ).splitlines()
    )
    assert (old["status"], old["segment_no"]) == ("failed", SEGMENT_NO)
    assert old["result"] == {
        "error": {"code": "worker_stopped", "message": STOPPED_MESSAGE, "fields": {}}
    }
    assert new["id"] != old["id"] and new["status"] in ("queued", "running")
    wait_until(lambda: crash_db.tasks() == {"FAILED": 1, "SUCCESSFUL": 1}, 240, step=0.2)
    after = crash_db.digest()
    assert after["interactions_interactionlogentry"][0] == LINES
    assert (
        crash_db.value("SELECT COUNT(DISTINCT contact_id) FROM interactions_interactionlogentry")
        == LINES
    )
    assert after["segments_loggedsegment"][0] == 1
    assert after["segments_segmentline"][0] == 0
    assert (
        crash_db.value(
            "SELECT SUM(no_of_interactions) FROM interactions_interactiontotal "
            "WHERE dimension = 'template'"
        )
        == LINES
    )
    assert {t: v for t, v in after.items() if t not in LOGGED_TABLES} == {
        t: v for t, v in before.items() if t not in LOGGED_TABLES
    }
    print(
        f"worker SIGKILL, {LINES} lines: {at_kill}, failed, started again and logged once, "
        f"{time.monotonic() - started:.1f} s"
    )
