"""The outbox: what is to be delivered, and where each message stands.

* `Delivery` — one request to deliver (a logged segment's entries, or one interaction): what the
  progress bar and the job follow.
* `OutboxMessage` — one per log entry to deliver: the idempotency record. Its `message_id` is
  fixed when the row is made and reused by every attempt, its `state` says whether the SMTP
  server may already have the message (`handed_over`), so a worker killed at any moment, two
  workers, or a resend never send a delivered message again.
* `WorkerHeartbeat` — written every few seconds by each `rapport worker`; a worker without a
  recent one is taken for dead and its claimed messages are recovered.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    HARD_COPY = "hard_copy", _("Hard Copy")
    FAX = "fax", _("Fax")


class MessageState(models.TextChoices):
    """queued → sending (claimed by a worker) → handed_over (the body is with the SMTP server,
    only the final dot is missing) → delivered | failed; a temporary failure goes back to
    queued with a later `next_attempt_at`; a resend puts a failed one back to queued."""

    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    HANDED_OVER = "handed_over", _("Handed over")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One request to deliver: the entries of logged segment `logged_segment_entry_no`, or the
    single interaction `entry_no`. `total` is the number of messages it made."""

    logged_segment_entry_no = models.PositiveIntegerField(
        _("logged segment entry no."), null=True, blank=True, db_index=True
    )
    entry_no = models.PositiveIntegerField(_("entry no."), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    total = models.PositiveIntegerField(_("total"), default=0)
    # The merged letters of its hard-copy entries (`letters.letters_build`), to download.
    letters_pdf = models.ForeignKey(
        "attachments.Attachment",
        verbose_name=_("letters (PDF)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    letters_docx = models.ForeignKey(
        "attachments.Attachment",
        verbose_name=_("letters (Word)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"delivery-{self.pk}"


class OutboxMessage(models.Model):
    """One log entry's message (e-mail, letter or fax) and where it stands."""

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="messages"
    )
    entry = models.OneToOneField(
        "interactions.InteractionLogEntry",
        verbose_name=_("interaction log entry"),
        on_delete=models.CASCADE,
        related_name="outbox_message",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=MessageState.choices, default=MessageState.QUEUED
    )
    message_id = models.CharField(_("Message-ID"), max_length=250, unique=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=64, blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    note = models.CharField(_("note"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="delivery_outbox_due"),
            models.Index(fields=["delivery", "state"], name="delivery_outbox_progress"),
            models.Index(fields=["sent_at"], name="delivery_outbox_sent_at"),
        ]

    def __str__(self) -> str:
        return self.message_id


class WorkerHeartbeat(models.Model):
    """A running `rapport worker`: `beat_at` is renewed every few seconds."""

    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    pid = models.PositiveIntegerField(_("process id"), default=0)
    host = models.CharField(_("host"), max_length=255, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    beat_at = models.DateTimeField(_("last heartbeat"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-beat_at"]
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.worker_id
