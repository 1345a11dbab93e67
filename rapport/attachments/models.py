"""Stored documents (NAV's Attachment, table 5062): an e-mail body, an HTML letter or a file."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.attachments.choices import AttachmentKind, StorageType

FILE_NAME_LENGTH = 250
SUBJECT_LENGTH = 100
CONTENT_TYPE_LENGTH = 100


class Attachment(models.Model):
    """A document that interactions, template languages and segment languages refer to.

    `no` is NAV's entry number (highest + 1, assigned by `services.attachment_create`). An
    e-mail holds `subject`, `body_html` and `body_text` (derived from the HTML unless
    `body_text_manual`); an HTML letter (`pdf`) holds `body_html`; a Word letter and any
    other file hold a file: in `content` (`storage_type` embedded) or on disk, content-addressed
    by its SHA-256 (`storage_pointer`) under `storage_location` (blank: DATA_DIR/attachments).
    `read_only` is set once a logged interaction uses it: from then on it cannot be changed."""

    no = models.PositiveIntegerField(_("no."), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    file_name = models.CharField(_("file name"), max_length=FILE_NAME_LENGTH, blank=True)
    subject = models.CharField(_("subject"), max_length=SUBJECT_LENGTH, blank=True)
    body_html = models.TextField(_("HTML body"), blank=True)
    body_text = models.TextField(_("text body"), blank=True)
    body_text_manual = models.BooleanField(_("text part written by hand"), default=False)
    content = models.BinaryField(_("content"), blank=True, default=b"")
    storage_type = models.CharField(
        _("storage type"),
        max_length=10,
        choices=StorageType.choices,
        default=StorageType.EMBEDDED,
    )
    storage_pointer = models.CharField(_("storage pointer"), max_length=64, blank=True)
    storage_location = models.CharField(_("storage location"), max_length=250, blank=True)
    content_type = models.CharField(_("content type"), max_length=CONTENT_TYPE_LENGTH, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    read_only = models.BooleanField(_("read only"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    modified_at = models.DateTimeField(_("last modified at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["no"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [
            models.Index(fields=["storage_location", "storage_pointer"], name="attachment_pointer")
        ]

    def __str__(self) -> str:
        label = self.file_name or self.subject
        return f"{self.no} – {label}" if label else str(self.no)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("attachments:attachment-detail", args=[self.no])

    @property
    def size(self) -> int:
        """The size of the stored file in bytes (an alias of `file_size`)."""
        return self.file_size

    @property
    def has_body(self) -> bool:
        """Whether it holds an HTML body (an e-mail or an HTML letter) rather than a file."""
        return self.kind in (AttachmentKind.EMAIL, AttachmentKind.PDF)
