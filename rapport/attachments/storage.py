"""Where attachment files live on disk: content-addressed by their SHA-256.

A disk file is stored under `<location>/<first two hex digits>/<sha256>` (location blank:
`settings.DATA_DIR / "attachments"`), written to a temporary file in the same folder and renamed
into place, so a reader never sees half a file. Identical content is one file, whatever number
of attachments point at it. A file is unlinked only after the transaction that removed its last
row has committed, and only when no row points at it then (checked under a lock on the pointer,
which the writers of that pointer also take), so a rolled-back transaction never loses a file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from rapport.attachments.choices import StorageType
from rapport.core.entry_numbers import lock_numbers
from rapport.core.errors import ConflictError


def pointer_of(content: bytes) -> str:
    """The storage pointer of `content`: its SHA-256 in lower-case hex."""
    return hashlib.sha256(content).hexdigest()


def base_dir(location: str) -> Path:
    """The folder of the disk files of `location` (blank: DATA_DIR/attachments)."""
    return Path(location) if location else Path(settings.DATA_DIR) / "attachments"


def file_path(location: str, pointer: str) -> Path:
    return base_dir(location) / pointer[:2] / pointer


def lock_pointer(pointer: str, *, shared: bool = True) -> None:
    """Lock one file until the transaction ends (PostgreSQL; SQLite's transactions are serial
    already): shared by its writers and copiers (which never conflict: a write is a rename of a
    complete file), exclusive for the unlinker, which thus waits for every transaction that may
    still commit a row pointing at the file (a segment log copying it does not hold up a single
    create copying it too)."""
    key = int(pointer[:15], 16)
    if not shared:
        lock_numbers(key)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [key])


def write(location: str, content: bytes) -> str:
    """Store `content` under `location` (once: identical content is already there) and return
    its pointer. Must run inside the transaction that stores the row pointing at it."""
    pointer = pointer_of(content)
    lock_pointer(pointer)
    path = file_path(location, pointer)
    if path.is_file() and path.stat().st_size == len(content):
        return pointer
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise ConflictError(
            _("The attachment file cannot be stored in %(folder)s: %(error)s")
            % {"folder": base_dir(location), "error": error.strerror or error},
            code="storage_error",
        ) from error
    return pointer


def read(location: str, pointer: str) -> bytes:
    path = file_path(location, pointer)
    try:
        return path.read_bytes()
    except OSError as error:
        raise ConflictError(
            _("The attachment file %(path)s cannot be read: %(error)s")
            % {"path": path, "error": error.strerror or error},
            code="storage_error",
        ) from error


def exists(location: str, pointer: str) -> bool:
    return file_path(location, pointer).is_file()


def _unlink_if_unused(location: str, pointer: str) -> None:
    from rapport.attachments.models import Attachment

    with transaction.atomic():
        lock_pointer(pointer, shared=False)
        used = Attachment.objects.filter(
            storage_type=StorageType.DISK_FILE,
            storage_location=location,
            storage_pointer=pointer,
        ).exists()
        if not used:
            file_path(location, pointer).unlink(missing_ok=True)


def unlink_when_unused(location: str, pointer: str) -> None:
    """After the current transaction commits: unlink the file when no row points at it."""
    if pointer:
        transaction.on_commit(lambda: _unlink_if_unused(location, pointer))
