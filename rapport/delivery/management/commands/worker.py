"""rapport worker [db_worker's options] [--recover-interval SECONDS]

django-tasks-db's worker, plus what makes delivery exactly-once across crashes: a heartbeat
(every 2 seconds, in a thread) and the recovery of what dead workers left
(`services.delivery_recover`: at start and every `--recover-interval` seconds)."""

from __future__ import annotations

import logging
import os
import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from rapport.core.acting import Source, acting_as
from rapport.delivery.services.recovery import OwnHeartbeat, delivery_recover, heartbeat_end

logger = logging.getLogger("rapport.delivery.worker")

HEARTBEAT_EVERY = 2.0


def heartbeat_every() -> float:
    """Seconds between heartbeats: 2, or a third of RAPPORT_WORKER_DEAD_AFTER when that is
    shorter (a worker must never look dead between two beats)."""
    return min(HEARTBEAT_EVERY, settings.RAPPORT_WORKER_DEAD_AFTER / 3)


class Monitor(threading.Thread):
    """Writes the worker's heartbeat and runs recovery until stopped."""

    def __init__(self, worker_id: str, recover_every: float, own: OwnHeartbeat | None = None):
        super().__init__(name=f"rapport-worker-monitor-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.recover_every = recover_every
        self.own = own or OwnHeartbeat(worker_id)
        self.stopping = threading.Event()

    def beat_and_recover(self, *, recover: bool) -> None:
        try:
            self.own.beat()
            if recover:
                done = delivery_recover(
                    worker_id=self.worker_id, judge_others=self.own.judges_others()
                )
                if any(done.values()):
                    logger.info("Delivery recovery: %s", done)
        except Exception:  # a locked or lost database: try again next time
            logger.exception("Heartbeat or recovery failed")

    def run(self) -> None:
        since_recovery = 0.0
        every = heartbeat_every()
        try:
            while not self.stopping.wait(every):
                since_recovery += every
                recover = since_recovery >= self.recover_every
                if recover:
                    since_recovery = 0.0
                self.beat_and_recover(recover=recover)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        if self.ident is not None:
            self.join(timeout=10)
        try:
            heartbeat_end(self.worker_id)
        except Exception:
            logger.exception("Could not remove the heartbeat")


class Command(DbWorkerCommand):
    help = (
        "Run Rapport's background worker: delivery (e-mail, letters) and the other background "
        "jobs (django-tasks-db), with a heartbeat and the recovery of what a stopped worker "
        "left (messages it was sending are queued again, never sent twice)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--recover-interval",
            type=float,
            default=10.0,
            help="Seconds between recoveries of what dead workers left (default: %(default)r)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        recover_every = max(float(options.pop("recover_interval")), heartbeat_every())
        reloading = options.get("reload") and not options.get("batch")
        if reloading and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The reloader's parent only watches files; its child runs (and monitors) tasks.
            return super().handle(*args, **options)
        monitor = Monitor(options["worker_id"], recover_every)
        monitor.beat_and_recover(recover=True)
        monitor.start()
        try:
            # What a job changes without naming its user is audited as the worker's.
            with acting_as(source=Source.WORKER, name=f"worker:{options['worker_id']}"):
                return super().handle(*args, **options)
        finally:
            monitor.stop()
