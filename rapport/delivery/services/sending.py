"""Sending a delivery's messages (run by `deliver_task` in `rapport worker`).

`delivery_run` claims the due queued messages in batches (queued → sending, with this worker's
id and a lease; `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, serialized write transactions
on SQLite), merges them (`merge.email.email_parts`), assembles their bytes (`mime.build_message`)
and sends them over one SMTP connection with the two-phase DATA of `smtp.py`. The outcome:

* 250 → delivered;
* 5xx (refused) → failed, with the server's reply ("550 5.7.1 …") as the reason;
* 4xx, or the server unreachable → queued again with a growing delay; failed after
  `MAX_ATTEMPTS`, with the last error. Unreachable ends the run: the other claimed messages
  go back unchanged and a later task (or recovery) continues.

Hard-copy messages become letters (`rapport.delivery.letters.letters_build`). Safe to run twice
at once for the same delivery, and again after a crash: the outbox says what is left.
"""

from __future__ import annotations

import datetime
import time
from email.utils import formatdate, parseaddr
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from rapport.delivery.mime import FileParts, address, build_message
from rapport.delivery.models import Channel, MessageState, OutboxMessage
from rapport.delivery.services import letters, states
from rapport.delivery.services.prefetch import Batches
from rapport.delivery.services.smtp import ClaimLost, Sender
from rapport.delivery.services.writer import Claimed, StateWriter
from rapport.interactions.choices import DeliveryStatus
from rapport.interactions.models import InteractionLogEntry

BATCH_SIZE = 100
LEASE = datetime.timedelta(minutes=5)
MAX_ATTEMPTS = 5
RETRY_DELAYS = (30, 120, 600, 1800)  # seconds after attempt 1, 2, 3, 4
RATE_WINDOW = datetime.timedelta(seconds=60)


def _due(delivery_id: int, channel: str, now: datetime.datetime) -> Any:
    return OutboxMessage.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        delivery_id=delivery_id,
        channel=channel,
        state=MessageState.QUEUED,
    )


def claim_batch(
    *, delivery_id: int, worker_id: str, size: int, channel: str = Channel.EMAIL
) -> list[Claimed]:
    """Claim up to `size` due queued messages of the delivery for `worker_id`."""
    now = timezone.now()
    with transaction.atomic():
        due = _due(delivery_id, channel, now).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:size])
        if not ids:
            return []
        OutboxMessage.objects.filter(id__in=ids, state=MessageState.QUEUED).update(
            state=MessageState.SENDING,
            claimed_by=worker_id,
            lease_until=now + LEASE,
            attempts=F("attempts") + 1,
        )
        rows = list(
            OutboxMessage.objects.filter(
                id__in=ids, state=MessageState.SENDING, claimed_by=worker_id
            ).values_list("id", "entry_id", "entry__entry_no", "message_id", "attempts")
        )
        InteractionLogEntry.objects.filter(id__in=[row[1] for row in rows]).update(
            delivery_status=DeliveryStatus.SENDING
        )
    return [Claimed(*row) for row in rows]


def rate_budget(size: int) -> int:
    """How many messages may be sent now under the rate limit per minute (counted over all
    workers by `sent_at`); waits while none may."""
    limit = _rate_limit()
    while limit:
        since = timezone.now() - RATE_WINDOW
        recent = OutboxMessage.objects.filter(sent_at__gte=since)
        sent = recent.count()
        if sent < limit:
            return min(size, limit - sent)
        oldest = recent.aggregate(oldest=Min("sent_at"))["oldest"] or timezone.now()
        wait = (oldest + RATE_WINDOW - timezone.now()).total_seconds()
        time.sleep(min(max(wait, 0.05), 5.0))
    return size


def _rate_limit() -> int:
    from rapport.setup import selectors

    limit = getattr(selectors, "delivery_rate_per_minute", None)  # until B (setup) lands
    return int(limit() or 0) if limit is not None else 0


def _from() -> tuple[str, str]:
    """(envelope sender, From header) from DEFAULT_FROM_EMAIL."""
    name, addr = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return addr, address(name, addr)


def delivery_run(*, delivery_id: int, worker_id: str) -> dict[str, Any]:
    """Send what is due of delivery `delivery_id`; returns its progress."""
    from rapport.delivery.models import Delivery
    from rapport.delivery.services.progress import delivery_progress

    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        return {"delivery_id": delivery_id, "missing": True}
    letters.print_hard_copies(delivery, worker_id)
    run = Run(worker_id)

    def make() -> tuple[list[Claimed], dict[int, Any]]:
        size = rate_budget(BATCH_SIZE)
        batch = claim_batch(delivery_id=delivery_id, worker_id=worker_id, size=size)
        return batch, (_parts(batch) if batch else {})

    batches = Batches(make, ahead=not _rate_limit())
    try:
        for batch, parts in batches:
            if not run.send_batch(batch, parts):
                break
    finally:
        try:
            batches.close(run.writer)
        finally:
            run.close()
    _reschedule(delivery_id)
    return {"delivery_id": delivery_id, **delivery_progress(delivery)}


