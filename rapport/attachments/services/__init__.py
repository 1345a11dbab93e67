"""Business operations on attachments (NAV's Attachment, table 5062): create, change and
delete (`crud`), the stored content, read-only copies and reference counting (`sharing`)."""

from rapport.attachments.services.cleaning import MAX_BODY_LENGTH, derived_text
from rapport.attachments.services.crud import (
    attachment_create,
    attachment_delete,
    attachment_update,
    users_of,
)
from rapport.attachments.services.sharing import (
    attachment_content,
    attachment_copy,
    attachment_download,
    attachment_release,
)

__all__ = [
    "MAX_BODY_LENGTH",
    "attachment_content",
    "attachment_copy",
    "attachment_create",
    "attachment_delete",
    "attachment_download",
    "attachment_release",
    "attachment_update",
    "derived_text",
    "users_of",
]
