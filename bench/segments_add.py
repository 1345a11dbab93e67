"""Segments, Add contacts: adding 100,000 of 1,000,000 contacts to a segment with
`segment_add_contacts` (filter `contact.country_code=NL`, with the skip rules: privacy blocked,
excluded, no e-mail, already on the segment), against a hand-written INSERT … SELECT of the
same lines (with the same values and NAV's line order) plus their Segment History rows —
the least any Add contacts can cost. Both measured in the same run.

Sizes: BENCH_SEGMENT_ADD_CONTACTS (default 1,000,000) and BENCH_SEGMENT_ADD_SELECTED (default a
tenth of them); BENCH_SEGMENT_ADD_RUNS (default 3). A quick run:
`BENCH_SEGMENT_ADD_CONTACTS=20000 python -m bench.segments_add`.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

CONTACTS = int(os.environ.get("BENCH_SEGMENT_ADD_CONTACTS", "1000000"))
SELECTED = int(os.environ.get("BENCH_SEGMENT_ADD_SELECTED", str(max(CONTACTS // 10, 1))))
RUNS = int(os.environ.get("BENCH_SEGMENT_ADD_RUNS", "3"))
SEGMENT_NO = "BENCHADD"
PREFIX = "BA"


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _load_contacts() -> tuple[int, int]:
    """CONTACTS contacts in one INSERT … SELECT over a generated series: SELECTED in country NL
    and, beside them, SELECTED / 100 more NL contacts excluded from segments (so the skip rules
    have work), the others in DE; one in five a company. Returns the NL and DE ids."""
    from django.utils import timezone

    from rapport.contacts.models import Contact, Country

    nl = Country.objects.get_or_create(code="NL", defaults={"name": "Netherlands"})[0]
    de = Country.objects.get_or_create(code="DE", defaults={"name": "Germany"})[0]
    step = max(CONTACTS // max(SELECTED, 1), 1)
    now = timezone.now()
    expressions = {
        "no": f"'{PREFIX}' || n.i",
        "type": "CASE WHEN n.i %% 5 = 0 THEN 'company' ELSE 'person' END",
        "name": "'Contact ' || ((n.i * 97) %% 999983)",
        "email": "'c' || n.i || '@example.com'",
        "country_id": f"CASE WHEN n.i %% {step} = 0 OR n.i %% {step * 100} = 1 THEN %s ELSE %s END",
        "exclude_from_segment": f"CASE WHEN n.i %% {step * 100} = 1 THEN TRUE ELSE FALSE END",
        "search_text": "'contact'",
    }
    meta = Contact._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    columns, selects, params = [], [], []
    for f in fields:
        columns.append(_qn(f.column))
        if f.attname in expressions:
            selects.append(expressions[f.attname])
            if f.attname == "country_id":
                params += [nl.pk, de.pk]
        elif f.attname in ("created_at", "modified_at"):
            selects.append("%s")
            params.append(f.get_db_prep_save(now, connection))
        else:
            selects.append("%s")
            params.append(f.get_db_prep_save(f.get_default(), connection))
    series = (
        "SELECT generate_series(1, %s) AS i"
        if connection.vendor == "postgresql"
        else "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %s) "
        "SELECT i FROM s"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_qn(meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {', '.join(selects)} FROM ({series}) AS n",
            [*params, CONTACTS],
        )
        cursor.execute("ANALYZE")
    return nl.pk, de.pk


def _delete_contacts() -> None:
    from rapport.contacts.models import Contact

    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {_qn(Contact._meta.db_table)} WHERE no LIKE %s",  # noqa: S608
            [f"{PREFIX}%"],
        )


def _segment() -> Any:
    from rapport.segments.models import Segment

    Segment.objects.filter(no=SEGMENT_NO).delete()
    return Segment.objects.create(no=SEGMENT_NO, description="Bench: add contacts")


def _empty(segment: Any) -> None:
    from rapport.segments.models import Segment, SegmentCriteriaAction, SegmentHistory, SegmentLine

    with transaction.atomic():
        SegmentHistory.objects.filter(segment=segment).delete()
        SegmentLine.objects.filter(segment=segment)._raw_delete(SegmentLine.objects.db)  # type: ignore[attr-defined]
        SegmentCriteriaAction.objects.filter(segment=segment).delete()
        Segment.objects.filter(pk=segment.pk).update(no_of_criteria_actions=0)
    segment.no_of_criteria_actions = 0


def _raw_add(segment: Any, nl: int) -> Callable[[], None]:
    """The same lines by hand: one INSERT … SELECT of the selected contacts (header values,
    the contact's company, salesperson, language and correspondence type, NAV's line order),
    one INSERT … SELECT of their history rows."""
    from rapport.contacts.models import Contact
    from rapport.segments.models import SegmentHistory, SegmentLine
    from rapport.segments.services.line_values import HISTORY_COPIED

    contacts = _qn(Contact._meta.db_table)
    lines = _qn(SegmentLine._meta.db_table)
    history = _qn(SegmentHistory._meta.db_table)
    insert_lines = (
        f"INSERT INTO {lines} (segment_id, action_no, line_no, contact_id, contact_company_id, "  # noqa: S608
        "salesperson_id, language_id, correspondence_type, description, subject, cost, duration, "
        "information_flow, initiated_by, campaign_target, campaign_response, evaluation, "
        "attempt_failed) "
        "SELECT %s, 1, ROW_NUMBER() OVER (ORDER BY COALESCE(co.name, c.name), "
        "COALESCE(co.no, c.no), CASE WHEN c.type = 'company' THEN 0 ELSE 1 END, c.name, c.no) "
        "* 10000, c.id, CASE WHEN c.type = 'company' THEN c.id ELSE c.company_id END, "
        "c.salesperson_id, NULL, c.correspondence_type, %s, '', 0, 0, '', '', FALSE, FALSE, '', "
        f"FALSE FROM {contacts} c LEFT JOIN {contacts} co ON co.id = c.company_id "
        "WHERE c.country_id = %s AND NOT c.privacy_blocked AND NOT c.exclude_from_segment "
        f"AND NOT EXISTS (SELECT 1 FROM {lines} l WHERE l.segment_id = %s AND l.contact_id = c.id)"
    )
    copied = ", ".join(HISTORY_COPIED)
    insert_history = (
        f"INSERT INTO {history} ({copied}, line_action_no, segment_id, action_no, action_taken) "  # noqa: S608
        f"SELECT {copied}, action_no, segment_id, 1, 'insertion' FROM {lines} "
        "WHERE segment_id = %s AND action_no = 1"
    )

    def run() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(insert_lines, [segment.pk, segment.description, nl, segment.pk])
            cursor.execute(insert_history, [segment.pk])

    return run


def _timed(runs: int, prepare: Callable[[], Any], function: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(runs):
        prepare()
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def run(best_of, report) -> None:  # type: ignore[no-untyped-def]
    from rapport.segments.models import SegmentLine
    from rapport.segments.services import segment_add_contacts

    _delete_contacts()
    started = time.perf_counter()
    nl, _de = _load_contacts()
    print(f"  (loaded {CONTACTS} contacts in {time.perf_counter() - started:.1f} s)")
    segment = _segment()
    filters = {"contact": {"country_code": "NL"}}
    results = []

    def add() -> None:
        results.append(segment_add_contacts(actor=None, segment=segment, filters=filters))

    figure = _timed(RUNS, lambda: _empty(segment), add)
    added = results[-1].added
    skipped = results[-1].total_skipped
    assert SegmentLine.objects.filter(segment=segment).count() == added
    baseline = _timed(RUNS, lambda: _empty(segment), _raw_add(segment, nl))
    assert SegmentLine.objects.filter(segment=segment).count() == added
    print(f"  ({added} lines added, {skipped} skipped as excluded)")
    report(
        f"segment_add_contacts, {added} of {CONTACTS} contacts (s)",
        figure,
        "raw INSERT … SELECT",
        baseline,
        "s",
    )
    _empty(segment)
    segment.delete()
    _delete_contacts()


if __name__ == "__main__":
    from bench.__main__ import best_of, report, setup_django

    setup_django()
    run(best_of, report)
    sys.exit(0)
