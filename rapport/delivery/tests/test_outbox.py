"""delivery_requested: one outbox message per entry to deliver, the entries' status, the task
queued on commit, a repeated request adding nothing; the job source; progress."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from rapport.core.jobs import job_find
from rapport.delivery.models import Delivery, OutboxMessage
from rapport.delivery.services import (
    delivery_for_entry,
    delivery_for_logged_segment,
    delivery_progress,
    delivery_requested,
    worker_alive,
)
from rapport.delivery.services.recovery import heartbeat
from rapport.delivery.tests.outbox_data import log_entries, outbox_world
from rapport.interactions.models import InteractionLogEntry
from rapport.interactions.services.delivery_hooks import delivery_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user: Any) -> Any:
    return outbox_world(admin_user)


def entry(entry_no: int) -> InteractionLogEntry:
    return InteractionLogEntry.objects.get(entry_no=entry_no)


def test_one_message_per_entry_with_a_stable_unique_message_id(
    world: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.RAPPORT_MESSAGE_ID_DOMAIN = "mail.example.org"
    nos = log_entries(world, 3, logged_segment_entry_no=7)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        delivery = delivery_requested(actor=world.user, logged_segment_entry_no=7)
    assert (delivery.total, delivery.logged_segment_entry_no, delivery.entry_no) == (3, 7, None)
    assert delivery.created_by == world.user
    messages = list(OutboxMessage.objects.order_by("entry__entry_no"))
    assert [(m.entry.entry_no, m.channel, m.state) for m in messages] == [
        (no, "email", "queued") for no in nos
    ]
    for message in messages:
        assert re.fullmatch(
            rf"<rapport\.{message.entry.entry_no}\.[0-9a-f]{{16}}@mail\.example\.org>",
            message.message_id,
        )
    assert len({m.message_id for m in messages}) == 3
    assert [entry(no).delivery_status for no in nos] == ["pending"] * 3
    # deliver_task is queued on commit, once, for this delivery
    assert len(callbacks) == 1
    task = DBTaskResult.objects.get()
    assert task.task_path == "rapport.delivery.tasks.deliver_task"
    assert task.args_kwargs["kwargs"] == {"delivery_id": delivery.pk}


def test_fax_and_email_without_address_fail_at_once_with_the_reason(world: Any) -> None:
    fax = log_entries(world, 1, correspondence_type="fax")
    no_mail = log_entries(world, 1, contacts=[world.no_mail])
    letter = log_entries(world, 1, correspondence_type="hard_copy")
    blank = log_entries(world, 1, correspondence_type="")
    delivery = delivery_requested(actor=world.user, entry_nos=fax + no_mail + letter + blank)
    assert delivery.total == 3
    assert (entry(fax[0]).delivery_status, entry(fax[0]).delivery_error) == (
        "failed",
        "Fax cannot be sent by Rapport: print the letter or send an e-mail instead.",
    )
    assert (entry(no_mail[0]).delivery_status, entry(no_mail[0]).delivery_error) == (
        "failed",
        "Contact C4 has no e-mail address.",
    )
    assert (entry(letter[0]).delivery_status, entry(letter[0]).delivery_error) == ("pending", "")
    assert entry(blank[0]).delivery_status == ""
    assert OutboxMessage.objects.get(entry__entry_no=letter[0]).channel == "hard_copy"
    assert delivery_progress(delivery) == {
        "total": 3,
        "queued": 1,
        "sending": 0,
        "delivered": 0,
        "failed": 2,
        "done": 2,
    }


def test_a_repeated_request_adds_nothing_and_returns_the_earlier_delivery(world: Any) -> None:
    nos = log_entries(world, 2)
    first = delivery_request(actor=world.user, entry_nos=nos)  # through the registry
    again = delivery_requested(actor=world.user, entry_nos=nos)
    assert again == first
    assert OutboxMessage.objects.count() == 2
    assert Delivery.objects.count() == 1


def test_canceled_entries_are_not_delivered(world: Any) -> None:
    nos = log_entries(world, 2)
    InteractionLogEntry.objects.filter(entry_no=nos[0]).update(canceled=True)
    delivery = delivery_requested(actor=world.user, entry_nos=nos)
    assert list(OutboxMessage.objects.values_list("entry__entry_no", flat=True)) == [nos[1]]
    assert delivery.total == 1


def test_lookups_and_the_job_source(world: Any) -> None:
    nos = log_entries(world, 2, logged_segment_entry_no=9)
    delivery = delivery_requested(actor=world.user, logged_segment_entry_no=9)
    single = delivery_requested(actor=world.user, entry_nos=log_entries(world, 1))
    assert delivery_for_entry(nos[1]) == delivery
    assert delivery_for_logged_segment(9) == delivery
    assert delivery_for_logged_segment(10) is None
    assert delivery_for_entry(999) is None
    assert single.entry_no == nos[1] + 1
    assert job_find(f"delivery-{delivery.pk}") == {
        "id": f"delivery-{delivery.pk}",
        "kind": "delivery",
        "status": "queued",
        "progress": 0,
        "done": 0,
        "total": 2,
        "user_id": world.user.pk,
        "result": None,
    }
    OutboxMessage.objects.filter(delivery=delivery).update(state="delivered")
    job = job_find(f"delivery-{delivery.pk}")
    assert (job["status"], job["progress"], job["done"]) == ("done", 100, 2)
    assert job["result"]["delivered"] == 2
    assert job_find("delivery-x") is None
    assert job_find(f"delivery-{single.pk + 100}") is None


def test_worker_alive_follows_the_heartbeat(world: Any) -> None:
    assert worker_alive() is False
    heartbeat("w1")
    assert worker_alive() is True
