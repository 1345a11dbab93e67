"""Run in a subprocess by the worker tests, on their own database (RAPPORT_DATA_DIR or
DATABASE_URL in the environment):

    python -m rapport.delivery.tests.worker_setup prepare COUNT [EXTRA_TASKS]
        COUNT logged e-mail entries and one delivery of them (its deliver_task queued on
        commit), plus EXTRA_TASKS more deliver_tasks for it (so several workers run it at once)
"""

from __future__ import annotations

import os
import sys


def prepare(count: int, extra_tasks: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from rapport.delivery.services import delivery_requested
    from rapport.delivery.tasks import deliver_task
    from rapport.delivery.tests.outbox_data import log_entries, outbox_world

    with transaction.atomic():
        user = get_user_model().objects.create_user(username="worker-test")
        world = outbox_world(user)
        log_entries(world, count, logged_segment_entry_no=1)
        delivery = delivery_requested(actor=user, logged_segment_entry_no=1)
    for _n in range(extra_tasks):
        deliver_task.enqueue(delivery_id=delivery.pk)
    print(delivery.pk)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    if sys.argv[1] == "prepare":
        prepare(int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 0)
