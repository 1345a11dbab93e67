"""Delivery: (1) 10,000 e-mails delivered through the real path — `delivery_requested` fills
the outbox, `rapport worker`'s loop (django-tasks-db `db_worker --batch`, in this process)
merges, assembles and sends them over SMTP to a local aiosmtpd sink running in another process
— against the least sending can cost: a raw `smtplib` loop sending the same messages (the
bytes the sink received from our previous run; the runs start with ours) over one
connection. Interleaved runs, medians; target: our time at most twice the raw time
(throughput ratio >= 0.5). The sink also checks that every Message-ID arrived once.
(2) `delivery_letters`: printing a tenth as many merged letters (1,000 at full size) to one
PDF (`letters.render_pdf`, chunks of 100), after printing a tenth of those (100), in one fresh
process that first prints one untimed letter (fonts and styles load once): `peak_mb` is the
peak RSS after the big one (the note gives the peak after the small one: about equal =
memory stays flat); the baseline is the small one's time times ten, what linear growth gives
(no target).

Run alone: `python -m bench delivery` (`QUICK=1`: 1,000 messages, 100 letters).
"""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
import time
from typing import Any

from bench.runner import Timing, interleave, record, say, size

FULL = 10_000
TARGET = 2.0
CONTACT_PREFIX = "BD"
BODY = (
    "<html><head><style>p { font-family: sans-serif }</style></head><body>"
    "<p>{{ salutation }},</p><p>Thank you for visiting us, {{ contact.name }}. Our new "
    "catalogue is attached in spirit; we look forward to seeing you again.</p>"
    "<p>Kind regards,<br>{{ salesperson.name }}</p></body></html>"
)


def _set_up(messages: int) -> tuple[Any, list[int]]:
    """A marketing user, `messages` contacts with an e-mail address and one logged e-mail
    interaction each (raw bulk inserts; a shared read-only e-mail attachment). Returns the
    user and the entry nos."""
    from django.db.models import Max
    from django.utils import timezone

    from rapport.attachments.services import attachment_create
    from rapport.contacts.models import Contact
    from rapport.core.models import User
    from rapport.interactions.models import InteractionLogEntry

    user = User.objects.filter(username="bench-delivery").first()
    if user is None:
        user = User.objects.create(username="bench-delivery", role="marketing")
    salesperson, group, template = _template(user)
    existing = list(
        InteractionLogEntry.objects.filter(description="Bench delivery")
        .order_by("entry_no")
        .values_list("entry_no", flat=True)
    )
    if len(existing) >= messages:
        return user, existing[:messages]
    now = timezone.now()
    Contact.objects.bulk_create(
        [
            Contact(
                no=f"{CONTACT_PREFIX}{index:07d}",
                type="person",
                name=f"Person {index:07d}",
                search_text=f"person {index:07d}",
                email=f"p{index}@example.com",
                correspondence_type="email",
                created_at=now,
                modified_at=now,
            )
            for index in range(messages)
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    attachment = attachment_create(
        kind="email", subject="Hello {{ contact.name }}", body_html=BODY, read_only=True
    )
    first = (InteractionLogEntry.objects.aggregate(m=Max("entry_no"))["m"] or 0) + 1
    contacts = Contact.objects.filter(no__startswith=CONTACT_PREFIX).order_by("no")[:messages]
    InteractionLogEntry.objects.bulk_create(
        [
            InteractionLogEntry(
                entry_no=first + index,
                contact=contact,
                description="Bench delivery",
                subject="Bench",
                date=now.date(),
                correspondence_type="email",
                attachment=attachment,
                user=user,
                salesperson=salesperson,
                group=group,
                template=template,
                information_flow="outbound",
                initiated_by="us",
            )
            for index, contact in enumerate(contacts)
        ],
        batch_size=2000,
    )
    return user, list(range(first, first + messages))


def _template(user: Any) -> tuple[Any, Any, Any]:
    """The salesperson, interaction group and template the bench entries were logged with."""
    from rapport.contacts.models import Salesperson
    from rapport.contacts.services import salesperson_create
    from rapport.interactions import services
    from rapport.interactions.models import InteractionGroup, InteractionTemplate

    salesperson = Salesperson.objects.filter(code="BDEL").first() or salesperson_create(
        code="BDEL", name="Bench Delivery", user=user
    )
    group = InteractionGroup.objects.filter(code="BDEL").first() or (
        services.interaction_group_create(code="BDEL", description="Bench")
    )
    template = InteractionTemplate.objects.filter(code="BDEL").first() or (
        services.interaction_template_create(code="BDEL", group=group, description="Bench mail")
    )
    return salesperson, group, template


def _reset(entry_nos: list[int]) -> None:
    """Forget earlier runs' deliveries of the bench entries."""
    from rapport.delivery.models import Delivery, OutboxMessage
    from rapport.interactions.models import InteractionLogEntry

    ids = set(
        OutboxMessage.objects.filter(entry__entry_no__in=entry_nos).values_list(
            "delivery_id", flat=True
        )
    )
    Delivery.objects.filter(pk__in=ids).delete()
    InteractionLogEntry.objects.filter(entry_no__in=entry_nos).update(
        delivery_status="", delivery_error=""
    )


def _ours(user: Any, entry_nos: list[int]) -> float:
    """Seconds from requesting the delivery until the worker loop has sent every message."""
    from django.core.management import call_command

    from rapport.delivery.services import delivery_progress, delivery_requested

    _reset(entry_nos)
    began = time.perf_counter()
    delivery = delivery_requested(actor=user, entry_nos=entry_nos)
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    elapsed = time.perf_counter() - began
    progress = delivery_progress(delivery)
    if progress["delivered"] != len(entry_nos):
        raise RuntimeError(f"delivery bench: not all delivered: {progress}")
    return elapsed


def _raw(port: int, messages: list[tuple[str, list[str], bytes]]) -> float:
    """Seconds for smtplib to send `messages` (the same bytes) over one connection."""
    began = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        for sender, recipients, content in messages:
            smtp.sendmail(sender, recipients, content)
    return time.perf_counter() - began


def _smtp_settings(port: int) -> Any:
    from django.test.utils import override_settings

    return override_settings(
        MAILERS={
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 30},
            }
        },
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
    )


