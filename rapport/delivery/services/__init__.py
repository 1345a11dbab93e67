"""Delivery's operations (the outbox, sending, recovery, resend), by subject:

* `queue` — `delivery_requested` (the interactions' delivery requester): one outbox message
  per entry, queued on commit;
* `sending` — `delivery_run` (what `deliver_task` runs): claim, merge, send, record;
* `smtp` — the two-phase DATA on one SMTP connection; `writer` — the hot-path state UPDATEs;
* `letters` — hard-copy messages become letters;
* `recovery` — the worker's heartbeat and the recovery of what a dead worker left;
* `resend` — failed → queued again;
* `progress` — counts, the job source, whether a worker runs.
"""

from rapport.delivery.services.progress import (
    delivery_for_entry,
    delivery_for_logged_segment,
    delivery_job,
    delivery_job_data,
    delivery_progress,
    worker_alive,
)
from rapport.delivery.services.queue import delivery_requested, enqueue_delivery
from rapport.delivery.services.recovery import delivery_recover, heartbeat
from rapport.delivery.services.resend import resend
from rapport.delivery.services.sending import claim_batch, delivery_run

__all__ = [
    "claim_batch",
    "delivery_for_entry",
    "delivery_for_logged_segment",
    "delivery_job",
    "delivery_job_data",
    "delivery_progress",
    "delivery_recover",
    "delivery_requested",
    "delivery_run",
    "enqueue_delivery",
    "heartbeat",
    "resend",
    "worker_alive",
]
