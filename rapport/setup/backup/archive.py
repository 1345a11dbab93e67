"""The backup file: one gzip'ed tar holding `manifest.json` first, then the database dump and
the attachment files.

The manifest says what the file is (`format`, `format_version`), what made it (Rapport's
version, the database vendor, the migrations applied, when) and lists every member with its
size and SHA-256. Reading checks all of it before anything is restored: a member missing,
extra, of another size or checksum, a truncated or foreign file is refused as damaged.
Members are never extracted by their names in the tar: each goes to a file the reader names.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from rapport.core.errors import DomainError

FORMAT = "rapport-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(DomainError):
    """A backup that cannot be made or a file that cannot be restored (nothing was changed)."""

    code = "backup_error"


class MissingFile(Exception):
    """A file listed for the backup vanished while it was written (deleted after the snapshot)."""


@dataclass
class Member:
    """One file to put into the backup: its name in the tar and where it is now."""

    name: str
    source: Path
    sha256: str = ""  # known in advance for content-addressed files (checked while copying)


@dataclass
class VerifiedBackup:
    """A backup file whose manifest and members were checked; `files` maps each member's name
    to its extracted copy (in a temporary folder the caller removes)."""

    path: Path
    manifest: dict[str, Any]
    files: dict[str, Path] = field(default_factory=dict)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader(io.RawIOBase):
    """Reads a stream and hashes what passes."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        return data


def write_archive(target: Path, manifest: dict[str, Any], members: Iterable[Member]) -> int:
    """Write the backup to `target` atomically (a temporary file beside it, renamed into place
    when complete): the manifest with every member's size and checksum, then the members.
    Raises MissingFile when a member vanished meanwhile. Returns the file's size."""
    members = list(members)
    listed: dict[str, dict[str, Any]] = {}
    for member in members:
        try:
            size = member.source.stat().st_size
        except FileNotFoundError as error:
            raise MissingFile(str(member.source)) from error
        listed[member.name] = {"size": size, "sha256": member.sha256 or file_sha256(member.source)}
    manifest = {**manifest, "members": listed}
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
                for member in members:
                    _add_file(tar, member, listed[member.name])
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target.stat().st_size


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(time.time())
    tar.addfile(info, io.BytesIO(data))


def _add_file(tar: tarfile.TarFile, member: Member, listed: dict[str, Any]) -> None:
    info = tarfile.TarInfo(member.name)
    info.size = listed["size"]
    info.mode = 0o600
    info.mtime = int(time.time())
    try:
        stream = member.source.open("rb")
    except FileNotFoundError as error:
        raise MissingFile(str(member.source)) from error
    with stream:
        reader = _HashingReader(stream)
        tar.addfile(info, reader)  # type: ignore[arg-type]
    if reader.digest.hexdigest() != listed["sha256"]:
        raise BackupError(
            _("The file %(path)s does not match its checksum: it is damaged on disk.")
            % {"path": member.source}
        )


def damaged(path: Path, reason: str) -> BackupError:
    return BackupError(
        _("%(file)s is not a usable Rapport backup (%(reason)s). Nothing was changed.")
        % {"file": path, "reason": reason}
    )


def read_archive(path: Path, workdir: Path) -> VerifiedBackup:
    """Check the backup file `path` member by member, copying each into `workdir`."""
    if not path.is_file():
        raise BackupError(_("%(file)s does not exist.") % {"file": path})
    try:
        with tarfile.open(path, mode="r:*") as tar:
            return _read_members(path, tar, workdir)
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:
        # The archive library's own words (per compression method) would puzzle a user.
        raise damaged(
            path, _("it cannot be read as a .tar.gz archive: it is cut short or another file")
        ) from error


def _read_manifest(path: Path, tar: tarfile.TarFile) -> tuple[dict[str, Any], tarfile.TarInfo]:
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isfile():
        raise damaged(path, _("it has no manifest"))
    stream = tar.extractfile(first)
    try:
        manifest = json.loads(stream.read()) if stream else None
    except ValueError as error:
        raise damaged(path, _("its manifest cannot be read")) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise damaged(path, _("it has no manifest"))
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            _(
                "%(file)s was made by a newer Rapport (backup format %(version)s; this Rapport "
                "reads format %(ours)s). Nothing was changed."
            )
            % {"file": path, "version": version, "ours": FORMAT_VERSION}
        )
    if not isinstance(manifest.get("members"), dict):
        raise damaged(path, _("its manifest lists no members"))
    return manifest, first


def _read_members(path: Path, tar: tarfile.TarFile, workdir: Path) -> VerifiedBackup:
    manifest, first = _read_manifest(path, tar)
    listed: dict[str, dict[str, Any]] = manifest["members"]
    backup = VerifiedBackup(path=path, manifest=manifest)
    for info in tar:
        if info is first:
            continue
        expected = listed.get(info.name)
        if expected is None or not info.isfile() or info.name in backup.files:
            raise damaged(
                path,
                _("it holds %(member)s, which its manifest does not list") % {"member": info.name},
            )
        copy = workdir / f"member-{len(backup.files)}"
        source = tar.extractfile(info)
        digest = hashlib.sha256()
        with copy.open("wb") as out:
            while source is not None and (chunk := source.read(CHUNK)):
                digest.update(chunk)
                out.write(chunk)
        if info.size != expected.get("size") or digest.hexdigest() != expected.get("sha256"):
            raise damaged(path, _("%(member)s does not match its checksum") % {"member": info.name})
        backup.files[info.name] = copy
    missing = sorted(set(listed) - set(backup.files))
    if missing:
        raise damaged(path, _("%(member)s is missing") % {"member": missing[0]})
    return backup
