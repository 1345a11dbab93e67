"""Reads of attachments."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rapport.attachments.models import Attachment
from rapport.core.errors import NotFoundError


def attachment_list() -> QuerySet[Attachment]:
    """Every attachment, by number, without the embedded bytes (read them through
    `services.attachment_content`)."""
    return Attachment.objects.defer("content").order_by("no")


def attachment_get(no: Any) -> Attachment:
    """The attachment with number `no` (NotFoundError when there is none)."""
    try:
        number = int(str(no))
    except ValueError:
        number = None
    attachment = attachment_list().filter(no=number).first() if number is not None else None
    if attachment is None or number is None or number < 0:
        raise NotFoundError(_("There is no attachment %(no)s.") % {"no": no})
    return attachment
