"""Reading and sharing stored files: the content, read-only copies and reference counting."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.attachments import storage
from rapport.attachments.choices import StorageType
from rapport.attachments.content import HTML_TYPE, OCTET_STREAM
from rapport.attachments.models import Attachment
from rapport.attachments.services.crud import remove, users_of
from rapport.core.entry_numbers import insert_numbered
from rapport.core.errors import ConflictError


def attachment_content(attachment: Attachment) -> bytes:
    """The stored document, wherever it lives: the file (embedded or on disk), or for an
    e-mail or HTML letter its HTML body (UTF-8)."""
    if attachment.has_body:
        return attachment.body_html.encode("utf-8")
    if attachment.storage_type == StorageType.DISK_FILE:
        return storage.read(attachment.storage_location, attachment.storage_pointer)
    return bytes(attachment.content or b"")


def attachment_download(attachment: Attachment) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) for an export (download) of `attachment`."""
    content = attachment_content(attachment)
    if attachment.has_body:
        name = attachment.file_name or f"attachment-{attachment.no}.html"
        return name, f"{HTML_TYPE}; charset=utf-8", content
    return attachment.file_name, attachment.content_type or OCTET_STREAM, content


def attachment_copy(attachment: Attachment, *, read_only: bool = True) -> Attachment:
    """A new attachment (the next number) with the same values and the same stored file:
    embedded, the same bytes; on disk, the same pointer (no second file). What logging uses for
    the read-only copy a log entry keeps. The number is reserved in a short step
    (`reserve_numbers`); the file's pointer is locked shared, so copies of one file never wait
    for each other (only its unlinking waits for them)."""
    source = Attachment.objects.get(pk=attachment.pk)
    now = timezone.now()
    copy = Attachment(
        kind=source.kind,
        file_name=source.file_name,
        subject=source.subject,
        body_html=source.body_html,
        body_text=source.body_text,
        body_text_manual=source.body_text_manual,
        content=bytes(source.content or b""),
        storage_type=source.storage_type,
        storage_pointer=source.storage_pointer,
        storage_location=source.storage_location,
        content_type=source.content_type,
        file_size=source.file_size,
        read_only=read_only,
        created_at=now,
        modified_at=now,
    )
    with transaction.atomic():
        if source.storage_type == StorageType.DISK_FILE and source.storage_pointer:
            # Under the pointer's lock: an unlink after another row's release waits for this
            # transaction, or has happened already (then the file is missing: refused).
            storage.lock_pointer(source.storage_pointer)
            if not storage.exists(source.storage_location, source.storage_pointer):
                raise ConflictError(
                    _("The file of attachment %(no)s is missing; it cannot be copied.")
                    % {"no": source.no},
                    code="storage_error",
                )
        return insert_numbered(copy, field="no")


def attachment_release(attachment: Attachment) -> bool:
    """Delete `attachment` when no record refers to it any more (read-only or not): what a
    caller does after removing a row or entry that used it. True when it was deleted; False
    when something still uses it (or it is gone already). Its disk file is unlinked after
    commit when no other attachment points at it."""
    with transaction.atomic():
        current = Attachment.objects.select_for_update().filter(pk=attachment.pk).first()
        if current is None:
            return False
        count, _kinds = users_of(current)
        if count:
            return False
        remove(current)
        return True
