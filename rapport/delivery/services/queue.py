"""Requesting delivery: one outbox message per log entry to deliver, queued on commit."""

from __future__ import annotations

import secrets
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery

from rapport.core.choices import CorrespondenceType
from rapport.delivery.models import Channel, Delivery, MessageState, OutboxMessage
from rapport.delivery.services import states
from rapport.interactions.choices import DeliveryStatus
from rapport.interactions.models import InteractionLogEntry

CHANNELS: dict[str, str] = {
    CorrespondenceType.EMAIL: Channel.EMAIL,
    CorrespondenceType.HARD_COPY: Channel.HARD_COPY,
    CorrespondenceType.FAX: Channel.FAX,
}
INSERT_BATCH = 2000


def new_message_id(entry_no: int) -> str:
    """A Message-ID that no other message has, stored and reused by every attempt (the token
    keeps it unique when entry numbers come back, e.g. in a fresh database)."""
    return f"<rapport.{entry_no}.{secrets.token_hex(8)}@{settings.RAPPORT_MESSAGE_ID_DOMAIN}>"


def _candidates(entry_nos: list[int] | None, logged_segment_entry_no: int | None) -> Any:
    """The logged, not canceled entries of the request with a correspondence type to deliver
    and no outbox message yet (a repeated request adds nothing)."""
    entries = InteractionLogEntry.objects.filter(
        canceled=False,
        postponed=False,
        correspondence_type__in=list(CHANNELS),
        outbox_message__isnull=True,
    )
    if logged_segment_entry_no is not None:
        return entries.filter(logged_segment_entry_no=logged_segment_entry_no)
    return entries.filter(entry_no__in=list(entry_nos or []))


def _message(delivery: Delivery, row: tuple[int, int, str, str | None, str | None]) -> Any:
    entry_id, entry_no, kind, contact_no, email = row
    message = OutboxMessage(
        delivery=delivery,
        entry_id=entry_id,
        channel=CHANNELS[kind],
        message_id=new_message_id(entry_no),
    )
    if kind == CorrespondenceType.FAX:
        message.state, message.error = MessageState.FAILED, str(states.FAX_REASON)
    elif kind == CorrespondenceType.EMAIL and not email:
        message.state = MessageState.FAILED
        message.error = states.no_email_reason(contact_no or "")
    return message


def _mark_entries(delivery: Delivery) -> None:
    """The entries' delivery status (and reason) from their new messages, set-based."""
    mine = InteractionLogEntry.objects.filter(outbox_message__delivery=delivery)
    mine.filter(outbox_message__state=MessageState.QUEUED).update(
        delivery_status=DeliveryStatus.PENDING, delivery_error=""
    )
    reason = OutboxMessage.objects.filter(entry=OuterRef("pk")).values("error")[:1]
    mine.filter(outbox_message__state=MessageState.FAILED).update(
        delivery_status=DeliveryStatus.FAILED, delivery_error=Subquery(reason)
    )


@transaction.atomic
def delivery_requested(
    *,
    actor: Any,
    entry_nos: list[int] | None = None,
    logged_segment_entry_no: int | None = None,
) -> Delivery:
    """Deliver the given log entries, or all entries of logged segment
    `logged_segment_entry_no` (the interactions' delivery requester; called inside the logging
    transaction). E-mail and hard-copy entries are queued (delivery status pending); fax and
    e-mail to a contact without an e-mail address fail at once, with the reason. The sending
    (`deliver_task`) is queued when the transaction commits. An entry that already has a
    message is left alone, so a repeated request adds nothing (and returns the earlier
    delivery)."""
    rows = list(
        _candidates(entry_nos, logged_segment_entry_no)
        .order_by("entry_no")
        .values_list("id", "entry_no", "correspondence_type", "contact__no", "contact__email")
    )
    if not rows:
        earlier = _earlier(entry_nos, logged_segment_entry_no)
        if earlier is not None:
            return earlier
    single = entry_nos[0] if entry_nos and len(entry_nos) == 1 else None
    delivery = Delivery.objects.create(
        logged_segment_entry_no=logged_segment_entry_no,
        entry_no=single if logged_segment_entry_no is None else None,
        created_by=actor if getattr(actor, "pk", None) else None,
        total=len(rows),
    )
    OutboxMessage.objects.bulk_create(
        (_message(delivery, row) for row in rows), batch_size=INSERT_BATCH
    )
    _mark_entries(delivery)
    if delivery.messages.filter(state=MessageState.QUEUED).exists():
        transaction.on_commit(partial(enqueue_delivery, delivery.pk))
    return delivery


def _earlier(entry_nos: list[int] | None, logged_segment_entry_no: int | None) -> Delivery | None:
    messages = OutboxMessage.objects.all()
    if logged_segment_entry_no is not None:
        messages = messages.filter(entry__logged_segment_entry_no=logged_segment_entry_no)
    else:
        messages = messages.filter(entry__entry_no__in=list(entry_nos or []))
    found = messages.order_by("-delivery_id").values_list("delivery_id", flat=True).first()
    return None if found is None else Delivery.objects.get(pk=found)


def enqueue_delivery(delivery_id: int, run_after: Any = None) -> None:
    """Queue `deliver_task` for the delivery (later, at `run_after`, when the task backend can
    defer)."""
    from rapport.delivery.tasks import deliver_task

    task = deliver_task
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    task.enqueue(delivery_id=delivery_id)
