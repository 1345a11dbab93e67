"""Backup and restore of a Rapport installation (`rapport backup FILE`, `rapport restore FILE`):
the database and the attachment files on disk in one checked file."""

from rapport.setup.backup.archive import BackupError
from rapport.setup.backup.services import (
    BackupResult,
    create_backup,
    pending_migrations,
    prepared_restore,
    restore,
)

__all__ = [
    "BackupError",
    "BackupResult",
    "create_backup",
    "pending_migrations",
    "prepared_restore",
    "restore",
]
