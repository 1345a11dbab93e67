"""Marketing Setup's attachment storage type decides where a new attachment's file goes (the
policy setup registers with `rapport.attachments.hooks`)."""

from __future__ import annotations

import hashlib

import pytest

from rapport.attachments.services import attachment_content, attachment_create
from rapport.attachments.testing import docx_bytes
from rapport.setup import services
from rapport.setup.selectors import attachment_storage_policy

pytestmark = pytest.mark.django_db


def test_embedded_by_default() -> None:
    assert attachment_storage_policy() == ("embedded", "")
    letter = attachment_create(kind="word", file_name="a.docx", content=docx_bytes("Hi"))
    assert (letter.storage_type, letter.storage_pointer) == ("embedded", "")


def test_disk_file_goes_to_the_setup_location(tmp_path) -> None:
    folder = tmp_path / "attachments here"
    services.marketing_setup_update(
        attachment_storage_type="disk_file", attachment_storage_location=f"  {folder}  "
    )
    assert attachment_storage_policy() == ("disk_file", str(folder))
    content = docx_bytes("Hi")
    letter = attachment_create(kind="word", file_name="a.docx", content=content)
    pointer = hashlib.sha256(content).hexdigest()
    assert (letter.storage_type, letter.storage_pointer) == ("disk_file", pointer)
    assert (folder / pointer[:2] / pointer).read_bytes() == content
    assert attachment_content(letter) == content
    # An e-mail has no file: its body stays in the row.
    mail = attachment_create(kind="email", subject="Hi", body_html="<p>Hi</p>")
    assert (mail.storage_type, mail.storage_pointer) == ("embedded", "")
    # Back to embedded: new files go into the row, the earlier one stays where it is.
    services.marketing_setup_update(attachment_storage_type="embedded")
    again = attachment_create(kind="word", file_name="b.docx", content=content)
    assert (again.storage_type, bytes(again.content)) == ("embedded", content)
    assert attachment_content(letter) == content
