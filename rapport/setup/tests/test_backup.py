"""`rapport backup` / `rapport restore`: every table's rows and every attachment file on disk
come back byte for byte (SQLite and PostgreSQL); a backup taken while another thread or process
writes is one consistent moment; a damaged, foreign or newer file, or a declined question,
changes nothing; PostgreSQL without pg_dump says so and fails."""

from __future__ import annotations

import builtins
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from rapport.attachments.models import Attachment
from rapport.attachments.services import attachment_create, attachment_delete
from rapport.audit.models import AuditEntry
from rapport.audit.testing import audit_count, audited
from rapport.setup import services
from rapport.setup.backup import databases
from rapport.setup.backup.archive import MANIFEST, file_sha256, read_archive
from rapport.setup.tests.backup_writer import write_pairs

ROOT = Path(__file__).resolve().parents[3]
AUDIT_TABLE = AuditEntry._meta.db_table
OTHER_VENDOR = {"sqlite": "postgresql", "postgresql": "sqlite"}
VENDOR_NAME = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


def _plain(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def table_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows (sorted), read straight from the database."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows[table] = sorted((tuple(map(_plain, row)) for row in cursor.fetchall()), key=repr)
    return rows


def disk_files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@dataclass
class Site:
    folder: Path
    backup: Path


@pytest.fixture
def site(transactional_db: Any, admin_user: Any, tmp_path: Path, settings: Any) -> Site:
    """Attachments on disk (two sharing one file), embedded ones, users, setup: committed."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    folder = tmp_path / "files"
    services.marketing_setup_update(
        attachment_storage_type="disk_file", attachment_storage_location=str(folder)
    )
    attachment_create(kind="file", file_name="a.txt", content=b"alpha\n" * 300)
    attachment_create(kind="file", file_name="b.txt", content="bèta ✓\n".encode() * 200)
    attachment_create(kind="file", file_name="a-again.txt", content=b"alpha\n" * 300)
    services.marketing_setup_update(attachment_storage_type="embedded")
    attachment_create(kind="file", file_name="c.txt", content=b"embedded\n" * 10)
    attachment_create(kind="email", subject="Hello", body_html="<p>Hello</p>")
    return Site(folder=folder, backup=tmp_path / "out" / "rapport.tar.gz")


def change_everything(site: Site) -> None:
    """What happens after the backup: a file deleted (with its last row), rows added."""
    attachment_delete(attachment=Attachment.objects.get(file_name="b.txt"))
    attachment_create(kind="email", subject="Later", body_html="<p>Later</p>")
    services.marketing_setup_update(attachment_storage_type="disk_file")
    attachment_create(kind="file", file_name="d.txt", content=b"later\n")


def test_round_trip_brings_back_every_row_and_file(site: Site) -> None:
    rows, files = table_rows(), disk_files(site.folder)
    assert len(files) == 2  # a.txt and a-again.txt share one file
    assert len(rows["attachments_attachment"]) == 5

    call_command("backup", str(site.backup))

    entry = audited("backup", object_type="database")
    assert (entry.object_key, entry.source, entry.username) == ("", "cli", entry.username)
    assert entry.username.startswith("cli:")
    assert entry.details == {
        "file": str(site.backup),
        "size": site.backup.stat().st_size,
        "vendor": connection.vendor,
        "attachment_files": 2,
    }
    change_everything(site)
    for path in site.folder.rglob("*"):
        if path.is_file():
            path.unlink()
    assert table_rows() != rows

    out = io.StringIO()
    call_command("restore", str(site.backup), interactive=False, stdout=out)

    assert "the database and 2 attachment files" in out.getvalue()
    restored = table_rows()
    restored_audit = restored.pop(AUDIT_TABLE)
    expected_audit = rows.pop(AUDIT_TABLE)
    assert restored == rows
    # The audit trail as it was, plus the restore's own entry (written after the restore).
    assert [row[0] for row in restored_audit if row not in expected_audit] == [
        AuditEntry.objects.get(operation="restore").pk
    ]
    assert len(restored_audit) == len(expected_audit) + 1
    assert audited("restore", object_type="database").details == {
        "file": str(site.backup),
        "vendor": connection.vendor,
        "created_at": json.loads(_member(site.backup, MANIFEST))["created_at"],
        "rapport_version": "0.1.0",
        "attachment_files": 2,
    }
    assert disk_files(site.folder) == files


def _member(path: Path, name: str) -> bytes:
    with tarfile.open(path) as tar:
        stream = tar.extractfile(name)
        assert stream is not None
        return stream.read()


def rewrite(
    source: Path,
    target: Path,
    *,
    manifest: Callable[[dict[str, Any]], None] = lambda manifest: None,
    member: Callable[[str, bytes], bytes | None] = lambda name, data: data,
    fix_checksums: bool = True,
) -> Path:
    """A copy of the backup `source` with its manifest or members changed (a member changed
    to None is left out); with `fix_checksums` the manifest lists the new checksums."""
    with tarfile.open(source) as tar:
        members = {info.name: tar.extractfile(info).read() for info in tar}  # type: ignore[union-attr]
    meta = json.loads(members.pop(MANIFEST))
    changed = {name: member(name, data) for name, data in members.items()}
    kept = {name: data for name, data in changed.items() if data is not None}
    if fix_checksums:
        import hashlib

        for name, data in kept.items():
            meta["members"][name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    manifest(meta)
    with tarfile.open(target, "w:gz") as tar:
        for name, data in [(MANIFEST, json.dumps(meta).encode()), *kept.items()]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def _flip_database_byte(name: str, data: bytes) -> bytes:
    if not name.startswith("database."):
        return data
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


def _garbage_database(name: str, data: bytes) -> bytes:
    return b"not a database at all" * 100 if name.startswith("database.") else data


def _no_attachment(name: str, data: bytes) -> bytes | None:
    return None if name.startswith("attachments/") else data


REFUSED: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "a byte changed": (
        lambda src, dst: rewrite(src, dst, member=_flip_database_byte, fix_checksums=False),
        "is not a usable Rapport backup (database.{ext} does not match its checksum)",
    ),
    "cut short": (
        lambda src, dst: (dst.write_bytes(src.read_bytes()[: src.stat().st_size // 2]), dst)[1],
        "is not a usable Rapport backup (it cannot be read",
    ),
    "not a backup": (
        lambda src, dst: (dst.write_text("hello"), dst)[1],
        "is not a usable Rapport backup (it cannot be read",
    ),
    "a member missing": (
        lambda src, dst: rewrite(src, dst, member=_no_attachment, fix_checksums=False),
        "is missing). Nothing was changed.",
    ),
    "another vendor": (
        lambda src, dst: rewrite(
            src, dst, manifest=lambda m: m.update(vendor=OTHER_VENDOR[connection.vendor])
        ),
        "holds a {other} database and this Rapport uses {ours}: restore it into a Rapport "
        "that uses {other}. Nothing was changed.",
    ),
    "newer format": (
        lambda src, dst: rewrite(src, dst, manifest=lambda m: m.update(format_version=2)),
        "was made by a newer Rapport (backup format 2; this Rapport reads format 1)",
    ),
    "newer migrations": (
        lambda src, dst: rewrite(
            src, dst, manifest=lambda m: m["migrations"].append("setup.9999_from_the_future")
        ),
        "its database has migrations this Rapport does not know (setup.9999_from_the_future)",
    ),
    "a damaged dump with matching checksums": (
        lambda src, dst: rewrite(src, dst, member=_garbage_database),
        "{dump_refused}",
    ),
}


def test_a_refused_file_changes_nothing(site: Site, tmp_path: Path) -> None:
    """Every kind of bad file, one after the other on the same data (one backup: seconds)."""
    call_command("backup", str(site.backup))
    change_everything(site)
    rows, files, entries = table_rows(), disk_files(site.folder), audit_count()
    refused = {}
    for case, (make, message) in REFUSED.items():
        bad = make(site.backup, tmp_path / f"{case}.tar.gz")
        with pytest.raises(CommandError) as raised:
            call_command("restore", str(bad), interactive=False)
        refused[case] = str(raised.value)
        expected = message.format(
            ext={"sqlite": "sqlite3", "postgresql": "pgdump"}[connection.vendor],
            other=VENDOR_NAME[OTHER_VENDOR[connection.vendor]],
            ours=VENDOR_NAME[connection.vendor],
            dump_refused={
                "sqlite": "The database in the backup is damaged (file is not a database)",
                "postgresql": "pg_restore failed (reading the dump)",
            }[connection.vendor],
        )
        assert expected in refused[case], case
        assert refused[case].endswith("Nothing was changed."), case
        assert (table_rows(), disk_files(site.folder), audit_count()) == (rows, files, entries)
    assert len(refused) == 8


def test_restore_asks_first_and_a_no_changes_nothing(site: Site, monkeypatch: Any) -> None:
    call_command("backup", str(site.backup))
    change_everything(site)
    rows, files = table_rows(), disk_files(site.folder)
    questions: list[str] = []
    monkeypatch.setattr(builtins, "input", lambda text: questions.append(text) or "no")

    with pytest.raises(CommandError, match=r"^Restore canceled: nothing was changed\.$"):
        call_command("restore", str(site.backup))

    assert questions == [
        f"This replaces ALL data in {databases.describe()} by the backup {site.backup} (made "
        f"{json.loads(_member(site.backup, MANIFEST))['created_at']} by Rapport 0.1.0). "
        "Type 'yes' to continue: "
    ]
    assert (table_rows(), disk_files(site.folder)) == (rows, files)
    assert not AuditEntry.objects.filter(operation="restore").exists()

    monkeypatch.setattr(builtins, "input", lambda text: "yes")
    call_command("restore", str(site.backup), stdout=io.StringIO())
    assert audited("restore").object_type == "database"
    assert not Attachment.objects.filter(file_name="d.txt").exists()


def test_without_pg_dump_a_clear_error(site: Site, monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("RAPPORT_PG_BIN", raising=False)
    monkeypatch.setattr(databases, "PG_BIN_DIRS", str(tmp_path / "none" / "*" / "bin"))
    message = (
        "pg_dump was not found: a PostgreSQL database is backed up and restored with "
        "PostgreSQL's client programs. Install them (Debian: apt-get install "
        "postgresql-client) or set RAPPORT_PG_BIN to their folder."
    )
    with pytest.raises(databases.BackupError) as raised:
        databases.pg_program("pg_dump")
    assert raised.value.message == message
    if connection.vendor != "postgresql":
        return
    entries = audit_count()
    with pytest.raises(CommandError) as failed:
        call_command("backup", str(site.backup))
    assert str(failed.value) == message
    assert not site.backup.parent.exists() or not any(site.backup.parent.iterdir())
    assert audit_count() == entries


def _check_consistent(site: Site) -> int:
    """The restored database holds as many files as e-mails, and every file it points at."""
    notes = Attachment.objects.filter(file_name__startswith="note-")
    mails = Attachment.objects.filter(subject__startswith="note ")
    assert notes.count() == mails.count()
    assert sorted(n.file_name[5:-4] for n in notes) == sorted(m.subject[5:] for m in mails)
    for note in notes:
        path = site.folder / note.storage_pointer[:2] / note.storage_pointer
        assert file_sha256(path) == note.storage_pointer
    return notes.count()


@pytest.mark.postgres
@pytest.mark.skipif(
    not ON_POSTGRES, reason="needs PostgreSQL (the SQLite variant runs a writer process on a file)"
)
def test_backup_while_another_thread_writes_is_consistent(site: Site) -> None:
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        try:
            written.append(write_pairs(str(site.folder), stop.is_set))
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while Attachment.objects.filter(subject__startswith="note ").count() < 5:
            assert time.monotonic() < deadline, "the writer wrote nothing"
            time.sleep(0.05)
        call_command("backup", str(site.backup))
    finally:
        stop.set()
        thread.join(60)
    call_command("restore", str(site.backup), interactive=False, stdout=io.StringIO())
    assert 5 <= _check_consistent(site) <= written[0]


# ---------------------------------------------------------------------------------------------
# SQLite: a file database, the command line in processes of their own, a writer process


def sqlite_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with closing(sqlite3.connect(path)) as db:
        tables = [
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return {
            table: sorted(db.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)  # noqa: S608
            for table in tables
        }


def _rapport_when(env: dict[str, str], go: Path, *args: str) -> subprocess.Popen[str]:
    """`rapport ARGS` in a process of its own, started now, run once `go` exists."""
    return subprocess.Popen(
        [sys.executable, "-m", "rapport.setup.tests.backup_writer", "when", str(go), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _count(path: Path, sql: str) -> int:
    with closing(sqlite3.connect(path, timeout=20)) as db:
        return int(db.execute(sql).fetchone()[0])


@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite file variant (PostgreSQL: the thread one)")
def test_sqlite_file_backup_while_a_process_writes_and_restore(
    transactional_db: Any, tmp_path: Path
) -> None:
    data, folder = tmp_path / "data", tmp_path / "files"
    data.mkdir()
    database = data / "rapport.sqlite3"
    # A migrated file database: a copy of the (empty, migrated) test database.
    memory = closing(sqlite3.connect(connection.settings_dict["NAME"], uri=True))
    with memory as template, closing(sqlite3.connect(database)) as copy:
        template.backup(copy)
        copy.execute("PRAGMA journal_mode=WAL")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DATABASE_URL"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", RAPPORT_DATA_DIR=str(data))
    stop, go_backup, go_restore = (tmp_path / name for name in ("stop", "backup", "restore"))
    archive = tmp_path / "b.tar.gz"
    # All three start now (Python and Django take seconds to start on a busy machine).
    writer = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rapport.setup.tests.backup_writer",
            "write",
            str(folder),
            str(stop),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    backup = _rapport_when(env, go_backup, "backup", str(archive))
    restore = _rapport_when(env, go_restore, "restore", str(archive), "--noinput")
    mails = "SELECT COUNT(*) FROM attachments_attachment WHERE subject LIKE 'note %'"
    try:
        deadline = time.monotonic() + 60
        while _count(database, mails) < 5:
            assert writer.poll() is None, writer.communicate()
            assert time.monotonic() < deadline, "the writer wrote nothing"
            time.sleep(0.05)
        before = _count(database, mails)
        go_backup.touch()
        backup_out, backup_err = backup.communicate(timeout=120)
        after = _count(database, mails)
        stop.touch()
        out, err = writer.communicate(timeout=60)
        assert backup.returncode == 0, backup_err
        assert (writer.returncode, after > before) == (0, True), err
        inside = read_archive(archive, tmp_path)
        dump = inside.files["database.sqlite3"]
        snapshot = sqlite_rows(dump)
        notes = _count(dump, "SELECT COUNT(*) FROM attachments_attachment WHERE kind = 'file'")
        assert before <= notes == _count(dump, mails) <= int(out)
        assert len(inside.manifest["attachment_files"]) == notes

        for path in folder.rglob("*"):
            if path.is_file():
                path.unlink()
        go_restore.touch()
        restore_out, restore_err = restore.communicate(timeout=120)
        assert restore.returncode == 0, restore_err
    finally:
        for process in (writer, backup, restore):
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert "Backup written to" in backup_out
    assert f"the database and {notes} attachment files" in restore_out
    rows = sqlite_rows(database)
    restore_entries = [row for row in rows.pop(AUDIT_TABLE) if row not in snapshot[AUDIT_TABLE]]
    assert [row[5] for row in restore_entries] == ["restore"]
    snapshot.pop(AUDIT_TABLE)
    sequences = dict(rows.pop("sqlite_sequence"))
    expected = dict(snapshot.pop("sqlite_sequence"))
    assert sequences == {**expected, AUDIT_TABLE: expected[AUDIT_TABLE] + 1}
    assert rows == snapshot
    assert sorted(p.name for p in folder.rglob("*") if p.is_file()) == sorted(
        inside.manifest["attachment_files"]
    )
    for path in folder.rglob("*"):
        if path.is_file():
            assert file_sha256(path) == path.name
