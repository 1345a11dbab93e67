"""Delivery: (1) 10,000 e-mails delivered through the real path — `delivery_requested` fills
the outbox, `rapport worker`'s loop (django-tasks-db `db_worker --batch`, in this process)
merges, assembles and sends them over SMTP to a local aiosmtpd sink running in another process
— against the least sending can cost: a raw `smtplib` loop sending the same messages (the
bytes the sink received from our run) over one connection. Runs are interleaved (ours, raw,
ours, raw, ...) and the median of each is reported; the target is a throughput ratio of at
least 0.5 (our time at most twice the raw time). The sink also checks that every Message-ID
arrived once.
(2) The peak memory (RSS) of printing 10,000 merged letters to one PDF (`letters.render_pdf`,
chunks of 100), in a fresh process, beside the same for one chunk of 100 letters: a ratio near
1 means memory stays flat however many letters there are.

Sizes: BENCH_DELIVERY_MESSAGES (default 10000), BENCH_DELIVERY_RUNS (default 3),
BENCH_LETTERS (default 10000), e.g. `BENCH_DELIVERY_MESSAGES=1000 BENCH_LETTERS=500 python -c
"import bench.__main__ as m; m.setup_django(); import bench.delivery as d; d.run(m.best_of,
m.report)"`.
"""

from __future__ import annotations

import os
import smtplib
import statistics
import subprocess
import sys
import time
from typing import Any

MESSAGES = int(os.environ.get("BENCH_DELIVERY_MESSAGES", "10000"))
RUNS = max(3, int(os.environ.get("BENCH_DELIVERY_RUNS", "3")))
LETTERS = int(os.environ.get("BENCH_LETTERS", "10000"))
CONTACT_PREFIX = "BD"
BODY = (
    "<html><head><style>p { font-family: sans-serif }</style></head><body>"
    "<p>{{ salutation }},</p><p>Thank you for visiting us, {{ contact.name }}. Our new "
    "catalogue is attached in spirit; we look forward to seeing you again.</p>"
    "<p>Kind regards,<br>{{ salesperson.name }}</p></body></html>"
)


def _set_up() -> tuple[Any, list[int]]:
    """A marketing user, MESSAGES contacts with an e-mail address and one logged e-mail
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
    if len(existing) >= MESSAGES:
        return user, existing[:MESSAGES]
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
            for index in range(MESSAGES)
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    attachment = attachment_create(
        kind="email", subject="Hello {{ contact.name }}", body_html=BODY, read_only=True
    )
    first = (InteractionLogEntry.objects.aggregate(m=Max("entry_no"))["m"] or 0) + 1
    contacts = Contact.objects.filter(no__startswith=CONTACT_PREFIX).order_by("no")[:MESSAGES]
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
    return user, list(range(first, first + MESSAGES))


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


def run_sending(report: Any) -> None:
    from bench.delivery_sink import Sink

    started = time.perf_counter()
    user, entry_nos = _set_up()
    print(f"  (set up {MESSAGES} e-mail interactions in {time.perf_counter() - started:.1f} s)")
    sink = Sink()
    try:
        with _smtp_settings(sink.port):
            ours_times, raw_times, duplicates = [], [], 0
            for _ in range(RUNS):
                sink.reset()
                ours_times.append(_ours(user, entry_nos))
                duplicates += sink.duplicates()
                messages = sink.take()
                if len(messages) != MESSAGES:
                    raise RuntimeError(f"the sink received {len(messages)} of {MESSAGES}")
                raw_times.append(_raw(sink.port, messages))
    finally:
        sink.stop()
        _reset(entry_nos)
    ours, raw = statistics.median(ours_times), statistics.median(raw_times)
    report(f"deliver {MESSAGES} e-mails, worker (s, median)", ours, "raw smtplib loop", raw, "s")
    print(
        f"  throughput {MESSAGES / ours:,.0f}/s vs {MESSAGES / raw:,.0f}/s raw: throughput "
        f"ratio {raw / ours:.2f} (target >= 0.5); Message-IDs received twice: {duplicates}"
    )


_PEAK_SCRIPT = """
import resource, sys, time
from rapport.delivery.letters import render_pdf
count = int(sys.argv[1])
pages = [
    "<html><head><style>h1 { font-size: 14pt }</style></head><body>"
    "<h1>Dear Contact %05d</h1><p>Thank you for your order of last week. "
    "Your catalogue follows by post.</p><p>Kind regards,<br>Rapport</p></body></html>" % n
    for n in range(count)
]
began = time.perf_counter()
pdf = render_pdf(pages)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.perf_counter() - began, len(pdf))
"""


def _peak(count: int) -> tuple[float, float, int]:
    """(peak RSS in MiB, seconds, PDF bytes) of printing `count` short letters, in a fresh
    process."""
    out = subprocess.run(
        [sys.executable, "-c", _PEAK_SCRIPT, str(count)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    ).stdout.split()
    return int(out[0]) / 1024, float(out[1]), int(out[2])


def run_letters(report: Any) -> None:
    chunk_rss, chunk_seconds, _size = _peak(100)
    rss, seconds, size = _peak(LETTERS)
    report(f"print {LETTERS} letters to PDF, peak RSS (MiB)", rss, "100 letters", chunk_rss, "MiB")
    print(
        f"  {LETTERS} letters: {seconds:.1f} s ({seconds / LETTERS * 1000:.1f} ms each), "
        f"{size / 1024 / 1024:.1f} MiB PDF; 100 letters: {chunk_seconds:.1f} s"
    )


def run(best_of: Any, report: Any) -> None:
    run_sending(report)
    run_letters(report)
