"""Stored documents (NAV's Attachment, table 5062): an e-mail body or an uploaded file."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.attachments.choices import AttachmentKind

FILE_NAME_LENGTH = 250
SUBJECT_LENGTH = 100


class Attachment(models.Model):
    """A document that interactions, template languages and segment languages refer to.

    `no` is NAV's entry number (highest + 1, assigned by `services.attachment_create`). An
    e-mail attachment holds its body in `body_html`/`body_text`; the other kinds hold the
    uploaded file in `content`. `read_only` is set once a logged interaction uses it: from
    then on it cannot be changed or deleted."""

    no = models.PositiveIntegerField(_("no."), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    file_name = models.CharField(_("file name"), max_length=FILE_NAME_LENGTH, blank=True)
    subject = models.CharField(_("subject"), max_length=SUBJECT_LENGTH, blank=True)
    body_html = models.TextField(_("HTML body"), blank=True)
    body_text = models.TextField(_("text body"), blank=True)
    content = models.BinaryField(_("content"), blank=True, default=b"")
    read_only = models.BooleanField(_("read only"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    modified_at = models.DateTimeField(_("last modified at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["no"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        label = self.file_name or self.subject
        return f"{self.no} – {label}" if label else str(self.no)

    @property
    def size(self) -> int:
        """The size of the stored file in bytes (0 for an e-mail body)."""
        return len(self.content or b"")
