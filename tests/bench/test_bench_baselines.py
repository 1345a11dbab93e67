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

    mark = _audit_mark()
    result = segment_add_contacts(actor=user, segment=segment, filters=scenario.FILTERS)
    by_product = [*written(), _audited_since(mark)]
    scenario._empty(segment)
    mark = _audit_mark()
    added = scenario._raw_add(segment, nl, user)()
    assert (result.added, added) == (27, 27)  # 30 in NL: one blocked, one excluded, one no e-mail
    assert [*written(), _audited_since(mark)] == by_product
    assert len(by_product[-1]) == 1  # the one audit entry of Add contacts (issue 12)


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
    mark = _audit_mark()
    segment_log(actor=user, segment=segment, deliver=False)
    by_product, audited = written(), _audited_since(mark)
    scenario._wipe()
    segment = Segment.objects.get(pk=scenario._copy_segment(pristine.pk, scenario.SEGMENT_NO))
    mark = _audit_mark()
    assert scenario.raw_work(_execute, scenario._plan(segment, user)) == 60
    assert written() == by_product
    assert _audited_since(mark) == audited
    assert len(audited) == 1  # the log's one audit entry (issue 12)
    assert by_product[-1] is False
    assert [row[2] for row in by_product[0] if row[1] in _ids("BL0000002", "BL0000007")] == [
        "",
        "",
    ]
    assert len(by_product[2]) > 0  # the totals were written (and equal)


def _audit_mark() -> int:
    from rapport.audit.models import AuditEntry

    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _audited_since(mark: int) -> list[Any]:
    """The audit rows written after `mark` (their time aside; the logged segment's entry no.
    is the same on both sides: `_wipe` empties the logged segments)."""
    from rapport.audit.models import AuditEntry

    return _rows(AuditEntry.objects.filter(id__gt=mark), SKIP | {"at"})


def _ids(*nos: str) -> set[int]:
    from rapport.contacts.models import Contact

    return set(Contact.objects.filter(no__in=nos).values_list("pk", flat=True))


def test_api_create_baseline_writes_the_same_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bare endpoint of `api_create` writes the entry the API writes and its audit entry
    (issue 12): the same columns, the entry no. as the audit entry's key, the request's
    description in its changes."""
    import datetime

    from django.test import Client

    from bench import api_create as scenario
    from bench import bare_wsgi
    from rapport.audit.models import AuditEntry
    from rapport.interactions.models import InteractionLogEntry

    monkeypatch.setattr(scenario, "CONTACTS", 2)
    # One time for every create (the product's time is "now", rounded up to the minute).
    monkeypatch.setattr(
        "rapport.interactions.services.log.now_rounded_up", lambda: datetime.time(9, 30)
    )
    token, numbers = scenario._set_up()
    scenario._queries_per_create(token, numbers[0])  # two creates: the template rows
    row, audit = scenario._bare_row(), scenario._bare_audit()
    body = {"contact_no": numbers[0], "template_code": scenario.TEMPLATE, "description": "Call 7"}
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post("/api/v1/interactions/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    product_no = response.json()["entry_no"]

    postgres = connection.vendor == "postgresql"
    now = datetime.datetime.now(datetime.UTC)
    row = {**row, "description": "Call 7", "subject": "Call 7"}
    entry_no = _execute(*bare_wsgi.entry_statement(row, now, postgres=postgres, mark="%s"))
    entry_no = entry_no.fetchone()[0]
    _execute(
        *bare_wsgi.audit_statement(audit, entry_no, "Call 7", now, postgres=postgres, mark="%s")
    )

    skip = SKIP | {"entry_no"}
    entries = InteractionLogEntry.objects.filter(entry_no__in=[product_no, entry_no])
    assert len(set(_rows(entries, skip))) == 1, _rows(entries, skip)
    audits = AuditEntry.objects.filter(
        operation="interaction_create", object_key__in=[str(product_no), str(entry_no)]
    )
    assert audits.count() == 2
    assert len(set(_rows(audits, SKIP | {"at", "object_key"}))) == 1, _rows(audits, set())
    assert audits.get(object_key=str(product_no)).changes["description"]["after"] == "Call 7"


def test_contacts_import_baseline_writes_the_same_rows() -> None:
    """The raw baseline of `contacts_import` writes the same contacts, link rows and the
    import's one audit entry (issue 12) as the import itself."""
    import random

    from bench import contacts as scenario
    from rapport.audit.models import AuditEntry

    scenario.set_up()
    imports = AuditEntry.objects.filter(operation="contacts_import")

    def written() -> list[Any]:
        tables = scenario.Written.read(set(scenario.contact_tables())).tables
        return [tables, _rows(imports.order_by("-id")[:1], {"id"}), imports.count()]

    raw = scenario.baseline_from(scenario.rows_for(50, random.Random(1)))  # imports once
    tables, _entry, count = by_product = written()
    assert len(tables[0][2]) == 50 and count == 1
    details = imports.latest("id").details
    assert details == {
        "companies": 10,
        "persons": 40,
        "links": 120,
        "numbers_drawn": 0,
        "work_date": details["work_date"],
        "keep_blanks": False,
        "dry_run": False,
    }
    raw()
    assert written() == [*by_product[:2], 2]