def _reschedule(delivery_id: int) -> None:
    """Messages waiting for a later attempt get a task at that time."""
    from rapport.delivery.services.queue import enqueue_delivery

    waiting = OutboxMessage.objects.filter(
        delivery_id=delivery_id, state=MessageState.QUEUED, channel=Channel.EMAIL
    ).aggregate(at=Min("next_attempt_at"))["at"]
    if waiting is not None:
        enqueue_delivery(delivery_id, run_after=waiting)


def retry_at(attempts: int) -> datetime.datetime:
    delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]
    return timezone.now() + datetime.timedelta(seconds=delay)


class Run:
    """One run's connection, state writer and encoded files."""

    def __init__(self, worker_id: str) -> None:
        self.sender = Sender()
        self.writer = StateWriter(worker_id)
        self.files = FileParts()
        self.envelope_from, self.from_header = _from()

    def close(self) -> None:
        try:
            self.writer.flush()
        finally:
            self.sender.close()

    def send_batch(self, batch: list[Claimed], parts: dict[int, Any]) -> bool:
        """Send the batch (`parts`: its merged parts by entry no.); False when the server could
        not be reached (the rest went back)."""
        date = formatdate(localtime=False)
        for index, message in enumerate(batch):
            part = parts.get(message.entry_no)
            if isinstance(part, Exception) or part is None or not part.to:
                self.writer.failed(message, _render_reason(message, part))
                continue
            if not self.send_one(message, part, date):
                self.writer.requeue(batch[index + 1 :], at=None, error="", count_attempt=False)
                return False
        return True

    def send_one(self, message: Claimed, part: Any, date: str) -> bool:
        """Send one message and record the outcome; False when the server is unreachable."""
        handed = False

        def on_handover() -> bool:
            nonlocal handed
            handed = self.writer.handed_over(message)
            return handed

        try:
            data = build_message(
                message_id=message.message_id,
                from_header=self.from_header,
                to_addr=part.to,
                to_name=part.to_name,
                subject=part.subject,
                text=part.text,
                html=part.html,
                files=part.files,
                file_parts=self.files,
                date=date,
            )
            self.sender.send(
                from_addr=self.envelope_from,
                to_addr=part.to,
                data=data,
                on_handover=on_handover,
                message=lambda: _django_message(message, part, self.from_header),
            )
        except ClaimLost:
            return True
        except DatabaseError:
            raise  # the run fails; its claims are recovered when their lease ends
        except Exception as error:
            return self._outcome(message, error, handed)
        self.writer.delivered(message)
        return True

    def _outcome(self, message: Claimed, error: Exception, handed: bool) -> bool:
        code, text = smtp_reply(error)
        if handed and code is None:
            self.writer.delivered_with_note(message, str(states.REPLY_LOST))
            return False
        if code is not None and code >= 500:
            self.writer.failed(message, f"{code} {text}")
            return True
        reason = f"{code} {text}" if code is not None else unreachable(self.sender, error)
        if message.attempts >= MAX_ATTEMPTS:
            self.writer.failed(message, reason)
        else:
            self.writer.requeue(
                [message], at=retry_at(message.attempts), error=reason, count_attempt=True
            )
        return code is not None


def smtp_reply(error: Exception) -> tuple[int | None, str]:
    """(code, text) of an SMTP refusal; (None, "") for anything else."""
    import smtplib

    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, reply = next(iter(error.recipients.values()))
        return code, _text(reply)
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code, _text(error.smtp_error)
    return None, ""


def _text(reply: Any) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def unreachable(sender: Sender, error: Exception) -> str:
    from django.utils.translation import gettext as _

    return _("Could not reach the SMTP server %(where)s: %(error)s") % {
        "where": sender.where(),
        "error": str(error) or type(error).__name__,
    }


def _parts(batch: list[Claimed]) -> dict[int, Any]:
    """The merged parts by entry no.; when merging the batch fails, each entry on its own, so
    one broken entry fails alone (with the error as its reason). A database error is no
    entry's fault: it ends the run and the claimed messages are recovered, never failed."""
    from rapport.delivery.merge.email import email_parts

    entry_nos = [message.entry_no for message in batch]
    try:
        return email_parts(entry_nos)
    except DatabaseError:
        raise  # not the entry's fault: the run fails and recovery gives the claims back
    except Exception:
        parts: dict[int, Any] = {}
        for entry_no in entry_nos:
            try:
                parts.update(email_parts([entry_no]))
            except DatabaseError:
                raise
            except Exception as error:
                parts[entry_no] = error
        return parts


def _render_reason(message: Claimed, part: Any) -> str:
    if isinstance(part, Exception):
        return str(part) or type(part).__name__
    contact_no = (
        InteractionLogEntry.objects.filter(pk=message.entry_id)
        .values_list("contact__no", flat=True)
        .first()
    )
    return states.no_email_reason(contact_no or "")


def _django_message(message: Claimed, part: Any, from_header: str) -> Any:
    """The message as a Django EmailMessage (for a mailer that is not SMTP)."""
    from django.core.mail import EmailMultiAlternatives

    email = EmailMultiAlternatives(
        subject=part.subject,
        body=part.text,
        from_email=from_header,
        to=[address(part.to_name, part.to)],
        headers={"Message-ID": message.message_id},
    )
    if part.html:
        email.attach_alternative(part.html, "text/html")
    for name, kind, content in part.files:
        email.attach(name, content, kind)
    return email
