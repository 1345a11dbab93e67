"""Dumping and restoring the database itself.

SQLite: SQLite's online backup API copies the live database in one step, under one read
transaction, so the copy is the database as it was at one moment even while the server writes
(WAL lets the writers go on meanwhile); a restore copies the checked dump into the live
database with the same API, in one write transaction (the others see the old or the new
database, never a mix).

PostgreSQL: `pg_dump --format=custom` from a snapshot exported by a REPEATABLE READ transaction
(so the list of attachment files is read from the very snapshot that is dumped); a restore
turns the dump into SQL with `pg_restore` and runs it with `psql` in ONE transaction, after
dropping the tables there are now: all or nothing. The client programs are looked for in
RAPPORT_PG_BIN, on PATH, then in the newest /usr/lib/postgresql/*/bin.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from rapport.attachments.choices import StorageType
from rapport.attachments.models import Attachment
from rapport.setup.backup.archive import BackupError

PG_BIN_DIRS = "/usr/lib/postgresql/*/bin"
SQLITE_TIMEOUT = 20.0


def disk_files_sql() -> str:
    """The (location, pointer) pairs of every attachment stored on disk."""
    table = connection.ops.quote_name(Attachment._meta.db_table)
    return (
        f"SELECT DISTINCT storage_location, storage_pointer FROM {table} "  # noqa: S608
        f"WHERE storage_type = '{StorageType.DISK_FILE.value}' AND storage_pointer <> ''"
    )


def describe() -> str:
    """The live database in words (for the confirmation question)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return _("the SQLite database %(name)s") % {"name": settings["NAME"]}
    host = settings.get("HOST") or "localhost"
    return _("the PostgreSQL database %(name)s on %(host)s") % {
        "name": settings["NAME"],
        "host": host,
    }


# ---------------------------------------------------------------------------------------------
# SQLite


def _sqlite_connect(name: str | Path) -> sqlite3.Connection:
    text = str(name)
    return sqlite3.connect(text, uri=text.startswith("file:"), timeout=SQLITE_TIMEOUT)


def sqlite_dump(target: Path) -> list[tuple[str, str]]:
    """Copy the live database to `target` (a self-contained file, no WAL beside it) and return
    the disk files its attachments point at."""
    source = closing(_sqlite_connect(connection.settings_dict["NAME"]))
    with source as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)  # pages=-1: all pages in one step, one consistent snapshot
        copy.execute("PRAGMA journal_mode=DELETE")
        return [tuple(row) for row in copy.execute(disk_files_sql())]  # type: ignore[misc]


def sqlite_check(dump: Path) -> None:
    """Refuse a dump SQLite does not read as a sound database."""
    try:
        with closing(sqlite3.connect(f"file:{dump}?mode=ro", uri=True)) as copy:
            result = copy.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as error:
        result = (str(error),)
    if not result or result[0] != "ok":
        raise BackupError(
            _("The database in the backup is damaged (%(error)s). Nothing was changed.")
            % {"error": result[0] if result else "?"}
        )


def sqlite_restore(dump: Path) -> None:
    """Replace the live database's content by `dump`'s, in one write transaction."""
    connection.close()
    target = closing(_sqlite_connect(connection.settings_dict["NAME"]))
    with closing(sqlite3.connect(dump)) as source, target as live:
        source.backup(live)


# ---------------------------------------------------------------------------------------------
# PostgreSQL


def pg_program(name: str) -> str:
    """The path of the PostgreSQL client program `name`, or a clear error."""
    folder = os.environ.get("RAPPORT_PG_BIN", "")
    if folder and (Path(folder) / name).is_file():
        return str(Path(folder) / name)
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/").glob(PG_BIN_DIRS.lstrip("/")),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    for candidate in reversed(candidates):
        if (candidate / name).is_file():
            return str(candidate / name)
    raise BackupError(
        _(
            "%(program)s was not found: a PostgreSQL database is backed up and restored with "
            "PostgreSQL's client programs. Install them (Debian: apt-get install "
            "postgresql-client) or set RAPPORT_PG_BIN to their folder."
        )
        % {"program": name}
    )


def _pg_env() -> dict[str, str]:
    settings = connection.settings_dict
    env = dict(os.environ)
    values = {
        "PGHOST": settings.get("HOST"),
        "PGPORT": settings.get("PORT"),
        "PGUSER": settings.get("USER"),
        "PGPASSWORD": settings.get("PASSWORD"),
        "PGDATABASE": settings.get("NAME"),
        "PGSSLMODE": (settings.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def _run(args: list[str], what: str) -> None:
    done = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(
            _("%(program)s failed (%(what)s): %(error)s. Nothing was changed.")
            % {
                "program": Path(args[0]).name,
                "what": what,
                "error": (done.stderr or done.stdout).strip()[-2000:],
            }
        )


@contextlib.contextmanager
def _pg_snapshot() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """An exported snapshot (held while the block runs) and the disk files it points at."""
    raw: Any = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = raw.execute("SELECT pg_export_snapshot()").fetchone()[0]
        files = [tuple(row) for row in raw.execute(disk_files_sql()).fetchall()]
        yield snapshot, files
        raw.execute("COMMIT")
    finally:
        raw.close()


def pg_dump(target: Path) -> list[tuple[str, str]]:
    """Dump the live database into `target` (custom format) and return the disk files its
    attachments point at, both from the same snapshot."""
    program = pg_program("pg_dump")
    with _pg_snapshot() as (snapshot, files):
        _run(
            [
                program,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ],
            _("dump"),
        )
    return files


def pg_check(dump: Path) -> None:
    """Refuse a dump pg_restore cannot read (checked before anything changes)."""
    _run([pg_program("pg_restore"), "--list", str(dump)], _("reading the dump"))


def pg_restore(dump: Path, workdir: Path) -> None:
    """Replace the live database's tables by the dump's, in one transaction."""
    pg_restore_program, psql = pg_program("pg_restore"), pg_program("psql")
    script = workdir / "restore.sql"
    _run(
        [
            pg_restore_program,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            f"--file={script}",
            str(dump),
        ],
        _("reading the dump"),
    )
    prelude = workdir / "drop.sql"
    tables = connection.introspection.table_names()
    quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
    prelude.write_text(f"DROP TABLE IF EXISTS {quoted} CASCADE;\n" if tables else "")
    connection.close()
    _run(
        [
            psql,
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "--single-transaction",
            "-f",
            str(prelude),
            "-f",
            str(script),
        ],
        _("restore"),
    )
