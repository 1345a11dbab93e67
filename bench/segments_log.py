"""Segments: logging a 100,000-line segment with `segment_log` (every check, the logged
segment, the campaign entry, one interaction per line, the segment deleted — one transaction),
against the least logging can cost: one hand-written INSERT … SELECT of the same 100,000 log
entries from the segment's lines.

Sizes: BENCH_SEGMENT_LINES (default 100000) and BENCH_SEGMENT_RUNS (default 3), e.g.
`BENCH_SEGMENT_LINES=5000 BENCH_SEGMENT_RUNS=1 python -m bench` for a quick run; or just this
benchmark: `python -c "import bench.__main__ as m; m.setup_django(); import bench.segments_log as
s; s.run(m.best_of, m.report)"`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

LINES = int(os.environ.get("BENCH_SEGMENT_LINES", "100000"))
RUNS = int(os.environ.get("BENCH_SEGMENT_RUNS", "3"))
SEGMENT_NO = "BENCHLOG"
CONTACT_PREFIX = "BL"


def _set_up() -> Any:
    """The contacts (raw inserts), a salesperson, a template with a campaign, a marketing
    user; returns the user."""
    from django.utils import timezone

    from rapport.campaigns.models import Campaign
    from rapport.campaigns.services import campaign_create
    from rapport.contacts.models import Contact, Salesperson
    from rapport.contacts.services import salesperson_create
    from rapport.core.models import User
    from rapport.interactions import services
    from rapport.interactions.models import InteractionGroup, InteractionTemplate

    user = User.objects.filter(username="bench-log").first()
    if user is None:
        user = User.objects.create(username="bench-log", role="marketing")
    if not Salesperson.objects.filter(code="BLOG").exists():
        salesperson_create(code="BLOG", name="Bench Log", user=user)
    if not Campaign.objects.filter(no="BLOGCP").exists():
        campaign_create(no="BLOGCP", description="Bench campaign")
    if not InteractionGroup.objects.filter(code="BLOG").exists():
        services.interaction_group_create(code="BLOG", description="Bench")
    if not InteractionTemplate.objects.filter(code="BLOG").exists():
        services.interaction_template_create(
            code="BLOG",
            group=InteractionGroup.objects.get(code="BLOG"),
            description="Bench letter",
            unit_cost="0.50",
            unit_duration=3,
            information_flow="outbound",
            initiated_by="us",
        )
    existing = Contact.objects.filter(no__startswith=CONTACT_PREFIX).count()
    if existing < LINES:
        now = timezone.now()
        qn = connection.ops.quote_name
        sql = (
            f"INSERT INTO {qn(Contact._meta.db_table)} "  # noqa: S608 - names are ours
            "(no, type, name, search_text, email, correspondence_type, exclude_from_segment, "
            "privacy_blocked, address, address_2, post_code, city, phone_no, mobile_phone_no, "
            "fax_no, job_title, no_series, created_at, modified_at) "
            "VALUES (%s, 'person', %s, %s, %s, %s, %s, %s, '', '', '', '', '', '', '', '', '', "
            "%s, %s)"
        )
        rows = [
            (
                f"{CONTACT_PREFIX}{index:07d}",
                f"Person {index:07d}",
                f"person {index:07d}",
                f"p{index}@example.com" if index % 3 else "",  # a third without e-mail
                "email" if index % 2 else "",
                False,
                False,
                now,
                now,
            )
            for index in range(existing, LINES)
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    return user


def _make_segment(user: Any) -> Any:
    """The segment with one line per bench contact (set-based `insert_lines`)."""
    from rapport.campaigns.models import Campaign
    from rapport.contacts.models import Contact
    from rapport.interactions.models import InteractionTemplate
    from rapport.segments import services
    from rapport.segments.models import LoggedSegment, Segment
    from rapport.segments.services.line_values import insert_lines

    LoggedSegment.objects.filter(segment_no=SEGMENT_NO).delete()
    existing = Segment.objects.filter(no=SEGMENT_NO).first()
    if existing is not None:
        services.segment_delete(actor=user, segment=existing)
    segment = services.segment_create(
        actor=user,
        no=SEGMENT_NO,
        description="Bench mailing",
        template=InteractionTemplate.objects.get(code="BLOG"),
        campaign=Campaign.objects.get(no="BLOGCP"),
    )
    action = services.start_criteria_action(actor=user, segment=segment, action="add")
    contacts = Contact.objects.filter(no__startswith=CONTACT_PREFIX, no__lt=_limit())
    assert insert_lines(segment, contacts, action_no=action.action_no) == LINES
    return segment


def _limit() -> str:
    return f"{CONTACT_PREFIX}{LINES:07d}"


def _delete_log() -> None:
    from rapport.campaigns.models import CampaignEntry
    from rapport.interactions.models import InteractionLogEntry
    from rapport.segments.models import LoggedSegment

    with transaction.atomic():
        InteractionLogEntry.objects.filter(segment_no=SEGMENT_NO).delete()
        CampaignEntry.objects.filter(segment_no=SEGMENT_NO).delete()
        LoggedSegment.objects.filter(segment_no=SEGMENT_NO).delete()


def _raw_insert_select(segment: Any) -> Callable[[], None]:
    """The baseline: one hand-written INSERT … SELECT of the same log entries (same columns,
    consecutive entry nos. in line order) from the segment's lines, in one transaction."""
    from django.db.models import Max
    from django.utils import timezone

    from rapport.interactions.models import InteractionLogEntry

    def insert() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            highest = InteractionLogEntry.objects.aggregate(m=Max("entry_no"))["m"] or 0
            now = timezone.now()
            cursor.execute(
                "INSERT INTO interactions_interactionlogentry (entry_no, contact_id, "
                "contact_company_id, template_id, group_id, description, subject, "
                "salesperson_id, date, time, cost, duration, information_flow, initiated_by, "
                "evaluation, attempt_failed, correspondence_type, language_id, campaign_id, "
                "campaign_target, campaign_response, segment_no, logged_segment_entry_no, "
                "canceled, postponed, delivery_status, user_id, created_at, modified_at) "
                "SELECT %s + ROW_NUMBER() OVER (ORDER BY l.line_no), l.contact_id, "
                "l.contact_company_id, l.template_id, l.group_id, l.description, l.subject, "
                "l.salesperson_id, l.date, l.time, l.cost, l.duration, l.information_flow, "
                "l.initiated_by, l.evaluation, l.attempt_failed, l.correspondence_type, "
                "l.language_id, l.campaign_id, l.campaign_target, l.campaign_response, %s, "
                "NULL, %s, %s, '', NULL, %s, %s "
                "FROM segments_segmentline l WHERE l.segment_id = %s AND l.contact_id IS NOT "
                "NULL ORDER BY l.line_no",
                [highest, SEGMENT_NO, False, False, now, now, segment.pk],
            )

    return insert


