"""The read-only copy a logged entry keeps shares the template's stored file (no second file
on disk, no byte copy)."""

from __future__ import annotations

import pytest

from rapport.attachments import hooks
from rapport.attachments.services import attachment_content, attachment_create
from rapport.attachments.testing import docx_bytes
from rapport.interactions.services.log import attachment_read_only_copy

pytestmark = pytest.mark.django_db


def test_the_read_only_copy_shares_the_disk_file(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(hooks, "_storage_policy", [lambda: ("disk_file", str(tmp_path))])
    content = docx_bytes("Dear customer,")
    letter = attachment_create(kind="word", file_name="letter.docx", content=content)
    copy = attachment_read_only_copy(letter)
    assert copy is not None and copy.pk != letter.pk
    assert copy.read_only is True
    assert (copy.storage_type, copy.storage_pointer) == ("disk_file", letter.storage_pointer)
    assert attachment_content(copy) == content
    assert len([path for path in tmp_path.rglob("*") if path.is_file()]) == 1
    assert attachment_read_only_copy(None) is None
