"""Background work of delivery (Django's tasks API, run by `rapport worker`)."""

from __future__ import annotations

import os
import socket
import threading
from typing import Any

from django.tasks import task
from django.tasks.base import TaskContext


def default_worker_id() -> str:
    """Who runs a task when the backend names no worker (host:pid:thread)."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:64]


@task(takes_context=True)
def deliver_task(context: TaskContext, *, delivery_id: int) -> dict[str, Any]:
    """Send what is due of delivery `delivery_id` (see `services.sending.delivery_run`). Safe to
    run twice, in two workers at once, or again after a crash: the outbox decides."""
    from rapport.delivery.services.sending import delivery_run

    worker_ids = context.task_result.worker_ids
    worker_id = worker_ids[-1] if worker_ids else default_worker_id()
    return delivery_run(delivery_id=delivery_id, worker_id=worker_id)
