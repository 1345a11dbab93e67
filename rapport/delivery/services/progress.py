"""Where deliveries stand: counts per state (from the outbox, indexed by delivery and state),
the job that `GET /api/v1/jobs/delivery-<id>/` serves, and whether a worker is running."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count
from django.utils import timezone

from rapport.delivery.models import Delivery, MessageState, OutboxMessage, WorkerHeartbeat

JOB_KIND = "delivery"
JOB_PREFIX = "delivery-"
ALIVE_WITHIN = datetime.timedelta(seconds=10)


def delivery_progress(delivery: Delivery) -> dict[str, int]:
    """{"total", "queued", "sending", "delivered", "failed", "done"} of the delivery
    (`sending` counts the messages handed over to the server too)."""
    counts = dict(
        OutboxMessage.objects.filter(delivery=delivery)
        .values_list("state")
        .annotate(n=Count("id"))
        .order_by()
    )
    result = {
        "total": delivery.total,
        "queued": counts.get(MessageState.QUEUED, 0),
        "sending": counts.get(MessageState.SENDING, 0) + counts.get(MessageState.HANDED_OVER, 0),
        "delivered": counts.get(MessageState.DELIVERED, 0),
        "failed": counts.get(MessageState.FAILED, 0),
    }
    result["done"] = result["delivered"] + result["failed"]
    return result


def delivery_for_entry(entry_no: int) -> Delivery | None:
    """The delivery of log entry `entry_no` (the one its message belongs to), or None."""
    found = (
        OutboxMessage.objects.filter(entry__entry_no=entry_no)
        .values_list("delivery_id", flat=True)
        .first()
    )
    return None if found is None else Delivery.objects.filter(pk=found).first()


def delivery_for_logged_segment(logged_segment_entry_no: int) -> Delivery | None:
    """The latest delivery of the logged segment, or None."""
    return (
        Delivery.objects.filter(logged_segment_entry_no=logged_segment_entry_no)
        .order_by("-id")
        .first()
    )


def worker_alive() -> bool:
    """Whether a `rapport worker` reported in the last few seconds."""
    return WorkerHeartbeat.objects.filter(beat_at__gte=timezone.now() - ALIVE_WITHIN).exists()


def delivery_job_data(delivery: Delivery) -> dict[str, Any]:
    """The delivery as API.md's job: queued (nothing started), running, done (every message
    delivered or failed; `result` holds the counts)."""
    progress = delivery_progress(delivery)
    total, done = progress["total"], progress["done"]
    if done >= total:
        status = "done"
    elif done or progress["sending"]:
        status = "running"
    else:
        status = "queued"
    return {
        "id": f"{JOB_PREFIX}{delivery.pk}",
        "kind": JOB_KIND,
        "status": status,
        "progress": 100 if not total else done * 100 // total,
        "done": done,
        "total": total,
        "user_id": delivery.created_by_id,
        "result": progress if status == "done" else None,
    }


def delivery_job(job_id: str) -> dict[str, Any] | None:
    """The job source "delivery" (`rapport.core.jobs`): job ids `delivery-<id>`."""
    number = job_id[len(JOB_PREFIX) :]
    if not job_id.startswith(JOB_PREFIX) or not (number.isascii() and number.isdigit()):
        return None
    delivery = Delivery.objects.filter(pk=int(number)).first()
    return None if delivery is None else delivery_job_data(delivery)
