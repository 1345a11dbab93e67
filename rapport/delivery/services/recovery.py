"""What a dead worker leaves behind, put right (run by `rapport worker` at start and every few
seconds; a worker is dead when its heartbeat is older than settings.RAPPORT_WORKER_DEAD_AFTER):

1. `sending` messages it claimed → queued (the server never got their final dot, so they were
   not sent);
2. `handed_over` messages it claimed → delivered, noted "confirmed by recovery" (the server has
   them; sending again would send twice);
3. its RUNNING task results, whatever the task (a delivery, a segment log) → failed, with the
   exception class `rapport.core.jobs.WORKER_STOPPED` (the job then says the worker stopped;
   a segment log wrote nothing, its transaction never committed, and can be started again);
4. a delivery with queued messages and no queued or running `deliver_task` → one queued again.

A claim by a worker that never wrote a heartbeat (plain `db_worker`) is recovered when its lease
has expired.

A stale heartbeat proves a death only when the recovering worker's own beats were not held up
in the meantime (`OwnHeartbeat`): on SQLite a long write (a segment log of tens of thousands of
lines, in one transaction) holds every other writer, so every worker's heartbeat stops at once,
the living ones' too.
"""

from __future__ import annotations

import datetime
import math
import os
import socket
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from rapport.core.jobs import WORKER_STOPPED
from rapport.delivery.models import MessageState, OutboxMessage, WorkerHeartbeat
from rapport.delivery.services import states
from rapport.interactions.choices import DeliveryStatus
from rapport.interactions.models import InteractionLogEntry

FORGET_AFTER = datetime.timedelta(days=1)


def heartbeat(worker_id: str) -> None:
    """Record that worker `worker_id` is alive (now)."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"beat_at": timezone.now(), "pid": os.getpid(), "host": socket.gethostname()},
    )


class OwnHeartbeat:
    """A worker's own heartbeat, and whether it may judge the others by theirs.

    A beat is held up when its write fails or takes longer than a third of
    RAPPORT_WORKER_DEAD_AFTER (it waited for a lock). Whatever held it up may have held up the
    others' beats as well, so the worker judges nobody dead until its own beats have gone
    through promptly for RAPPORT_WORKER_DEAD_AFTER seconds. A worker that starts has not seen
    what came before it (it may start while a long write holds everybody): it too waits that
    long, so a crashed worker's leftovers are recovered RAPPORT_WORKER_DEAD_AFTER seconds after
    another worker starts, not at once."""

    def __init__(self, worker_id: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.worker_id = worker_id
        self.clock = clock
        self.prompt_since = math.inf  # not prompt until a beat is

    def beat(self) -> None:
        """Write the heartbeat; a write that fails is re-raised after it was noted."""
        started = self.clock()
        try:
            heartbeat(self.worker_id)
        except Exception:
            self.prompt_since = math.inf  # nothing went through: not prompt until a beat is
            raise
        finished = self.clock()
        if self.prompt_since == math.inf or finished - started > _dead_after() / 3:
            self.prompt_since = finished

    def judges_others(self) -> bool:
        """Whether a stale heartbeat of another worker proves that it stopped."""
        return self.clock() - self.prompt_since >= _dead_after()


def _dead_after() -> float:
    return float(settings.RAPPORT_WORKER_DEAD_AFTER)


def heartbeat_end(worker_id: str) -> None:
    """A worker that stops cleanly takes its heartbeat away."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def _workers(now: datetime.datetime) -> tuple[set[str], set[str]]:
    """(alive, dead) worker ids by their heartbeats."""
    cutoff = now - datetime.timedelta(seconds=settings.RAPPORT_WORKER_DEAD_AFTER)
    alive: set[str] = set()
    dead: set[str] = set()
    for worker_id, beat_at in WorkerHeartbeat.objects.values_list("worker_id", "beat_at"):
        (alive if beat_at >= cutoff else dead).add(worker_id)
    return alive, dead


def _orphans(state: str, alive: set[str], dead: set[str], now: datetime.datetime) -> Any:
    return OutboxMessage.objects.filter(
        Q(claimed_by__in=dead) | Q(lease_until__lt=now), state=state
    ).exclude(claimed_by__in=alive)


