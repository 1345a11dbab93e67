"""A segment's maintained totals (issue 11): after every operation that changes lines — and
after refused and rolled-back ones — `Segment.no_of_lines`, `total_cost` and `total_duration`
equal the old per-view aggregate over the lines and a rebuild, to the cent; pages, the API and
the command line read them without summing the lines."""

from __future__ import annotations

import contextlib
import importlib
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.contacts.models import Contact
from rapport.core.errors import ConflictError, ValidationFailed
from rapport.segments import selectors, services
from rapport.segments.models import LoggedSegment, Segment, SegmentLine
from rapport.segments.services import selection
from rapport.segments.services.totals import (
    Totals,
    segment_totals_computed,
    segment_totals_rebuild,
)
from rapport.segments.tests import test_log

pytestmark = pytest.mark.django_db

make_series = test_log.make_series
segment_nos = test_log.segment_nos


class _Undo(Exception):
    pass


def old_aggregate(segment: Segment) -> Totals:
    """What `segment_list` computed on every view before issue 11."""
    row = (
        Segment.objects.filter(pk=segment.pk)
        .annotate(
            _lines=Count("lines"),
            _cost=Coalesce(
                Sum("lines__cost"), Value(Decimal(0)), output_field=DecimalField(decimal_places=2)
            ),
            _duration=Coalesce(
                Sum("lines__duration"),
                Value(Decimal(0)),
                output_field=DecimalField(decimal_places=0),
            ),
        )
        .values("_lines", "_cost", "_duration")
        .get()
    )
    return Totals(row["_lines"], row["_cost"], row["_duration"])


def rebuilt(segment: Segment) -> Totals:
    """The totals `segment_totals_rebuild` gives, rolled back (so that a check never repairs
    what a later step should have kept up to date)."""
    found = Totals()
    with contextlib.suppress(_Undo), transaction.atomic():
        segment_totals_rebuild(segment)
        found = Totals.of(Segment.objects.get(pk=segment.pk))
        raise _Undo
    return found


def kept(segment: Segment) -> Totals:
    """The totals as stored, checked against the lines three ways."""
    stored = Totals.of(Segment.objects.get(pk=segment.pk))
    assert stored == old_aggregate(segment) == segment_totals_computed(segment)
    assert stored == rebuilt(segment)
    return stored


def T(lines: int, cost: str, duration: str) -> Totals:
    return Totals(lines, Decimal(cost), Decimal(duration))


@pytest.fixture
def s1(world: Any, make_segment: Any) -> Segment:
    """S1 on template CALL (unit cost 1.50, duration 10) with lines CO1, P1, P3 (P2 has no
    e-mail address for its e-mail correspondence type: skipped)."""
    segment = make_segment("S1", template=world.call)
    result = services.segment_add_contacts(actor=world.mila, segment=segment, filters={})
    assert result.added == 3
    return segment


def line(segment: Segment, contact_no: str) -> SegmentLine:
    return segment.lines.get(contact__no=contact_no)


# --- every operation ----------------------------------------------------------------------------


def test_a_new_segment_has_zero_totals(world: Any, make_segment: Any) -> None:
    segment = make_segment("S0", template=world.call)
    assert kept(segment) == T(0, "0", "0")


def test_adding_reducing_refining_and_going_back(world: Any, s1: Segment) -> None:
    assert kept(s1) == T(3, "4.50", "30")
    services.segment_line_add(actor=world.mila, segment=s1, contact="P2")
    assert kept(s1) == T(4, "6.00", "40")
    services.segment_reduce_contacts(
        actor=world.mila, segment=s1, filters={"contact": {"no": "P1|P2"}}
    )
    assert kept(s1) == T(2, "3.00", "20")
    services.segment_refine_contacts(
        actor=world.mila, segment=s1, filters={"contact": {"no": "P3"}}
    )
    assert kept(s1) == T(1, "1.50", "10")
    for expected in (T(2, "3.00", "20"), T(4, "6.00", "40"), T(3, "4.50", "30"), T(0, "0", "0")):
        services.segment_go_back(actor=world.mila, segment=s1)
        assert kept(s1) == expected


def test_personalising_and_removing_a_line(world: Any, s1: Segment) -> None:
    services.segment_line_update(actor=world.mila, line=line(s1, "P1"), cost="2.25", duration=7)
    assert kept(s1) == T(3, "5.25", "27")
    # Another template refills the line (NEWS: 0.10, 2 minutes).
    services.segment_line_update(actor=world.mila, line=line(s1, "P3"), template=world.news)
    assert kept(s1) == T(3, "3.85", "19")
    services.segment_line_update(actor=world.mila, line=line(s1, "P3"), description="Only text")
    assert kept(s1) == T(3, "3.85", "19")
    services.segment_line_delete(actor=world.mila, line=line(s1, "P1"))
    assert kept(s1) == T(2, "1.60", "12")
    services.segment_go_back(actor=world.mila, segment=s1)  # restored with its own values
    assert kept(s1) == T(3, "3.85", "19")