def _raw_delete_segment(segment: Any) -> None:
    """The rest of the baseline's work: the segment's history and lines deleted, raw."""
    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("segments_segmenthistory", "segments_segmentline"):
            cursor.execute(f"DELETE FROM {table} WHERE segment_id = %s", [segment.pk])  # noqa: S608


def run(best_of, report) -> None:  # type: ignore[no-untyped-def]
    from rapport.interactions.models import InteractionLogEntry
    from rapport.segments.services import segment_log

    started = time.perf_counter()
    user = _set_up()
    print(f"  (set up {LINES} contacts in {time.perf_counter() - started:.1f} s)")

    logged_best = float("inf")
    for _ in range(RUNS):
        _delete_log()
        segment = _make_segment(user)
        began = time.perf_counter()
        result = segment_log(actor=user, segment=segment, deliver=False)
        logged_best = min(logged_best, time.perf_counter() - began)
        assert result.no_of_interactions == LINES

    raw_best = full_best = float("inf")
    for _ in range(RUNS):
        _delete_log()
        segment = _make_segment(user)
        insert = _raw_insert_select(segment)
        began = time.perf_counter()
        insert()
        raw_best = min(raw_best, time.perf_counter() - began)
        _raw_delete_segment(segment)
        full_best = min(full_best, time.perf_counter() - began)
        assert InteractionLogEntry.objects.filter(segment_no=SEGMENT_NO).count() == LINES
    _delete_log()
    report(
        f"segment_log, {LINES}-line segment (s)",
        logged_best,
        "raw INSERT…SELECT",
        raw_best,
        "s",
    )
    report(
        f"segment_log, {LINES}-line segment (s)",
        logged_best,
        "raw INSERT…SELECT + DELETE lines",
        full_best,
        "s",
    )
