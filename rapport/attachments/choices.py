"""Option values of attachments. Stored values are the lower-case words of the API."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AttachmentKind(models.TextChoices):
    EMAIL = "email", _("E-mail (HTML)")
    WORD = "word", _("Word document")
    PDF = "pdf", _("Letter (HTML, printed as PDF)")
    FILE = "file", _("File")


class StorageType(models.TextChoices):
    """Where an attachment's file lives (NAV's Storage Type, taken from Marketing Setup when
    the attachment is created)."""

    EMBEDDED = "embedded", _("Embedded")
    DISK_FILE = "disk_file", _("Disk File")


BODY_KINDS = frozenset({AttachmentKind.EMAIL, AttachmentKind.PDF})
"""The kinds that hold an HTML body (`body_html`) instead of a file."""
