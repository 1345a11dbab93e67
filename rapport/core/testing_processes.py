"""Test helpers for tests that run `rapport` in child processes on a database of their own
(the delivery worker tests, the crash tests): a migrated source database of the run's vendor
with fresh copies per test, the child's environment, running a module, starting a worker,
waiting, stopping.

The vendor follows DATABASE_URL: a SQLite file in a folder (copied as a folder) or, when it
points at PostgreSQL, a throw-away database (copied with `CREATE DATABASE … TEMPLATE`). The
test process reads those databases straight (sqlite3 / psycopg), never through its own Django
connection, which belongs to the test database.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]


def pg_execute(url: str, sql: str) -> None:
    """One statement on PostgreSQL outside any transaction (CREATE / DROP DATABASE)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql)


def url_with_database(url: str, name: str) -> str:
    """`url` pointing at database `name` on the same server."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def child_env() -> dict[str, str]:
    """The environment of a child `rapport`: this one without pytest's and the test
    database's variables, production-like (DEBUG off), a worker counted dead after 3 s."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings", RAPPORT_WORKER_DEAD_AFTER="3", DEBUG="false"
    )
    return env


def run_module(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """`python -m ARGS` in the project folder with `env`; fails the test unless it exits 0;
    returns its output."""
    done = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


WORKER_ARGS = (
    "worker",
    "--no-startup-delay",
    "--no-reload",
    "--interval",
    "0.1",
    "--recover-interval",
    "1",
)
"""`rapport worker` polling fast and recovering every second (for tests)."""


def start_rapport(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    """`rapport ARGS` started in the background, its output into `log`."""
    return subprocess.Popen(
        [sys.executable, "-m", "rapport.cli", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def start_worker(env: dict[str, str], log: Path, worker_id: str) -> subprocess.Popen[bytes]:
    """`rapport worker` (WORKER_ARGS) named `worker_id`, its output into `log`."""
    return start_rapport(env, log, *WORKER_ARGS, "--worker-id", worker_id)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (a worker finishes its task), SIGKILL after 20 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until[T](condition: Callable[[], T], timeout: float, step: float = 0.01) -> T:
    """Polls `condition` every `step` seconds until it returns something true, and returns
    that; fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {timeout} s")
        time.sleep(step)
    return found


class DatabaseCopies:
    """A source database of the run's vendor for child processes (`source_env`: migrate and
    fill it through `run_module`), then `copy(folder)`: a fresh copy of it and the env of a
    child working on that copy (RAPPORT_DATA_DIR is `folder`, or `folder/data` on SQLite).
    `drop()` removes the PostgreSQL databases made."""

    def __init__(self, prefix: str, folder: Path) -> None:
        self.url = os.environ.get("DATABASE_URL", "")
        self.postgres = self.url.startswith("postgres")
        self._prefix = prefix
        self._folder = folder
        self._made: list[str] = []
        self._env = child_env()
        if self.postgres:
            self._template = self._create(f"{prefix}_tpl")
            self.source_env = {
                **self._env,
                "DATABASE_URL": url_with_database(self.url, self._template),
            }
        else:
            self.source_env = {**self._env, "RAPPORT_DATA_DIR": str(folder)}

    def _create(self, stem: str, template: str = "") -> str:
        name = f"{stem}_{secrets.token_hex(4)}"
        suffix = f' TEMPLATE "{template}"' if template else ""
        pg_execute(self.url, f'CREATE DATABASE "{name}"{suffix}')
        self._made.append(name)
        return name

    def copy(self, folder: Path) -> dict[str, str]:
        if self.postgres:
            name = self._create(self._prefix, self._template)
            return {
                **self._env,
                "RAPPORT_DATA_DIR": str(folder),
                "DATABASE_URL": url_with_database(self.url, name),
            }
        target = folder / "data"
        shutil.copytree(self._folder, target)
        return {**self._env, "RAPPORT_DATA_DIR": str(target)}

    def drop(self) -> None:
        for name in reversed(self._made):
            pg_execute(self.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._made.clear()


@contextmanager
def migrated_copies(prefix: str, folder: Path) -> Iterator[DatabaseCopies]:
    """`DatabaseCopies` whose source is migrated (for a module-scoped fixture: fill the
    source, then copy per test); its PostgreSQL databases are dropped at the end."""
    copies = DatabaseCopies(prefix, folder)
    try:
        run_module(copies.source_env, "rapport.cli", "migrate", "-v0")
        yield copies
    finally:
        copies.drop()