def _recover_messages(alive: set[str], dead: set[str], now: datetime.datetime) -> tuple[int, int]:
    with transaction.atomic():
        orphans = _orphans(MessageState.SENDING, alive, dead, now)
        ids = list(orphans.values_list("id", "entry_id"))
        requeued = OutboxMessage.objects.filter(
            id__in=[row[0] for row in ids], state=MessageState.SENDING
        ).update(state=MessageState.QUEUED, claimed_by="", lease_until=None)
        InteractionLogEntry.objects.filter(id__in=[row[1] for row in ids]).update(
            delivery_status=DeliveryStatus.PENDING
        )
        handed = list(
            _orphans(MessageState.HANDED_OVER, alive, dead, now).values_list("id", "entry_id")
        )
        confirmed = OutboxMessage.objects.filter(
            id__in=[row[0] for row in handed], state=MessageState.HANDED_OVER
        ).update(
            state=MessageState.DELIVERED, note=str(states.CONFIRMED_BY_RECOVERY), lease_until=None
        )
        InteractionLogEntry.objects.filter(id__in=[row[1] for row in handed]).update(
            delivery_status=DeliveryStatus.DELIVERED, delivery_error=""
        )
    return requeued, confirmed


def _database_tasks() -> Any:
    """Every task result, when tasks are kept in the database (else None)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from rapport.delivery.tasks import deliver_task

    if not isinstance(deliver_task.get_backend(), DatabaseBackend):
        return None
    return DBTaskResult.objects.all()


def _fail_dead_tasks(tasks: Any, dead: set[str], now: datetime.datetime) -> int:
    """Fail the RUNNING task results (any task) whose last worker is dead."""
    from django.tasks import TaskResultStatus

    stopped = [
        pk
        for pk, worker_ids in tasks.filter(status=TaskResultStatus.RUNNING).values_list(
            "pk", "worker_ids"
        )
        if worker_ids and worker_ids[-1] in dead
    ]
    return tasks.filter(pk__in=stopped, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=WORKER_STOPPED,
        traceback="The worker stopped (no heartbeat) while the task was running.",
    )


def _requeue_tasks(tasks: Any) -> int:
    from django.tasks import TaskResultStatus

    from rapport.delivery.services.queue import enqueue_delivery
    from rapport.delivery.tasks import deliver_task

    tasks = tasks.filter(task_path=deliver_task.module_path)
    active = {
        (args_kwargs.get("kwargs") or {}).get("delivery_id")
        for args_kwargs in tasks.filter(
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        ).values_list("args_kwargs", flat=True)
    }
    waiting = (
        OutboxMessage.objects.filter(state=MessageState.QUEUED)
        .values("delivery_id")
        .annotate(at=Min("next_attempt_at"))
        .order_by()
    )
    count = 0
    for row in waiting:
        if row["delivery_id"] not in active:
            later = row["at"] if row["at"] and row["at"] > timezone.now() else None
            enqueue_delivery(row["delivery_id"], run_after=later)
            count += 1
    return count


def delivery_recover(*, worker_id: str = "", judge_others: bool = True) -> dict[str, int]:
    """Recover what dead workers left (see the module); returns what was done. `worker_id`:
    the worker that recovers (alive, whatever its heartbeat says). `judge_others` False (its
    own heartbeat was held up lately, `OwnHeartbeat`): every worker with a heartbeat counts as
    alive, so nothing of theirs is taken; the expired claims of a worker without one (plain
    `db_worker`) and deliveries without a task are still seen to."""
    now = timezone.now()
    alive, dead = _workers(now)
    if not judge_others:
        alive, dead = alive | dead, set()
    if worker_id:
        alive.add(worker_id)
        dead.discard(worker_id)
    requeued, confirmed = _recover_messages(alive, dead, now)
    result = {"requeued": requeued, "confirmed": confirmed, "tasks_failed": 0, "enqueued": 0}
    tasks = _database_tasks()
    if tasks is not None:
        with transaction.atomic():
            result["tasks_failed"] = _fail_dead_tasks(tasks, dead, now)
            result["enqueued"] = _requeue_tasks(tasks)
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()
    return result
