"""The audit trail of the segments' operations (issue 12): each operation that changes data
writes exactly one entry (operation, object, user, the values before and after or, for a bulk
operation, its counts and filters), inside its transaction; a refused operation, a dry run, a
cancel of a canceled logged segment or a delete that finds nothing writes none; the log writes
one entry whatever the number of lines (its follow-up segment included)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from rapport.attachments.services import attachment_create
from rapport.audit.models import AuditEntry
from rapport.audit.testing import audit_count, audited
from rapport.contacts.models import Contact
from rapport.core.acting import Source, acting_as
from rapport.core.errors import DomainError
from rapport.interactions.models import InteractionLogEntry
from rapport.numbering.tests.conftest import make_series  # noqa: F401 - fixture
from rapport.segments import services
from rapport.segments.models import LoggedSegment, Segment
from rapport.segments.services import log as services_log
from rapport.segments.tests.test_log import add, run_worker, segment_nos  # noqa: F401


@contextmanager
def writes_nothing() -> Iterator[None]:
    """The block is refused (a DomainError) and writes no audit entry."""
    before = audit_count()
    with pytest.raises(DomainError):
        yield
    assert audit_count() == before


def new_entries(since: int) -> list[tuple[str, str, str]]:
    return [
        (entry.operation, entry.object_type, entry.object_key)
        for entry in AuditEntry.objects.filter(id__gt=since).order_by("id")
    ]


def mark() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def by_mila(entry: AuditEntry, world: Any) -> None:
    assert (entry.user_id, entry.username, entry.source) == (world.mila.pk, "mila", "system")


@pytest.fixture
def s1(world: Any, make_segment: Any) -> Segment:
    """S1 on CALL with lines CO1, P1, P2, P3 (10000 … 40000)."""
    segment = make_segment("S1", template=world.call)
    add(segment, "CO1", "P1", "P2", "P3")
    return segment


# --- The header --------------------------------------------------------------------------------


def test_creating_a_segment_records_its_values(world: Any, make_segment: Any) -> None:
    make_segment("S1", template=world.call, cost="2.00")
    entry = audited("segment_create", object_key="S1")
    by_mila(entry, world)
    today = world.mila.effective_work_date.isoformat()
    assert (entry.object_type, entry.details) == ("segment", {})
    assert entry.changes == {
        name: {"before": None, "after": value}
        for name, value in {
            "no": "S1",
            "no_series": "",
            "description": "Spring mailing",
            "salesperson": "MV",
            "template": "CALL",
            "group": "PHONE",
            "subject": "",
            "correspondence_type": "",
            "cost": "2.00",
            "duration": "10",
            "date": today,
            "information_flow": "outbound",
            "initiated_by": "us",
            "campaign_target": False,
            "campaign_response": False,
            "ignore_contact_corres_type": False,
        }.items()
    }


def test_a_header_change_records_before_after_and_the_lines_it_changed(
    world: Any, s1: Segment
) -> None:
    services.segment_update(
        actor=world.mila, segment=s1, description="Autumn", cost="3.00", apply_to_lines=True
    )
    entry = audited("segment_update", object_key="S1")
    by_mila(entry, world)
    assert entry.changes == {
        "description": {"before": "Spring mailing", "after": "Autumn"},
        "cost": {"before": "1.50", "after": "3.00"},
    }
    assert entry.details == {"no_of_lines_changed": 4}
    services.segment_update(actor=world.mila, segment=s1, cost="4.00", apply_to_lines=False)
    header_only = AuditEntry.objects.filter(operation="segment_update").order_by("-id").first()
    assert header_only is not None
    assert header_only.changes == {"cost": {"before": "3.00", "after": "4.00"}}
    assert header_only.details == {"no_of_lines_changed": 0}
    services.segment_update(actor=world.mila, segment=s1, template=world.news, apply_to_lines=True)
    rebuilt = AuditEntry.objects.filter(operation="segment_update").order_by("-id").first()
    assert rebuilt is not None
    assert rebuilt.changes["template"] == {"before": "CALL", "after": "NEWS"}
    assert rebuilt.changes["group"] == {"before": "PHONE", "after": "LETTER"}
    assert rebuilt.details == {"no_of_lines_changed": 4}


def test_deleting_a_segment_records_what_it_was(world: Any, s1: Segment) -> None:
    services.segment_delete(actor=world.mila, segment=s1)
    entry = audited("segment_delete", object_key="S1")
    by_mila(entry, world)
    assert entry.object_type == "segment"
    assert entry.changes["description"] == {"before": "Spring mailing", "after": None}
    assert entry.changes["template"] == {"before": "CALL", "after": None}
    assert all(change["after"] is None for change in entry.changes.values())
    assert entry.details == {"no_of_lines": 4}


def test_refused_header_operations_write_nothing(world: Any, s1: Segment) -> None:
    with writes_nothing():  # the update-lines question
        services.segment_update(actor=world.mila, segment=s1, cost="3.00")
    with writes_nothing():
        services.segment_update(actor=world.mila, segment=s1, cost="-1")
    with writes_nothing():
        services.segment_update(actor=world.sven, segment=s1, description="x")
    with writes_nothing():
        services.segment_create(actor=world.mila, no="S1", description="again")
    with writes_nothing():
        services.segment_create(actor=world.reader, no="S2", description="x")
    with writes_nothing():
        services.segment_delete(actor=world.sven, segment=s1)
    assert Segment.objects.filter(no="S1", cost="1.50").exists()


# --- Lines by hand -----------------------------------------------------------------------------


def test_lines_by_hand_are_recorded_under_segment_and_line_no(world: Any, s1: Segment) -> None:
    line = services.segment_line_add(actor=world.mila, segment=s1, contact="P1")
    added = audited("segment_line_add", object_key="S1:50000")
    by_mila(added, world)
    assert (added.object_type, added.details) == ("segment_line", {"action_no": 2})
    assert {name: change["after"] for name, change in added.changes.items()} == {
        "contact": "P1",
        "description": "Spring mailing",
        "salesperson": "MV",
        "template": "CALL",
        "group": "PHONE",
        "subject": "",
        "correspondence_type": "email",
        "cost": "1.50",
        "duration": "10",
        "date": world.mila.effective_work_date.isoformat(),
        "information_flow": "outbound",
        "initiated_by": "us",
        "campaign_target": False,
        "campaign_response": False,
        "evaluation": "",
        "attempt_failed": False,
    }
    services.segment_line_update(actor=world.mila, line=line, cost="9.00", evaluation="positive")
    changed = audited("segment_line_update", object_key="S1:50000")
    by_mila(changed, world)
    assert changed.changes == {
        "cost": {"before": "1.50", "after": "9.00"},
        "evaluation": {"before": "", "after": "positive"},
    }
    services.segment_line_delete(actor=world.mila, line=line)
    deleted = audited("segment_line_delete", object_key="S1:50000")
    assert deleted.details == {"action_no": 3}
    assert deleted.changes["contact"] == {"before": "P1", "after": None}
    assert deleted.changes["cost"] == {"before": "9.00", "after": None}


def test_refused_line_operations_write_nothing(world: Any, s1: Segment) -> None:
    line = s1.lines.get(contact__no="P1")
    with writes_nothing():
        services.segment_line_add(actor=world.mila, segment=s1, contact="NOPE")
    with writes_nothing():
        services.segment_line_update(actor=world.mila, line=line, cost="-2")
    with writes_nothing():
        services.segment_line_update(actor=world.reader, line=line, cost="2")
    with writes_nothing():
        services.segment_line_delete(actor=world.sven, line=line)
    services.segment_line_delete(actor=world.mila, line=line)
    with writes_nothing():  # it is gone
        services.segment_line_delete(actor=world.mila, line=line)


# --- Add, Reduce, Refine, Go back ----------------------------------------------------------------


def test_add_reduce_refine_write_one_entry_with_filters_options_and_counts(
    world: Any, make_segment: Any
) -> None:
    segment = make_segment("S1", template=world.call)
    since = mark()
    services.segment_add_contacts(
        actor=world.mila, segment=segment, filters={"contact": {"no": "P*"}}, allow_existing=True
    )
    services.segment_reduce_contacts(
        actor=world.mila, segment=segment, filters={"contact": {"no": "P1"}}
    )
    services.segment_refine_contacts(
        actor=world.mila, segment=segment, filters={"contact": {"no": "P1"}}, entire_companies=True
    )
    assert new_entries(since) == [
        ("segment_add_contacts", "segment", "S1"),
        ("segment_reduce_contacts", "segment", "S1"),
        ("segment_refine_contacts", "segment", "S1"),
    ]
    added = audited("segment_add_contacts")
    by_mila(added, world)
    assert added.changes == {}
    assert added.details == {
        "action_no": 1,
        "filters": {"contact": {"no": "P*"}},
        "options": {
            "allow_existing": True,
            "expand_companies": False,
            "allow_related_companies": False,
            "ignore_exclusion": False,
        },
        "added": 2,  # P1, P3 (P2 has no e-mail address for its e-mail line)
        "removed": 0,
    }
    assert audited("segment_reduce_contacts").details == {
        "action_no": 2,
        "filters": {"contact": {"no": "P1"}},
        "options": {"entire_companies": False},
        "added": 0,
        "removed": 1,
    }
    assert audited("segment_refine_contacts").details == {
        "action_no": 3,
        "filters": {"contact": {"no": "P1"}},
        "options": {"entire_companies": True},
        "added": 0,
        "removed": 1,  # P3's line
    }


def test_a_dry_run_or_a_refused_selection_writes_nothing(world: Any, s1: Segment) -> None:
    before = audit_count()
    services.segment_add_contacts(
        actor=world.mila, segment=s1, filters={"contact": {"no": "P*"}}, dry_run=True
    )
    services.segment_reduce_contacts(
        actor=world.mila, segment=s1, filters={"contact": {"no": "P1"}}, dry_run=True
    )
    assert audit_count() == before
    with writes_nothing():
        services.segment_add_contacts(
            actor=world.mila, segment=s1, filters={"contact": {"nonsense": "x"}}
        )
    with writes_nothing():
        services.segment_refine_contacts(
            actor=world.reader, segment=s1, filters={"contact": {"no": "P1"}}
        )


def test_go_back_records_the_action_it_undid(world: Any, s1: Segment) -> None:
    services.segment_reduce_contacts(
        actor=world.mila, segment=s1, filters={"contact": {"no": "P1|P2"}}
    )
    services.segment_go_back(actor=world.mila, segment=s1)
    entry = audited("segment_go_back", object_key="S1")
    by_mila(entry, world)
    assert entry.details == {
        "action_no": 2,
        "action": "reduce",
        "lines_removed": 0,
        "lines_restored": 2,
    }
    services.segment_go_back(actor=world.mila, segment=s1)
    with writes_nothing():  # no criteria action left
        services.segment_go_back(actor=world.mila, segment=s1)


# --- Saved criteria, reuse ---------------------------------------------------------------------


def test_saving_and_reusing_criteria_and_reusing_a_logged_segment(
    world: Any, make_segment: Any, s1: Segment
) -> None:
    services.segment_reduce_contacts(
        actor=world.mila, segment=s1, filters={"contact": {"no": "CO1"}}
    )
    services.segment_save_criteria(actor=world.mila, segment=s1, code="crit", description="Mine")
    saved = audited("segment_save_criteria", object_key="CRIT")
    by_mila(saved, world)
    assert saved.object_type == "saved_criteria"
    assert saved.changes == {
        "code": {"before": None, "after": "CRIT"},
        "description": {"before": None, "after": "Mine"},
    }
    assert saved.details == {"segment_no": "S1", "no_of_actions": 2}
    with writes_nothing():  # the code exists
        services.segment_save_criteria(actor=world.mila, segment=s1, code="CRIT")

    s2 = make_segment("S2", template=world.call)
    since = mark()
    services.segment_add_contacts(actor=world.mila, segment=s2, filters={"contact": {"no": "P1"}})
    services.segment_reuse_criteria(actor=world.mila, segment=s2, code="crit")
    assert new_entries(since) == [
        ("segment_add_contacts", "segment", "S2"),
        ("segment_reuse_criteria", "segment", "S2"),  # one entry for its replays
    ]
    reused = audited("segment_reuse_criteria")
    by_mila(reused, world)
    assert reused.details == {
        "criteria_code": "CRIT",
        "action_nos": [2, 3],
        "added": 2,  # CO1, P3 (P1 is on S2 already, P2 has no e-mail address)
        "removed": 1,  # CO1
    }
    with writes_nothing():
        services.segment_reuse_criteria(actor=world.mila, segment=s2, code="NOPE")

    Segment.objects.filter(pk=s1.pk).update(description="To log")
    logged = services.segment_log(actor=world.mila, segment=s1, deliver=False).logged_segment
    assert logged is not None
    services.segment_reuse_logged_segment(actor=world.mila, segment=s2, logged_segment=logged)
    entry = audited("segment_reuse_logged_segment", object_key="S2")
    by_mila(entry, world)
    assert entry.details == {
        "logged_segment_entry_no": logged.entry_no,
        "action_no": 4,
        "added": 3,
    }


# --- The log -----------------------------------------------------------------------------------


def _log_details(logged: LoggedSegment, count: int, **extra: Any) -> dict[str, Any]:
    return {
        "logged_segment_entry_no": logged.entry_no,
        "no_of_interactions": count,
        "follow_up_segment_no": None,
        "follow_up_no_of_lines": 0,
        "deliver": False,
        "deliveries": {},
        "campaign_nos": [],
        **extra,
    }


@pytest.mark.parametrize("size", [3, 60])
def test_the_log_writes_one_entry_whatever_the_number_of_lines(
    world: Any, make_segment: Any, size: int
) -> None:
    segment = make_segment("BIG", template=world.call)
    Contact.objects.bulk_create(
        Contact(no=f"L{index:03d}", type="person", name=f"L {index}") for index in range(size)
    )
    add(segment, *(f"L{index:03d}" for index in range(size)))
    since = mark()
    result = services.segment_log(actor=world.mila, segment=segment, deliver=False)
    assert result.logged_segment is not None
    assert new_entries(since) == [("segment_log", "segment", "BIG")]
    entry = audited("segment_log")
    by_mila(entry, world)
    assert entry.changes == {}
    assert entry.details == _log_details(result.logged_segment, size)
    assert InteractionLogEntry.objects.filter(segment_no="BIG").count() == size


def test_the_log_entry_names_the_follow_up_segment_and_the_campaigns(
    world: Any,
    s1: Segment,
    segment_nos: Any,  # noqa: F811 - the fixture
) -> None:
    services.segment_line_update(
        actor=world.mila,
        line=s1.lines.get(contact__no="P3"),
        template=world.news,
        attempt_failed=True,
    )
    Segment.objects.filter(pk=s1.pk).update(description="To log")
    since = mark()
    result = services.segment_log(
        actor=world.mila, segment=s1, deliver=False, follow_up=True, follow_up_outcome="failed"
    )
    assert result.logged_segment is not None and result.follow_up_segment is not None
    # One entry: the follow-up segment's creation and its lines are the log's, not entries of
    # their own.
    assert new_entries(since) == [("segment_log", "segment", "S1")]
    assert audited("segment_log").details == _log_details(
        result.logged_segment,
        4,
        follow_up_segment_no=result.follow_up_segment.no,
        follow_up_no_of_lines=1,
        campaign_nos=["CP1"],
    )


def test_a_refused_or_dry_log_writes_nothing(world: Any, s1: Segment) -> None:
    with writes_nothing():  # a salesperson may not
        services.segment_log(actor=world.sven, segment=s1, deliver=False)
    Segment.objects.filter(pk=s1.pk).update(description="")
    with writes_nothing():  # no description
        services.segment_log(actor=world.mila, segment=s1, deliver=False)
    Segment.objects.filter(pk=s1.pk).update(description="To log")
    before = audit_count()
    services.segment_log(actor=world.mila, segment=s1, deliver=False, dry_run=True)
    assert audit_count() == before
    assert Segment.objects.filter(no="S1").exists()


def test_a_background_log_is_recorded_as_the_user_who_started_it(
    world: Any, s1: Segment, monkeypatch: Any
) -> None:
    monkeypatch.setattr(services_log, "BACKGROUND_THRESHOLD", 3)
    Segment.objects.filter(pk=s1.pk).update(description="To log")
    started = services.segment_log_start(actor=world.mila, segment=s1, deliver=False)
    assert started.job is not None and not audit_count_of("segment_log")
    with acting_as(source=Source.WORKER, name="worker:test"):
        run_worker(monkeypatch)
    entry = audited("segment_log", object_key="S1")
    assert (entry.user_id, entry.username, entry.source) == (world.mila.pk, "mila", "worker")
    logged = LoggedSegment.objects.get()
    assert entry.details == _log_details(logged, 4)


def audit_count_of(operation: str) -> int:
    return AuditEntry.objects.filter(operation=operation).count()


# --- Logged segments ---------------------------------------------------------------------------


@pytest.fixture
def logged(world: Any, s1: Segment) -> LoggedSegment:
    Segment.objects.filter(pk=s1.pk).update(description="To log")
    result = services.segment_log(actor=world.mila, segment=s1, deliver=False)
    assert result.logged_segment is not None
    return result.logged_segment


def test_cancel_and_uncancel_record_the_state_and_the_interactions(
    world: Any, logged: LoggedSegment
) -> None:
    key = str(logged.entry_no)
    services.logged_segment_cancel(actor=world.mila, logged_segment=logged)
    canceled = audited("logged_segment_cancel", object_key=key)
    by_mila(canceled, world)
    assert canceled.object_type == "logged_segment"
    assert canceled.changes == {"canceled": {"before": False, "after": True}}
    assert canceled.details == {"no_of_interactions": 4, "no_of_campaign_entries": 0}
    before = audit_count()
    services.logged_segment_cancel(actor=world.mila, logged_segment=logged)  # already: nothing
    assert audit_count() == before
    services.logged_segment_uncancel(actor=world.mila, logged_segment=logged)
    uncanceled = audited("logged_segment_uncancel", object_key=key)
    assert uncanceled.changes == {"canceled": {"before": True, "after": False}}
    assert uncanceled.details == {"no_of_interactions": 4, "no_of_campaign_entries": 0}
    with writes_nothing():
        services.logged_segment_cancel(actor=world.reader, logged_segment=logged)


def test_deleting_canceled_logged_segments_writes_one_entry_with_count_and_filters(
    world: Any, logged: LoggedSegment
) -> None:
    services.logged_segment_cancel(actor=world.mila, logged_segment=logged)
    before = audit_count()
    assert services.logged_segments_delete_canceled(actor=world.mila, dry_run=True) == 1
    assert services.logged_segments_delete_canceled(actor=world.mila, segment_no="NONE") == 0
    assert audit_count() == before  # a dry run, and nothing to delete
    with writes_nothing():
        services.logged_segments_delete_canceled(actor=world.mila, entry_no="x")
    assert services.logged_segments_delete_canceled(actor=world.mila, segment_no="s1") == 1
    entry = audited("logged_segments_delete_canceled")
    by_mila(entry, world)
    assert (entry.object_type, entry.object_key, entry.changes) == ("logged_segment", "", {})
    assert entry.details == {
        "count": 1,
        "entry_nos": [logged.entry_no],
        "filters": {"entry_no": None, "segment_no": "s1"},
    }


# --- Languages and attachments -----------------------------------------------------------------


@pytest.fixture
def news(world: Any, make_segment: Any) -> Segment:
    """S1 on NEWS (language rows EN, NL from the template) with CO1, P1, P3 (English) and P2
    (Dutch)."""
    segment = make_segment("S1", template=world.news)
    add(segment, "CO1", "P1", "P2", "P3")
    return segment


def test_language_rows_are_recorded_with_the_lines_they_changed(world: Any, news: Segment) -> None:
    nl_row = news.languages.get(language__code="NL")
    services.segment_language_update(
        actor=world.mila, segment=news, language="NL", subject="Nieuws", apply_to_lines=True
    )
    changed = audited("segment_language_update", object_key="S1:NL")
    by_mila(changed, world)
    assert changed.object_type == "segment_language"
    assert changed.changes == {"subject": {"before": nl_row.subject, "after": "Nieuws"}}
    assert changed.details == {"no_of_lines_changed": 1}  # P2's line
    services.segment_language_delete(actor=world.mila, segment=news, language="NL")
    deleted = audited("segment_language_delete", object_key="S1:NL")
    assert deleted.changes == {
        "language": {"before": "NL", "after": None},
        "description": {"before": "", "after": None},
        "subject": {"before": "Nieuws", "after": None},
        "attachment": {"before": str(nl_row.attachment.no), "after": None},
    }
    assert deleted.details == {"no_of_lines_changed": 1}
    services.segment_language_create(actor=world.mila, segment=news, language="NL", subject="Hoi")
    created = audited("segment_language_create", object_key="S1:NL")
    assert created.changes == {
        "language": {"before": None, "after": "NL"},
        "description": {"before": None, "after": ""},
        "subject": {"before": None, "after": "Hoi"},
    }
    assert created.details == {"no_of_lines_changed": 1}
    with writes_nothing():  # one row per language
        services.segment_language_create(actor=world.mila, segment=news, language="NL")
    with writes_nothing():  # the question first
        services.segment_language_update(
            actor=world.mila, segment=news, language="NL", subject="Other"
        )


def test_attachments_of_rows_and_lines_are_recorded_by_their_no(world: Any, news: Segment) -> None:
    old = news.languages.get(language__code="EN").attachment
    new = services.segment_language_attachment_create(
        actor=world.mila, segment=news, language="EN", kind="email", subject="S", body_html="<p/>"
    )
    entry = audited("segment_language_attachment_create", object_key="S1:EN")
    by_mila(entry, world)
    assert entry.changes == {"attachment": {"before": str(old.no), "after": str(new.no)}}
    services.segment_language_attachment_remove(actor=world.mila, segment=news, language="EN")
    removed = audited("segment_language_attachment_remove", object_key="S1:EN")
    assert removed.changes == {"attachment": {"before": str(new.no), "after": None}}

    line = news.lines.get(contact__no="P1")
    own = services.segment_line_attachment_create(
        actor=world.mila, line=line, kind="email", subject="Own", body_html="<p/>"
    )
    created = audited("segment_line_attachment_create", object_key="S1:20000")
    assert created.changes == {"attachment": {"before": None, "after": str(own.no)}}
    other = attachment_create(kind="email", subject="Other", body_html="<p/>")
    services.segment_line_attachment_set(actor=world.mila, line=line, attachment=other.no)
    set_entry = audited("segment_line_attachment_set", object_key="S1:20000")
    assert set_entry.changes == {"attachment": {"before": str(own.no), "after": str(other.no)}}
    services.segment_line_attachment_remove(actor=world.mila, line=line)
    cleared = audited("segment_line_attachment_remove", object_key="S1:20000")
    assert cleared.changes == {"attachment": {"before": str(other.no), "after": None}}
    with writes_nothing():
        services.segment_line_attachment_set(actor=world.mila, line=line, attachment=999999)
    with writes_nothing():
        services.segment_language_attachment_remove(actor=world.sven, segment=news, language="EN")


def test_a_log_with_attachments_and_deliver_still_writes_one_entry(
    world: Any, news: Segment
) -> None:
    """The attachments' read-only copies, the campaign entry and the delivery request are
    parts of the log, not entries of their own."""
    since = mark()
    result = services.segment_log(actor=world.mila, segment=news, deliver=True)
    assert result.logged_segment is not None
    assert new_entries(since) == [("segment_log", "segment", "S1")]
    assert audited("segment_log").details == _log_details(
        result.logged_segment,
        4,
        deliver=True,
        deliveries=result.deliveries,
        campaign_nos=["CP1"],
    )
    assert sum(result.deliveries.values()) > 0


def test_a_header_save_that_changes_nothing_writes_no_entry(world: Any, s1: Segment) -> None:
    """As every other update: an entry records a change; saving the same values is none."""
    same = {"description": s1.description, "apply_to_lines": False}
    before = audit_count()
    services.segment_update(actor=world.mila, segment=s1, **same)
    assert audit_count() == before
    services.segment_update(
        actor=world.mila, segment=s1, description="Changed", apply_to_lines=False
    )
    assert audit_count() == before + 1
