"""Resending failed messages: failed → queued, with the same Message-ID. A conditional UPDATE,
so a delivered message never matches and a second click finds nothing left to queue."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction

from rapport.audit.services import audit_record
from rapport.delivery.models import Channel, MessageState, OutboxMessage
from rapport.delivery.services.queue import enqueue_delivery
from rapport.interactions.choices import DeliveryStatus
from rapport.interactions.models import InteractionLogEntry
from rapport.interactions.services.rights import check_role

# Fax cannot be sent by Rapport at all: resending it would only fail again.
RESENDABLE = (Channel.EMAIL, Channel.HARD_COPY)
MAX_LISTED = 1000  # entry nos. the audit entry lists; beyond, it gives their number


@transaction.atomic
def resend(
    *,
    actor: Any,
    entry_nos: list[int] | None = None,
    logged_segment_entry_no: int | None = None,
) -> int:
    """Queue the failed messages of the given entries (or of the logged segment; neither: all
    failed messages) again; returns how many. Delivered, queued or sending ones are never
    touched; the sending is queued on commit. `actor` None is the command line; a user
    needs a role that may change interactions. One audit entry (`resend`) when any was
    queued again."""
    if actor is not None:
        check_role(actor)
    failed = OutboxMessage.objects.filter(state=MessageState.FAILED, channel__in=RESENDABLE)
    if entry_nos is not None:
        failed = failed.filter(entry__entry_no__in=list(entry_nos))
    if logged_segment_entry_no is not None:
        failed = failed.filter(entry__logged_segment_entry_no=logged_segment_entry_no)
    if connection_supports_locking():
        failed = failed.select_for_update()
    rows = list(failed.values_list("id", "entry_id", "delivery_id"))
    count = OutboxMessage.objects.filter(
        id__in=[row[0] for row in rows], state=MessageState.FAILED
    ).update(
        state=MessageState.QUEUED,
        error="",
        note="",
        next_attempt_at=None,
        attempts=0,
        claimed_by="",
        lease_until=None,
    )
    InteractionLogEntry.objects.filter(id__in=[row[1] for row in rows]).update(
        delivery_status=DeliveryStatus.PENDING, delivery_error=""
    )
    for delivery_id in sorted({row[2] for row in rows}):
        transaction.on_commit(partial(enqueue_delivery, delivery_id))
    if count:  # queuing nothing changed nothing
        _audit(actor, count, entry_nos, logged_segment_entry_no)
    return count


def _audit(
    actor: Any, count: int, entry_nos: list[int] | None, logged_segment_entry_no: int | None
) -> None:
    """One entry per resend: on the logged segment, the one interaction, or (several or all
    failed interactions) on none; `count` messages queued, the selection as given."""
    numbers = sorted(set(entry_nos)) if entry_nos is not None else None
    object_type, key = "interaction", ""
    if logged_segment_entry_no is not None:
        object_type, key = "logged_segment", str(logged_segment_entry_no)
    elif numbers is not None and len(numbers) == 1:
        key = str(numbers[0])
    filters: dict[str, Any] = {}
    if numbers is not None:
        filters["entry_nos"] = numbers[:MAX_LISTED]
        if len(numbers) > MAX_LISTED:
            filters["no_of_entry_nos"] = len(numbers)
    if logged_segment_entry_no is not None:
        filters["logged_segment_entry_no"] = logged_segment_entry_no
    audit_record(
        operation="resend",
        object_type=object_type,
        object_key=key,
        actor=actor,
        details={"count": count, "filters": filters},
    )


def connection_supports_locking() -> bool:
    from django.db import connection

    return bool(connection.features.has_select_for_update)