def test_header_changes_pushed_to_the_lines(world: Any, s1: Segment) -> None:
    services.segment_line_update(actor=world.mila, line=line(s1, "P3"), template=world.news)
    # Not applied: only the header changes.
    services.segment_update(actor=world.mila, segment=s1, cost="9.99", apply_to_lines=False)
    assert kept(s1) == T(3, "3.10", "22")
    # Applied: the lines on the header's template (CO1, P1), not P3 on NEWS.
    services.segment_update(
        actor=world.mila, segment=s1, cost="2.05", duration=12, apply_to_lines=True
    )
    assert kept(s1) == T(3, "4.20", "26")
    # A new template goes to every line (NEWS: 0.10, 2).
    services.segment_update(actor=world.mila, segment=s1, template=world.news, apply_to_lines=True)
    assert kept(s1) == T(3, "0.30", "6")
    services.segment_update(
        actor=world.mila, segment=s1, description="Renamed", apply_to_lines=True
    )
    assert kept(s1) == T(3, "0.30", "6")


def test_languages_and_own_attachments_leave_the_totals(world: Any, make_segment: Any) -> None:
    segment = make_segment("S2", template=world.news)
    services.segment_add_contacts(actor=world.mila, segment=segment, filters={})
    before = kept(segment)
    assert before == T(3, "0.30", "6")  # P2 has no e-mail address for NEWS's e-mail
    services.segment_language_create(actor=world.mila, segment=segment, language="DE")
    services.segment_language_update(
        actor=world.mila, segment=segment, language="NL", subject="Nieuws", apply_to_lines=True
    )
    services.segment_language_delete(actor=world.mila, segment=segment, language="NL")
    assert kept(segment) == before


def test_saved_criteria_and_a_reused_logged_segment(
    world: Any, s1: Segment, make_segment: Any
) -> None:
    services.segment_reduce_contacts(
        actor=world.mila, segment=s1, filters={"contact": {"no": "P1"}}
    )
    services.segment_save_criteria(actor=world.mila, segment=s1, code="TWO")
    s2 = make_segment("S2", template=world.news)
    services.segment_reuse_criteria(actor=world.mila, segment=s2, code="TWO")
    assert kept(s2) == T(2, "0.20", "4")  # NEWS (0.10, 2): CO1 and P3
    s1.refresh_from_db()
    s1.description = "To log"
    services.segment_log(actor=world.mila, segment=s1, deliver=False)
    logged = LoggedSegment.objects.get(segment_no="S1")
    services.segment_reuse_logged_segment(actor=world.mila, segment=s2, logged_segment=logged)
    assert kept(s2) == T(4, "0.40", "8")  # + CO1 and P3 logged from S1


def test_logging_removes_the_segment_and_the_follow_up_has_its_own_totals(
    world: Any, s1: Segment, segment_nos: Any
) -> None:
    services.segment_line_update(actor=world.mila, line=line(s1, "P3"), cost="3.00")
    result = services.segment_log(
        actor=world.mila, segment=s1, deliver=False, follow_up=True, follow_up_copy_setup=True
    )
    assert not Segment.objects.filter(no="S1").exists()
    follow_up = result.follow_up_segment
    assert follow_up is not None
    # The follow-up's lines take its header's values (CALL copied), not the logged lines'.
    assert kept(follow_up) == T(3, "4.50", "30")


# --- refused and rolled back --------------------------------------------------------------------


def test_refused_operations_leave_the_totals(world: Any, s1: Segment) -> None:
    before = kept(s1)
    with pytest.raises(ValidationFailed):
        services.segment_line_update(actor=world.mila, line=line(s1, "P1"), cost="-1")
    with pytest.raises(ConflictError):  # the lines question not answered
        services.segment_update(actor=world.mila, segment=s1, cost="5.00")
    with pytest.raises(ValidationFailed):
        services.segment_line_add(actor=world.mila, segment=s1, contact="NOPE")
    Contact.objects.filter(no="P3").update(privacy_blocked=True)
    with pytest.raises(ValidationFailed):  # a privacy-blocked contact refuses the log
        services.segment_log(actor=world.mila, segment=s1, deliver=False)
    Contact.objects.filter(no="P3").update(privacy_blocked=False)
    dry = services.segment_add_contacts(
        actor=world.mila, segment=s1, filters={}, allow_existing=True, dry_run=True
    )
    assert dry.added == 3
    assert kept(s1) == before
    services.segment_go_back(actor=world.mila, segment=s1)
    with pytest.raises(ConflictError):  # nothing left to undo
        services.segment_go_back(actor=world.mila, segment=s1)
    assert kept(s1) == T(0, "0", "0")


