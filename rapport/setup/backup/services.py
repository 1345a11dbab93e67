"""`backup` and `restore`: the whole database plus the attachment files stored on disk, in one
file (see `archive`), audited as operations on the `database`.

A backup is made from one snapshot of the database (`databases`); the attachment files it
points at are then added. Those files never change (they are named by their content); one can
only be deleted after the snapshot, when its last attachment was removed: then the backup
starts again from a new snapshot (at most `ATTEMPTS` times).

A restore first checks the whole file (manifest, every member's checksum, the database vendor,
the migrations, the dump itself) in a temporary folder, so that a refused file changes nothing;
then it writes the attachment files (content-addressed: adding one never harms), then replaces
the database in one transaction, and then writes its audit entry into the restored database.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.attachments import storage
from rapport.audit.services import audit_record
from rapport.setup.backup import databases
from rapport.setup.backup.archive import (
    FORMAT,
    FORMAT_VERSION,
    BackupError,
    Member,
    MissingFile,
    VerifiedBackup,
    read_archive,
    write_archive,
)

ATTEMPTS = 3
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass
class BackupResult:
    path: Path
    size: int
    vendor: str
    attachment_files: int
    seconds: float


def rapport_version() -> str:
    try:
        return metadata.version("rapport")
    except metadata.PackageNotFoundError:  # pragma: no cover - always installed
        return "unknown"


def _vendor_name(vendor: str) -> str:
    return VENDOR_NAMES.get(vendor, vendor)


def _applied_migrations() -> list[str]:
    return sorted(
        f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
    )


def _dump_once(target: Path, workdir: Path) -> tuple[int, int]:
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBER:
        raise BackupError(
            _("Backups of a %(vendor)s database are not supported.") % {"vendor": vendor}
        )
    dump = workdir / DATABASE_MEMBER[vendor]
    dump.unlink(missing_ok=True)
    files = databases.sqlite_dump(dump) if vendor == "sqlite" else databases.pg_dump(dump)
    locations: dict[str, list[str]] = {}
    for location, pointer in files:
        locations.setdefault(pointer, []).append(location)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "rapport_version": rapport_version(),
        "vendor": vendor,
        "created_at": timezone.now().isoformat(),
        "migrations": _applied_migrations(),
        "database": DATABASE_MEMBER[vendor],
        "attachment_files": {pointer: sorted(places) for pointer, places in locations.items()},
    }
    members = [Member(DATABASE_MEMBER[vendor], dump)]
    for pointer, places in sorted(locations.items()):
        # Content-addressed: the same content is the same file wherever it lies.
        members.append(
            Member(f"attachments/{pointer}", storage.file_path(places[0], pointer), pointer)
        )
    return write_archive(target, manifest, members), len(locations)


def create_backup(path: str | Path) -> BackupResult:
    """Write a backup of the database and the attachment files on disk to `path` (replaced
    only once the new file is complete), and audit it."""
    started = time.monotonic()
    target = Path(path).resolve()
    if target.is_dir():
        raise BackupError(_("%(file)s is a folder: give a file name.") % {"file": target})
    target.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, ATTEMPTS + 1):
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".rapport-backup-") as work:
            try:
                size, file_count = _dump_once(target, Path(work))
                break
            except MissingFile as error:
                if attempt == ATTEMPTS:
                    raise BackupError(
                        _("The attachment file %(path)s is missing.") % {"path": str(error)}
                    ) from error
    result = BackupResult(target, size, connection.vendor, file_count, time.monotonic() - started)
    with transaction.atomic():
        audit_record(
            operation="backup",
            object_type="database",
            details={
                "file": str(target),
                "size": size,
                "vendor": result.vendor,
                "attachment_files": file_count,
            },
        )
    return result


# ---------------------------------------------------------------------------------------------
# Restore


def _check_compatible(backup: VerifiedBackup) -> None:
    manifest = backup.manifest
    vendor = manifest.get("vendor")
    if vendor != connection.vendor:
        raise BackupError(
            _(
                "%(file)s holds a %(theirs)s database and this Rapport uses %(ours)s: restore it "
                "into a Rapport that uses %(theirs)s. Nothing was changed."
            )
            % {
                "file": backup.path,
                "theirs": _vendor_name(str(vendor)),
                "ours": _vendor_name(connection.vendor),
            }
        )
    member = manifest.get("database")
    if member != DATABASE_MEMBER[connection.vendor] or member not in backup.files:
        raise BackupError(
            _("%(file)s holds no database. Nothing was changed.") % {"file": backup.path}
        )
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = sorted(set(manifest.get("migrations") or []) - {f"{a}.{n}" for a, n in known})
    if unknown:
        raise BackupError(
            _(
                "%(file)s was made by a newer Rapport (%(version)s): its database has migrations "
                "this Rapport does not know (%(names)s). Install that version first. Nothing "
                "was changed."
            )
            % {
                "file": backup.path,
                "version": manifest.get("rapport_version", "?"),
                "names": ", ".join(unknown[:5]),
            }
        )
    pointers = manifest.get("attachment_files")
    if not isinstance(pointers, dict) or any(
        f"attachments/{pointer}" not in backup.files
        or backup.manifest["members"][f"attachments/{pointer}"]["sha256"] != pointer
        for pointer in pointers
    ):
        raise BackupError(
            _("%(file)s is damaged: its attachment files do not match. Nothing was changed.")
            % {"file": backup.path}
        )


@contextlib.contextmanager
def prepared_restore(path: str | Path) -> Iterator[VerifiedBackup]:
    """The backup file `path`, checked through and through (nothing changed yet); its copies
    are removed when the block ends."""
    if connection.in_atomic_block:
        raise BackupError(_("A restore cannot run inside a transaction."))
    source = Path(path).resolve()
    data_dir = Path(settings.DATA_DIR)
    with tempfile.TemporaryDirectory(dir=data_dir, prefix=".rapport-restore-") as work:
        backup = read_archive(source, Path(work))
        _check_compatible(backup)
        dump = backup.files[backup.manifest["database"]]
        if connection.vendor == "sqlite":
            databases.sqlite_check(dump)
        else:
            databases.pg_check(dump)
        yield backup


def _place_files(backup: VerifiedBackup) -> int:
    count = 0
    for pointer, locations in backup.manifest["attachment_files"].items():
        content = backup.files[f"attachments/{pointer}"]
        for location in locations:
            target = storage.file_path(location, pointer)
            if target.is_file() and target.stat().st_size == content.stat().st_size:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.parent / f".tmp-restore-{pointer}"
            with content.open("rb") as source, temporary.open("wb") as out:
                while chunk := source.read(1024 * 1024):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
            count += 1
    return count


def restore(backup: VerifiedBackup) -> dict[str, Any]:
    """Put the checked backup in place: the attachment files, then the database (one
    transaction), then the audit entry (in the restored database, so it stays)."""
    try:
        _place_files(backup)
    except OSError as error:
        raise BackupError(
            _("The attachment files cannot be written (%(error)s). The database was not changed.")
            % {"error": error}
        ) from error
    dump = backup.files[backup.manifest["database"]]
    if connection.vendor == "sqlite":
        databases.sqlite_restore(dump)
    else:
        databases.pg_restore(dump, dump.parent)
    manifest = backup.manifest
    details = {
        "file": str(backup.path),
        "vendor": manifest["vendor"],
        "created_at": manifest.get("created_at", ""),
        "rapport_version": manifest.get("rapport_version", ""),
        "attachment_files": len(manifest["attachment_files"]),
    }
    with transaction.atomic():
        audit_record(operation="restore", object_type="database", details=details)
    return details


def pending_migrations() -> list[str]:
    """The migrations this Rapport has that the (restored) database has not applied."""
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    applied = set(MigrationRecorder(connection).applied_migrations())
    return sorted(f"{app}.{name}" for app, name in set(known) - applied)