def run_sending() -> None:
    from bench.delivery_sink import Sink

    messages = size(FULL)
    started = time.perf_counter()
    user, entry_nos = _set_up(messages)
    say(f"delivery: {messages:,} e-mail interactions in {time.perf_counter() - started:.1f} s")
    sink = Sink()
    sent: list[list[tuple[str, list[str], bytes]]] = []
    duplicates = [0]

    def ours() -> float:
        sink.reset()
        seconds = _ours(user, entry_nos)
        duplicates[0] += sink.duplicates()
        received = sink.take()
        if len(received) != messages:
            raise RuntimeError(f"the sink received {len(received)} of {messages}")
        sent[:] = [received]
        return seconds

    def raw() -> float:
        seconds = _raw(sink.port, sent[0])
        sink.take()
        return seconds

    try:
        with _smtp_settings(sink.port):
            a, b = interleave(ours, raw)  # A first: raw sends what the last A run received
    finally:
        sink.stop()
        _reset(entry_nos)
    if duplicates[0]:
        raise RuntimeError(f"delivery bench: {duplicates[0]} Message-IDs arrived twice")
    record(
        "delivery",
        messages,
        a,
        b,
        target=TARGET,
        note=f"throughput {messages / a.median:,.0f}/s vs {messages / b.median:,.0f}/s raw",
    )


_PEAK_SCRIPT = """
import resource, sys, time
from rapport.delivery.letters import render_pdf
def letters(count):
    return [
        "<html><head><style>h1 { font-size: 14pt }</style></head><body>"
        "<h1>Dear Contact %05d</h1><p>Thank you for your order of last week. "
        "Your catalogue follows by post.</p><p>Kind regards,<br>Rapport</p></body></html>" % n
        for n in range(count)
    ]
render_pdf(letters(1))  # untimed: fonts and styles loaded once, not billed to the first count
for count in map(int, sys.argv[1:]):
    pages = letters(count)
    began = time.perf_counter()
    pdf = render_pdf(pages)
    seconds = time.perf_counter() - began
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, seconds, len(pdf))
"""


def _peaks(*counts: int) -> list[tuple[float, float, int]]:
    """(peak RSS so far in MiB, seconds, PDF bytes) after printing each of `counts` short
    letters in turn, in one fresh process (smallest first: each peak is then its own)."""
    out = subprocess.run(
        [sys.executable, "-c", _PEAK_SCRIPT, *map(str, counts)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    ).stdout.splitlines()
    return [(int(a) / 1024, float(b), int(c)) for a, b, c in (line.split() for line in out)]


def run_letters() -> None:
    letters = max(size(FULL) // 10, 1)
    chunk = max(letters // 10, 1)
    (chunk_rss, chunk_seconds, _size), (rss, seconds, pdf_size) = _peaks(chunk, letters)
    record(
        "delivery_letters",
        letters,
        Timing.of([seconds]),
        Timing.of([chunk_seconds * letters / chunk]),
        target=None,
        peak_mb=round(rss, 1),
        note=f"peak {rss:.0f} MiB after {letters:,} letters ({pdf_size / 1024 / 1024:.1f} MiB "
        f"PDF), {chunk_rss:.0f} MiB after {chunk:,}; baseline: {chunk:,} letters' time x "
        f"{letters // chunk} (linear growth)",
    )


def run() -> None:
    run_sending()
    run_letters()
