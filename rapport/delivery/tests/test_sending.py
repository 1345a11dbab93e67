"""Sending over a real SMTP server (aiosmtpd on 127.0.0.1): once, with the stored Message-ID;
refusals fail with the server's reason; an unreachable server is retried, then fails; a
message taken from the worker is not sent; the mailer need not be SMTP."""

from __future__ import annotations

import datetime
import email
import smtplib
from email import policy
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from rapport.delivery.mime import build_message
from rapport.delivery.models import OutboxMessage
from rapport.delivery.services import claim_batch, delivery_requested, delivery_run, sending
from rapport.delivery.services.smtp import dot_stuffed
from rapport.delivery.tests.outbox_data import log_entries, outbox_world
from rapport.delivery.tests.smtp_server import REFUSAL, SmtpServer, smtp_mailer, smtp_server
from rapport.interactions.models import InteractionLogEntry

__all__ = ["smtp_mailer", "smtp_server"]
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user: Any) -> Any:
    return outbox_world(admin_user)


def statuses(nos: list[int]) -> list[tuple[str, str]]:
    return list(
        InteractionLogEntry.objects.filter(entry_no__in=nos)
        .order_by("entry_no")
        .values_list("delivery_status", "delivery_error")
    )


def test_each_message_is_sent_once_with_its_stored_message_id(
    world: Any, smtp_mailer: SmtpServer
) -> None:
    nos = log_entries(world, 6)
    delivery = delivery_requested(actor=world.user, entry_nos=nos)
    result = delivery_run(delivery_id=delivery.pk, worker_id="w1")
    assert (result["delivered"], result["done"], result["total"]) == (6, 6, 6)
    stored = set(OutboxMessage.objects.values_list("message_id", flat=True))
    assert dict(smtp_mailer.ids) == dict.fromkeys(stored, 1)
    recipients = [rcpt for rcpt, _message in smtp_mailer.messages]
    assert recipients == [["c1@example.com"], ["c2@example.com"], ["c3@example.com"]] * 2
    _rcpt, first = smtp_mailer.messages[0]
    assert first["Subject"] == "Spring offer"
    assert first["To"] == "Company 1 <c1@example.com>"
    assert first["From"] == "rapport@localhost"
    assert first.get_body(("plain",)).get_content().strip() == "Our spring offer."
    assert statuses(nos) == [("delivered", "")] * 6
    assert set(OutboxMessage.objects.values_list("state", "attempts", "claimed_by")) == {
        ("delivered", 1, "w1")
    }
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0
    # a second run finds nothing to send
    delivery_run(delivery_id=delivery.pk, worker_id="w2")
    assert sum(smtp_mailer.ids.values()) == 6


def test_refused_messages_fail_with_the_servers_reason(world: Any, smtp_mailer: SmtpServer) -> None:
    smtp_mailer.refuse_every(3)
    nos = log_entries(world, 7)
    delivery = delivery_requested(actor=world.user, entry_nos=nos)
    result = delivery_run(delivery_id=delivery.pk, worker_id="w1")
    assert (result["delivered"], result["failed"]) == (5, 2)
    reason = "550 5.7.1 Refused by test server"
    assert reason == REFUSAL
    expected = [("delivered", "")] * 7
    expected[2] = expected[5] = ("failed", reason)
    assert statuses(nos) == expected
    assert sorted(OutboxMessage.objects.filter(state="failed").values_list("error", flat=True)) == [
        reason,
        reason,
    ]
    assert len(smtp_mailer.ids) == 5 and set(smtp_mailer.ids.values()) == {1}


def test_an_unreachable_server_is_retried_later_then_fails(world: Any, settings: Any) -> None:
    from rapport.delivery.tests.smtp_server import free_port

    port = free_port()  # nobody listens there
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }
    nos = log_entries(world, 3)
    delivery = delivery_requested(actor=world.user, entry_nos=nos)
    before = timezone.now()
    delivery_run(delivery_id=delivery.pk, worker_id="w1")
    rows = list(OutboxMessage.objects.order_by("id").values_list("state", "attempts", "error"))
    assert [row[:2] for row in rows] == [("queued", 1), ("queued", 0), ("queued", 0)]
    assert rows[0][2].startswith(f"Could not reach the SMTP server 127.0.0.1:{port}: ")
    first = OutboxMessage.objects.order_by("id").first()
    assert first.next_attempt_at >= before + datetime.timedelta(seconds=29)
    assert statuses(nos) == [("pending", "")] * 3
    # the last allowed attempt fails it, with the reason
    OutboxMessage.objects.update(attempts=sending.MAX_ATTEMPTS - 1, next_attempt_at=None)
    delivery_run(delivery_id=delivery.pk, worker_id="w1")
    first.refresh_from_db()
    assert first.state == "failed"
    assert first.error.startswith(f"Could not reach the SMTP server 127.0.0.1:{port}: ")
    assert statuses(nos[:1])[0][0] == "failed"


