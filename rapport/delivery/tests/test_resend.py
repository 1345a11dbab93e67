"""Resend: failed → queued with the same Message-ID; delivered never; a second click queues
nothing; `rapport resend-failed`."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from rapport.core.errors import PermissionDeniedError
from rapport.delivery.models import OutboxMessage
from rapport.delivery.services import delivery_requested, delivery_run, resend
from rapport.delivery.tests.outbox_data import log_entries, outbox_world
from rapport.delivery.tests.smtp_server import SmtpServer, smtp_mailer, smtp_server
from rapport.interactions.models import InteractionLogEntry

__all__ = ["smtp_mailer", "smtp_server"]
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user: Any) -> Any:
    return outbox_world(admin_user)


def test_refused_then_resent_each_message_arrives_exactly_once(
    world: Any, smtp_mailer: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    smtp_mailer.refuse_every(3)
    nos = log_entries(world, 9, logged_segment_entry_no=4)
    delivery = delivery_requested(actor=world.user, logged_segment_entry_no=4)
    delivery_run(delivery_id=delivery.pk, worker_id="w1")
    failed = list(OutboxMessage.objects.filter(state="failed").values_list("message_id", flat=True))
    assert len(failed) == 3
    assert not set(failed) & set(smtp_mailer.ids)
    smtp_mailer.refuse_every(0)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert resend(actor=world.user, logged_segment_entry_no=4) == 3
    assert len(callbacks) == 1
    task = DBTaskResult.objects.get(status="READY")  # (the request's own ran outside a commit)
    assert task.args_kwargs["kwargs"] == {"delivery_id": delivery.pk}
    assert set(
        OutboxMessage.objects.filter(state="queued").values_list("message_id", flat=True)
    ) == set(failed)
    assert set(
        InteractionLogEntry.objects.filter(outbox_message__state="queued").values_list(
            "delivery_status", "delivery_error"
        )
    ) == {("pending", "")}
    result = delivery_run(delivery_id=delivery.pk, worker_id="w1")
    assert (result["delivered"], result["failed"], result["done"]) == (9, 0, 9)
    stored = set(OutboxMessage.objects.values_list("message_id", flat=True))
    assert dict(smtp_mailer.ids) == dict.fromkeys(stored, 1)
    assert len(nos) == 9


def test_a_second_resend_queues_nothing_and_delivered_ones_are_never_queued(
    world: Any,
) -> None:
    nos = log_entries(world, 3)
    delivery_requested(actor=world.user, entry_nos=nos)
    OutboxMessage.objects.filter(entry__entry_no=nos[0]).update(state="failed", error="550 no")
    OutboxMessage.objects.filter(entry__entry_no=nos[1]).update(state="delivered")
    assert resend(actor=world.user, entry_nos=nos) == 1
    assert resend(actor=world.user, entry_nos=nos) == 0
    assert list(OutboxMessage.objects.order_by("id").values_list("state", "error")) == [
        ("queued", ""),
        ("delivered", ""),
        ("queued", ""),
    ]


def test_fax_is_not_resent_and_a_read_only_user_may_not_resend(
    world: Any, read_only_user: Any
) -> None:
    fax = log_entries(world, 1, correspondence_type="fax")
    delivery_requested(actor=world.user, entry_nos=fax)
    assert resend(actor=world.user, entry_nos=fax) == 0
    with pytest.raises(PermissionDeniedError):
        resend(actor=read_only_user, entry_nos=fax)


def test_resend_failed_command(world: Any) -> None:
    first = log_entries(world, 2, logged_segment_entry_no=1)
    other = log_entries(world, 1, logged_segment_entry_no=2)
    delivery_requested(actor=world.user, logged_segment_entry_no=1)
    delivery_requested(actor=world.user, logged_segment_entry_no=2)
    OutboxMessage.objects.update(state="failed", error="550 no")
    out = io.StringIO()
    call_command("resend_failed", "--logged-segment", "2", stdout=out)
    assert out.getvalue() == "1 failed delivery queued again.\n"
    assert OutboxMessage.objects.get(entry__entry_no=other[0]).state == "queued"
    out = io.StringIO()
    call_command("resend_failed", stdout=out)
    assert out.getvalue() == "2 failed deliveries queued again.\n"
    assert len(first) == 2
