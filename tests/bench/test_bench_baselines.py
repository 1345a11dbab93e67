"""The bench's baselines do the same work as the operations they measure: both run on the same
data in the test database, and every row they write is compared (ids and times aside)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

SKIP = {"id", "created_at", "modified_at"}


def _rows(queryset: Any, skip: set[str] = SKIP) -> list[tuple[tuple[str, str], ...]]:
    return sorted(
        tuple(sorted((key, str(value)) for key, value in row.items() if key not in skip))
        for row in queryset.values()
    )


def _execute(sql: str, params: Any = ()) -> Any:
    cursor = connection.cursor()
    cursor.execute(sql, params)
    return cursor


def test_segments_add_baseline_writes_the_same_rows() -> None:
    from bench import data
    from bench import segments_add as scenario
    from rapport.contacts.models import Contact
    from rapport.segments.models import (
        Segment,
        SegmentCriteriaAction,
        SegmentHistory,
        SegmentLine,
    )
    from rapport.segments.services import segment_add_contacts, segment_create

    user = data.bench_user()
    nl = scenario._load(300)
    # One NL contact whose line would be e-mail without an address: skipped by both.
    Contact.objects.filter(no="BA0000030").update(correspondence_type="email", email="")
    segment = segment_create(
        actor=user, no=scenario.SEGMENT_NO, description="Bench", template=data.bench_template()
    )

    def written() -> list[Any]:
        return [
            _rows(model.objects.filter(segment=segment))
            for model in (SegmentLine, SegmentHistory, SegmentCriteriaAction)
        ] + [_rows(Segment.objects.filter(pk=segment.pk))]

    result = segment_add_contacts(actor=user, segment=segment, filters=scenario.FILTERS)
    by_product = written()
    scenario._empty(segment)
    added = scenario._raw_add(segment, nl, user)()
    assert (result.added, added) == (27, 27)  # 30 in NL: one blocked, one excluded, one no e-mail
    assert written() == by_product


def test_segments_log_baseline_writes_the_same_rows() -> None:
    from bench import data
    from bench import segments_log as scenario
    from rapport.campaigns.models import CampaignEntry
    from rapport.contacts.models import Contact
    from rapport.interactions.models import InteractionLogEntry, InteractionTotal
    from rapport.segments.models import LoggedSegment, Segment
    from rapport.segments.services import segment_log

    user = data.bench_user()
    data.contacts(60, prefix=scenario.CONTACT_PREFIX, companies_every=5)
    pristine = data.segment_with_lines(scenario.PRISTINE_NO, scenario.CONTACT_PREFIX, 60, user)
    # Lines logged as e-mail for contacts that have since lost their address: cleared.
    Contact.objects.filter(no__in=["BL0000002", "BL0000007"]).update(email="")

    def written() -> list[Any]:
        entries = InteractionLogEntry.objects.filter(segment_no=scenario.SEGMENT_NO)
        first = min(entries.values_list("entry_no", flat=True))
        numbered = [
            (row["entry_no"] - first, row["contact_id"], row["correspondence_type"])
            for row in entries.values()
        ]
        ids = {"campaign_entry_id", "entry_no"}
        return [
            sorted(numbered),
            _rows(entries, SKIP | ids),
            _rows(InteractionTotal.objects.all()),
            _rows(CampaignEntry.objects.all(), SKIP | ids),
            _rows(LoggedSegment.objects.all(), SKIP | ids),
            Segment.objects.filter(no=scenario.SEGMENT_NO).exists(),
        ]

    scenario._copy_segment(pristine.pk, scenario.SEGMENT_NO)
    segment = Segment.objects.get(no=scenario.SEGMENT_NO)
    segment_log(actor=user, segment=segment, deliver=False)
    by_product = written()
    scenario._wipe()
    segment = Segment.objects.get(pk=scenario._copy_segment(pristine.pk, scenario.SEGMENT_NO))
    assert scenario.raw_work(_execute, scenario._plan(segment, user)) == 60
    assert written() == by_product
    assert by_product[-1] is False
    assert [row[2] for row in by_product[0] if row[1] in _ids("BL0000002", "BL0000007")] == [
        "",
        "",
    ]
    assert len(by_product[2]) > 0  # the totals were written (and equal)


def _ids(*nos: str) -> set[int]:
    from rapport.contacts.models import Contact

    return set(Contact.objects.filter(no__in=nos).values_list("pk", flat=True))