def test_a_message_taken_from_the_worker_before_hand_over_is_not_sent(
    world: Any, smtp_mailer: SmtpServer
) -> None:
    nos = log_entries(world, 2)
    delivery = delivery_requested(actor=world.user, entry_nos=nos)
    batch = claim_batch(delivery_id=delivery.pk, worker_id="w1", size=10)
    # recovery gave the first message to another worker meanwhile
    OutboxMessage.objects.filter(pk=batch[0].id).update(claimed_by="w2")
    run = sending.Run("w1")
    assert run.send_batch(batch, sending._parts(batch)) is True
    run.close()
    assert [rcpt for rcpt, _m in smtp_mailer.messages] == [["c2@example.com"]]
    assert list(OutboxMessage.objects.order_by("id").values_list("state", "claimed_by")) == [
        ("sending", "w2"),
        ("delivered", "w1"),
    ]


def test_a_mailer_that_is_not_smtp_gets_django_messages(world: Any) -> None:
    nos = log_entries(world, 2)
    delivery = delivery_requested(actor=world.user, entry_nos=nos)
    delivery_run(delivery_id=delivery.pk, worker_id="w1")
    ids = list(OutboxMessage.objects.order_by("id").values_list("message_id", flat=True))
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == ids
    assert [m.to for m in mail.outbox] == [
        ["Company 1 <c1@example.com>"],
        ["Company 2 <c2@example.com>"],
    ]
    assert statuses(nos) == [("delivered", "")] * 2


def test_rate_limit_counts_what_was_sent_in_the_last_minute(world: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(sending, "_rate_limit", lambda: 5)
    nos = log_entries(world, 3)
    delivery_requested(actor=world.user, entry_nos=nos)
    OutboxMessage.objects.filter(
        pk__in=OutboxMessage.objects.order_by("id")[:2].values("pk")
    ).update(sent_at=timezone.now())
    assert sending.rate_budget(100) == 3
    OutboxMessage.objects.update(sent_at=timezone.now() - datetime.timedelta(seconds=61))
    assert sending.rate_budget(100) == 5
    monkeypatch.setattr(sending, "_rate_limit", lambda: 0)
    assert sending.rate_budget(100) == 100


def test_mime_parses_back_with_headers_encoded_and_files() -> None:
    data = build_message(
        message_id="<rapport.1.ab@example.org>",
        from_header="Rapport <rapport@example.org>",
        to_addr="zoe@example.com",
        to_name="Zoë Ärger\r\nBcc: evil@example.com",
        subject="Offre spéciale\nBcc: evil@example.com",
        text="Hello\n.leading dot\nline",
        html="<p>Héllo</p>",
        files=[
            ("offer.pdf", "application/pdf", b"%PDF-1.4 data"),
            ("brief ü.docx", "application/octet-stream", b"docx"),
        ],
    )
    assert b"\r\n..leading dot" in dot_stuffed(data)
    message = email.message_from_bytes(data.replace(b"\r\n", b"\n"), policy=policy.default)
    assert message["Message-ID"] == "<rapport.1.ab@example.org>"
    assert message["Subject"] == "Offre spéciale Bcc: evil@example.com"
    assert message["To"].addresses[0].display_name == "Zoë Ärger Bcc: evil@example.com"
    assert message["Bcc"] is None
    assert message.get_content_type() == "multipart/mixed"
    assert message.get_body(("plain",)).get_content() == "Hello\n.leading dot\nline"
    assert message.get_body(("html",)).get_content() == "<p>Héllo</p>"
    files = [
        (part.get_filename(), part.get_content_type(), part.get_content())
        for part in message.iter_attachments()
    ]
    assert files == [
        ("offer.pdf", "application/pdf", b"%PDF-1.4 data"),
        ("brief ü.docx", "application/octet-stream", b"docx"),
    ]


def test_two_phase_data_keeps_a_leading_dot(smtp_server: SmtpServer) -> None:
    from rapport.delivery.services.smtp import send_two_phase

    data = build_message(
        message_id="<x@y>",
        from_header="a@b.c",
        to_addr="d@e.f",
        to_name="",
        subject="Dots",
        text=".\n..two\n.",
        html="",
    )
    connection = smtplib.SMTP("127.0.0.1", smtp_server.port, timeout=5)
    handed: list[bool] = []
    code, _reply = send_two_phase(
        connection, "a@b.c", "d@e.f", data, lambda: handed.append(True) or True
    )
    connection.quit()
    assert (code, handed) == (250, [True])
    _rcpt, message = smtp_server.messages[0]
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == ".\n..two\n."


def test_a_database_error_while_merging_fails_no_message(
    world: Any, smtp_mailer: SmtpServer, monkeypatch: Any
) -> None:
    """A locked or lost database is no entry's fault: the run ends with the error and the
    claimed messages stay the worker's to recover (requeued), never failed."""
    from django.db import OperationalError

    from rapport.delivery.merge import email as merge_email

    nos = log_entries(world, 3)
    delivery = delivery_requested(actor=world.user, entry_nos=nos)

    def locked(entry_nos: list[int]) -> dict[int, Any]:
        raise OperationalError("database table is locked")

    monkeypatch.setattr(merge_email, "email_parts", locked)
    with pytest.raises(OperationalError):
        delivery_run(delivery_id=delivery.pk, worker_id="w1")
    assert smtp_mailer.messages == []
    assert statuses(nos) == [("sending", "")] * 3
    assert set(OutboxMessage.objects.values_list("state", "error")) == {("sending", "")}