def test_a_failure_after_the_lines_changed_rolls_the_totals_back(
    world: Any, s1: Segment, monkeypatch: Any
) -> None:
    before = kept(s1)

    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(selection, "set_counts", fail)  # after the lines are written
    for operation in (
        lambda: services.segment_add_contacts(
            actor=world.mila, segment=s1, filters={}, allow_existing=True
        ),
        lambda: services.segment_reduce_contacts(actor=world.mila, segment=s1, filters={}),
    ):
        with pytest.raises(RuntimeError):
            operation()
        assert kept(s1) == before


def test_deleting_a_segment_takes_its_totals_along(world: Any, s1: Segment) -> None:
    services.segment_delete(actor=world.mila, segment=s1)
    assert not Segment.objects.filter(pk=s1.pk).exists()


# --- rebuild and the migration ------------------------------------------------------------------


def test_rebuild_recounts_one_or_every_segment(world: Any, s1: Segment, make_segment: Any) -> None:
    empty = make_segment("S9")
    Segment.objects.update(no_of_lines=7, total_cost=Decimal("1.23"), total_duration=5)
    assert segment_totals_rebuild(s1) == 1
    assert Totals.of(Segment.objects.get(pk=s1.pk)) == T(3, "4.50", "30")
    assert Totals.of(Segment.objects.get(pk=empty.pk)) == T(7, "1.23", "5")  # left alone
    assert segment_totals_rebuild() == 2
    assert Totals.of(Segment.objects.get(pk=empty.pk)) == T(0, "0", "0")


def test_the_migration_fills_the_existing_segments(world: Any, s1: Segment) -> None:
    Segment.objects.update(no_of_lines=0, total_cost=0, total_duration=0)
    migration = importlib.import_module("rapport.segments.migrations.0004_segment_totals")
    migration.fill_totals(apps, None)
    assert kept(s1) == T(3, "4.50", "30")


# --- readers: no sums over the lines --------------------------------------------------------------


def _sums_lines(sql: str) -> bool:
    sql = sql.upper()
    return "SEGMENTS_SEGMENTLINE" in sql and ("SUM(" in sql or "COUNT(" in sql)


def _big(world: Any, make_segment: Any, size: int) -> Segment:
    Contact.objects.bulk_create(
        Contact(no=f"T{i:05d}", type="person", name=f"Bulk {i}", email=f"t{i}@x.example")
        for i in range(size)
    )
    segment = make_segment("BIG", template=world.call)
    services.segment_add_contacts(
        actor=world.mila, segment=segment, filters={"contact": {"no": "T*"}}
    )
    return segment


def test_card_list_and_api_read_the_columns_with_the_same_queries(
    world: Any, make_segment: Any, client_for: Any, api_client: Any
) -> None:
    one = make_segment("ONE", template=world.call)
    services.segment_line_add(actor=world.mila, segment=one, contact="P1")
    big = _big(world, make_segment, 120)
    page, api = client_for(world.mila), api_client(world.mila)
    counts: dict[str, list[int]] = {}
    for segment in (one, big):
        for name, client, url in (
            ("card", page, reverse("segments:segment-detail", args=[segment.no])),
            ("api", api, f"/api/v1/segments/{segment.no}/"),
            ("list", page, reverse("segments:segment-list")),
            ("api list", api, "/api/v1/segments/"),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            assert not [q["sql"] for q in queries if _sums_lines(q["sql"])], name
            counts.setdefault(name, []).append(len(queries))
    # Before issue 11: card 7 (one of them the sums, one the paginator's count of the lines),
    # API 4, list 4 (one the sums).
    assert counts == {"card": [6, 6], "api": [3, 3], "list": [4, 4], "api list": [5, 5]}
    body = api.get("/api/v1/segments/BIG/").json()
    assert (body["no_of_lines"], body["cost"], body["duration"]) == (120, "180.00", "1200")
    html = page.get(reverse("segments:segment-detail", args=["BIG"])).content.decode()
    assert 'data-field="no_of_lines">120<' in html
    assert 'data-field="total_cost">180.00<' in html
    assert 'data-field="total_duration">1,200<' in html
    assert "Page 1 of 3" in html  # 120 lines, 50 a page: the paginator has the header's count


def test_log_segment_command_reads_no_sums(world: Any, s1: Segment, capsys: Any) -> None:
    s1.description = "To log"
    Segment.objects.filter(pk=s1.pk).update(description="To log")
    with CaptureQueriesContext(connection) as queries:
        call_command("log_segment", "S1", "--user", "mila", "--no-deliver")
    assert "Segment S1 logged: 3 interactions" in capsys.readouterr().out
    sums = [q["sql"] for q in queries if "SUM(" in q["sql"].upper()]
    assert not [sql for sql in sums if "SEGMENTS_SEGMENTLINE" in sql.upper()]
    assert selectors.segment_list().count() == 0
