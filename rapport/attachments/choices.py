"""Option values of attachments. Stored values are the lower-case words of the API."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AttachmentKind(models.TextChoices):
    EMAIL = "email", _("E-mail (HTML)")
    WORD = "word", _("Word document")
    PDF = "pdf", _("PDF document")
    FILE = "file", _("File")
