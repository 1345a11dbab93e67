"""Fixtures of the attachments tests: a storage policy that puts files on disk in a temporary
folder (`disk`), and files of known types."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rapport.attachments import hooks
from rapport.attachments.testing import docx_bytes

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7\x9a"
    b"\xa0\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture
def policy(monkeypatch: pytest.MonkeyPatch) -> Any:
    """`policy(storage_type, location)`: the storage policy new files follow in this test."""

    def set_policy(storage_type: str, location: str = "") -> None:
        monkeypatch.setattr(hooks, "_storage_policy", [lambda: (storage_type, location)])

    return set_policy


@pytest.fixture
def disk(policy: Any, tmp_path: Path, settings: Any) -> Path:
    """Files go to disk, under `<tmp>/store` (DATA_DIR is `<tmp>/data` for a blank location)."""
    settings.DATA_DIR = tmp_path / "data"
    store = tmp_path / "store"
    policy("disk_file", str(store))
    return store


@pytest.fixture
def docx() -> bytes:
    return docx_bytes("Dear {{ salutation }},", "Kind regards")


def stored_files(folder: Path) -> list[Path]:
    """The files stored under `folder` (no temporary files)."""
    if not folder.exists():
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file())
