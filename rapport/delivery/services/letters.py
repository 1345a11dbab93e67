"""Hard-copy messages: the delivery's letters, made by `rapport.delivery.letters.letters_build`
(which stores the PDF and the Word documents to download, marks the letters it cannot print
failed with the reason, and returns the entry nos. it printed)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.delivery.models import Channel, Delivery, MessageState, OutboxMessage
from rapport.interactions.choices import DeliveryStatus
from rapport.interactions.models import InteractionLogEntry

logger = logging.getLogger(__name__)


def _claim(delivery: Delivery, worker_id: str) -> list[int]:
    """Claim the delivery's queued hard-copy messages; their entry ids."""
    with transaction.atomic():
        mine = OutboxMessage.objects.filter(
            delivery=delivery, channel=Channel.HARD_COPY, state=MessageState.QUEUED
        )
        ids = list(mine.values_list("id", flat=True))
        OutboxMessage.objects.filter(id__in=ids, state=MessageState.QUEUED).update(
            state=MessageState.SENDING, claimed_by=worker_id, lease_until=None
        )
        claimed = OutboxMessage.objects.filter(
            id__in=ids, state=MessageState.SENDING, claimed_by=worker_id
        )
        entry_ids = list(claimed.values_list("entry_id", flat=True))
        InteractionLogEntry.objects.filter(id__in=entry_ids).update(
            delivery_status=DeliveryStatus.SENDING
        )
    return entry_ids


def _finish(delivery: Delivery, worker_id: str, printed: set[int], error: str) -> None:
    with transaction.atomic():
        mine = OutboxMessage.objects.filter(
            delivery=delivery,
            channel=Channel.HARD_COPY,
            state=MessageState.SENDING,
            claimed_by=worker_id,
        )
        done = mine.filter(entry__entry_no__in=printed)
        InteractionLogEntry.objects.filter(id__in=done.values("entry_id")).update(
            delivery_status=DeliveryStatus.DELIVERED, delivery_error=""
        )
        done.update(state=MessageState.DELIVERED, sent_at=timezone.now(), error="")
        rest = mine.exclude(entry__entry_no__in=printed)
        InteractionLogEntry.objects.filter(id__in=rest.values("entry_id")).update(
            delivery_status=DeliveryStatus.FAILED, delivery_error=error
        )
        rest.update(state=MessageState.FAILED, error=error)


def print_hard_copies(delivery: Delivery, worker_id: str) -> None:
    """Make the letters of the delivery's queued hard-copy messages: printed → delivered, the
    others failed with the reason."""
    if not delivery.messages.filter(channel=Channel.HARD_COPY, state=MessageState.QUEUED).exists():
        return
    from rapport.delivery.letters import letters_build

    entry_ids = _claim(delivery, worker_id)
    if not entry_ids:
        return
    try:
        printed = set(letters_build(delivery))
        error = _("The letter was not printed.")
    except Exception as exc:
        logger.exception("Letters of delivery %s failed", delivery.pk)
        printed, error = set(), _("The letters could not be made: %(error)s") % {"error": exc}
    _finish(delivery, worker_id, printed, error)
