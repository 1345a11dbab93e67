"""Audit entries of attachment create, change and delete (the content itself is not kept:
its size, type and disk pointer are). Copies made as part of another operation write none."""

from __future__ import annotations

import hashlib

import pytest

from rapport.attachments import services
from rapport.attachments.models import Attachment
from rapport.audit.testing import audit_count, audited
from rapport.core.acting import Source, acting_as
from rapport.core.errors import ConflictError, ValidationFailed
from rapport.core.testing import make_user

pytestmark = pytest.mark.django_db

EMAIL = {
    "no": 1,
    "kind": "email",
    "file_name": "",
    "subject": "Welcome",
    "body_text_manual": False,
    "storage_type": "embedded",
    "storage_location": "",
    "storage_pointer": "",
    "content_type": "text/html",
    "file_size": len(b"<p>Hello</p>"),
    "read_only": False,
}


def test_create_update_delete_each_write_one_entry() -> None:
    ada = make_user("administrator", username="ada")
    with acting_as(ada, source=Source.WEB):
        attachment = services.attachment_create(
            kind="email", subject="Welcome", body_html="<p>Hello</p>"
        )
    entry = audited("attachment_create", object_key="1")
    assert (entry.object_type, entry.username, entry.source) == ("attachment", "ada", "web")
    assert entry.changes == {
        name: {"before": None, "after": value} for name, value in EMAIL.items()
    }
    services.attachment_update(attachment=attachment, subject="Hi", body_html="<p>Hello you</p>")
    assert audited("attachment_update", object_key="1").changes == {
        "subject": {"before": "Welcome", "after": "Hi"},
        "file_size": {"before": 12, "after": 16},
    }
    services.attachment_delete(attachment=attachment)
    entry = audited("attachment_delete", object_key="1")
    assert entry.changes["subject"] == {"before": "Hi", "after": None}
    assert entry.changes["kind"] == {"before": "email", "after": None}
    assert not Attachment.objects.exists()


def test_a_file_on_disk_shows_its_pointer_not_its_bytes(disk, docx) -> None:
    services.attachment_create(kind="word", file_name="letter.docx", content=docx)
    entry = audited("attachment_create", object_key="1")
    assert entry.changes["storage_pointer"]["after"] == hashlib.sha256(docx).hexdigest()
    assert entry.changes["file_size"]["after"] == len(docx)
    assert "content" not in entry.changes and "body_html" not in entry.changes


def test_refused_operations_and_copies_write_no_entry() -> None:
    attachment = services.attachment_create(kind="email", subject="Hi", body_html="<p>x</p>")
    services.attachment_update(attachment=attachment, read_only=True)
    before = audit_count()
    with pytest.raises(ValidationFailed):
        services.attachment_create(kind="fax")
    with pytest.raises(ConflictError):
        services.attachment_update(attachment=attachment, subject="Changed")
    with pytest.raises(ConflictError):
        services.attachment_delete(attachment=attachment)
    services.attachment_copy(attachment)
    assert audit_count() == before
