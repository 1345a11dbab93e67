"""Run in subprocesses by tests/reliability/test_crash.py, on a database of their own
(RAPPORT_DATA_DIR or DATABASE_URL in the environment):

    python -m tests.reliability.crash_support prepare COUNT
        COUNT contacts and the segment CRASH with one line for each (bench's set-based data:
        the real Add contacts path), the user `bench-marketing`, and the background log of
        CRASH queued (`segment_log_task`, no delivery) as the page and the API queue it (only
        `rapport worker` runs it; `rapport log-segment` logs at once); prints the job id
    python -m tests.reliability.crash_support restart ID
        prints the job ID as the API gives it, then starts it again as `bench-marketing`
        (`segment_log_job_restart`) and prints the new job (two lines of JSON)

The test process reads the database straight (sqlite3 / psycopg, `Database`), never through
its own Django connection, which belongs to the test database.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

SEGMENT_NO = "CRASH"
CONTACT_PREFIX = "CR"
USER = "bench-marketing"

# Tables the worker writes whatever the log does (its task results, its heartbeat).
BOOKKEEPING = ("django_tasks_database_dbtaskresult", "delivery_workerheartbeat")


def prepare(count: int) -> None:
    from bench import data
    from rapport.segments.tasks import enqueue_segment_log

    user = data.bench_user()
    data.contacts(count, prefix=CONTACT_PREFIX)
    segment = data.segment_with_lines(SEGMENT_NO, CONTACT_PREFIX, count, user)
    print(enqueue_segment_log(actor=user, segment=segment, deliver=False).id)


def restart(job_id: str) -> None:
    from rapport.core.models import User
    from rapport.segments import tasks
    from rapport.segments.services import segment_log_job_restart

    old = tasks.job_get(job_id)
    print(json.dumps(None if old is None else tasks.job_data(old)))
    user = User.objects.get(username=USER)
    print(json.dumps(tasks.job_data(segment_log_job_restart(actor=user, job_id=job_id))))


class Database:
    """The subprocesses' database, read straight from the test process."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.url = env.get("DATABASE_URL", "")
        self.postgres = self.url.startswith("postgres")
        self._monitor: Any = None

    @property
    def sqlite_path(self) -> Path:
        return Path(self.env["RAPPORT_DATA_DIR"]) / "rapport.sqlite3"

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as connection:
                return list(connection.execute(sql, params).fetchall())
        with closing(sqlite3.connect(self.sqlite_path, timeout=30)) as connection:
            return list(connection.execute(sql.replace("%s", "?"), params).fetchall())

    def value(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.rows(sql, params)[0][0]

    def tables(self) -> list[str]:
        if self.postgres:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        else:
            sql = (
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        return [row[0] for row in self.rows(sql)]

    def digest(self) -> dict[str, tuple[int, str]]:
        """{table: (rows, sha256 of every row)} of every table but the worker's bookkeeping:
        two equal digests mean the same data, row for row."""
        result: dict[str, tuple[int, str]] = {}
        for table in self.tables():
            if table in BOOKKEEPING:
                continue
            rows = self.rows(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the catalogue
            lines = sorted(repr(row) for row in rows)
            text = "\n".join(lines).encode()
            result[table] = (len(rows), hashlib.sha256(text).hexdigest())
        return result

    def write_locked(self) -> bool:
        """SQLite: whether a write transaction is open (BEGIN IMMEDIATE is refused at once)."""
        with closing(sqlite3.connect(self.sqlite_path, timeout=0)) as connection:
            try:
                connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return True
            connection.execute("ROLLBACK")
            return False

    def checkpoint(self) -> None:
        """SQLite: everything into the database file and the WAL emptied (so that what a
        writer adds to it afterwards shows in its size)."""
        with closing(sqlite3.connect(self.sqlite_path, timeout=30)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def wal_size(self) -> int:
        """SQLite: the WAL's size, 0 while there is none. SQLite deletes the file when the
        last connection closes, which can fall between a check and a stat, so one call."""
        wal = self.sqlite_path.with_name(self.sqlite_path.name + "-wal")
        try:
            return wal.stat().st_size
        except FileNotFoundError:
            return 0

    def inserting(self, application: str) -> str:
        """PostgreSQL: the statement of `application`'s session while it is writing the log's
        interactions in an open transaction that has written (else ""). Polled on one
        connection kept open (a new connection per poll could miss a short statement)."""
        import psycopg

        if self._monitor is None:
            self._monitor = psycopg.connect(self.url, autocommit=True)
        found = self._monitor.execute(
            "SELECT query FROM pg_stat_activity WHERE application_name = %s "
            "AND state = 'active' AND backend_xid IS NOT NULL "
            "AND query LIKE 'INSERT INTO interactions_interactionlogentry%%'",
            (application,),
        ).fetchall()
        return str(found[0][0]) if found else ""

    def close(self) -> None:
        if self._monitor is not None:
            self._monitor.close()
            self._monitor = None

    def sessions(self, application: str) -> int:
        return int(
            self.value(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = %s",
                (application,),
            )
        )

    def tasks(self) -> dict[str, int]:
        return dict(
            self.rows(
                "SELECT status, COUNT(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
            )
        )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    command, arguments = sys.argv[1], sys.argv[2:]
    if command == "prepare":
        prepare(int(arguments[0]))
    elif command == "restart":
        restart(arguments[0])
    else:
        raise SystemExit(f"unknown command {command!r}")
