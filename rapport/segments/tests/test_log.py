"""Logging a segment (reference 2.5) and the logged segments (1.12, 2.6)."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.campaigns.models import CampaignEntry
from rapport.campaigns.services import campaign_create
from rapport.contacts.models import Contact
from rapport.contacts.services import contact_create
from rapport.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from rapport.interactions import services as interaction_services
from rapport.interactions.models import InteractionLogEntry
from rapport.numbering.tests.conftest import make_series  # noqa: F401 - fixture
from rapport.segments import services
from rapport.segments.models import (
    LoggedSegment,
    Segment,
    SegmentCriteriaAction,
    SegmentHistory,
    SegmentLine,
)
from rapport.segments.services import log as services_log
from rapport.segments.services.line_values import insert_lines
from rapport.setup.services import marketing_setup_update


def run_worker(monkeypatch: Any) -> None:
    """Run the queued tasks (`rapport worker --batch`) inside the test's transaction: the
    worker's closing of old connections would end it on PostgreSQL."""
    from django.core.management import call_command

    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    call_command("db_worker", "--batch", verbosity=0)


def add(segment: Segment, *nos: str) -> int:
    action = services.start_criteria_action(actor=None, segment=segment, action="add")
    return insert_lines(segment, Contact.objects.filter(no__in=nos), action_no=action.action_no)


def snapshot() -> dict[str, list[tuple]]:
    """Every table logging writes, to show that a refused log changed nothing."""
    from rapport.attachments.models import Attachment

    return {
        name: list(model._default_manager.order_by("pk").values_list())
        for name, model in {
            "segments": Segment,
            "lines": SegmentLine,
            "actions": SegmentCriteriaAction,
            "history": SegmentHistory,
            "logged": LoggedSegment,
            "entries": InteractionLogEntry,
            "campaign entries": CampaignEntry,
            "attachments": Attachment,
        }.items()
    }


def entries() -> list[tuple]:
    return list(
        InteractionLogEntry.objects.order_by("entry_no").values_list(
            "entry_no",
            "contact__no",
            "template__code",
            "salesperson__code",
            "correspondence_type",
            "segment_no",
            "logged_segment_entry_no",
        )
    )


@pytest.fixture
def segment_nos(make_series: Any) -> Any:  # noqa: F811
    series = make_series("SEG", starting_no="SEG00001")
    marketing_setup_update(segment_nos=series)
    return series


@pytest.fixture
def s1(world: Any, make_segment: Any) -> Segment:
    """S1 on template CALL with lines CO1, P1, P2 (no e-mail address), P3; P3's line
    personalised with template NEWS (campaign CP1), an evaluation and a failed attempt."""
    segment = make_segment("S1", template=world.call, subject="Hello")
    add(segment, "CO1", "P1", "P2", "P3")
    p3 = segment.lines.get(contact__no="P3")
    services.segment_line_update(
        actor=world.mila, line=p3, template=world.news, evaluation="negative", attempt_failed=True
    )
    return segment


def test_logging_writes_one_interaction_per_line_with_its_values(world: Any, s1: Segment) -> None:
    InteractionLogEntry.objects.all().delete()
    result = services.segment_log(deliver=False, actor=world.mila, segment=s1)
    logged = LoggedSegment.objects.get()
    assert result.logged_segment == logged
    assert result.no_of_interactions == 4
    assert result.follow_up_segment is None
    assert (logged.entry_no, logged.segment_no, logged.description, logged.user) == (
        1,
        "S1",
        "Spring mailing",
        world.mila,
    )
    assert logged.creation_date == timezone.localdate()
    assert not logged.canceled
    assert entries() == [
        (1, "CO1", "CALL", "MV", "", "S1", 1),
        (2, "P1", "CALL", "MV", "email", "S1", 1),
        (3, "P2", "CALL", "MV", "", "S1", 1),  # no e-mail address: cleared
        (4, "P3", "NEWS", "MV", "email", "S1", 1),  # the personalised line
    ]
    p1 = InteractionLogEntry.objects.get(contact__no="P1")
    assert (p1.group.code, p1.cost, p1.duration, p1.subject, p1.description) == (  # type: ignore[union-attr]
        "PHONE",
        decimal.Decimal("1.50"),
        10,
        "Hello",
        "Spring mailing",
    )
    assert (p1.information_flow, p1.initiated_by, p1.date) == (
        "outbound",
        "us",
        world.mila.effective_work_date,
    )
    assert p1.contact_company.no == "CO1"  # type: ignore[union-attr]
    assert (p1.postponed, p1.canceled, p1.user, p1.campaign) == (False, False, world.mila, None)
    p3 = InteractionLogEntry.objects.get(contact__no="P3")
    assert (p3.evaluation, p3.attempt_failed, p3.campaign.no, p3.campaign_target) == (  # type: ignore[union-attr]
        "negative",
        True,
        "CP1",
        True,
    )
    assert (p3.group.code, p3.cost) == ("LETTER", decimal.Decimal("0.10"))  # type: ignore[union-attr]
    assert p3.attachment is not None and p3.attachment.read_only  # a read-only copy
    # one campaign entry for CP1, registered with the logged segment
    campaign_entry = CampaignEntry.objects.get()
    assert p3.campaign_entry == campaign_entry
    assert (campaign_entry.register_no, campaign_entry.segment_no) == (1, "S1")
    assert (campaign_entry.description, campaign_entry.campaign.no) == ("Spring mailing", "CP1")
    # the segment is gone with its lines, criteria actions and history
    assert not Segment.objects.exists()
    assert not SegmentLine.objects.exists()
    assert not SegmentCriteriaAction.objects.exists()
    assert not SegmentHistory.objects.exists()


def test_entry_nos_continue_after_the_highest(world: Any, s1: Segment) -> None:
    single = interaction_services.interaction_create(
        actor=world.mila, contact="P3", template=world.call, correspondence_type=""
    )
    services.segment_log(deliver=False, actor=world.mila, segment=s1)
    numbers = [row[0] for row in entries() if row[5] == "S1"]
    assert numbers == list(range(single.entry_no + 1, single.entry_no + 5))


def test_one_campaign_entry_per_campaign(world: Any, s1: Segment) -> None:
    cp2 = campaign_create(no="CP2", description="Autumn")
    co1 = s1.lines.get(contact__no="CO1")
    p1 = s1.lines.get(contact__no="P1")
    for line in (co1, p1):
        services.segment_line_update(actor=world.mila, line=line, campaign=cp2)
    result = services.segment_log(deliver=False, actor=world.mila, segment=s1)
    assert result.campaigns == ["CP1", "CP2"]
    campaign_entries = {entry.campaign.no: entry for entry in CampaignEntry.objects.all()}
    assert sorted(campaign_entries) == ["CP1", "CP2"]
    assert {entry.register_no for entry in campaign_entries.values()} == {
        result.logged_segment.entry_no  # type: ignore[union-attr]
    }
    by_contact = {
        entry.contact.no: entry.campaign_entry  # type: ignore[union-attr]
        for entry in InteractionLogEntry.objects.select_related("contact")
    }
    assert by_contact["CO1"] == by_contact["P1"] == campaign_entries["CP2"]
    assert by_contact["P3"] == campaign_entries["CP1"]
    assert by_contact["P2"] is None


def test_lines_without_a_contact_are_skipped(world: Any, s1: Segment) -> None:
    SegmentLine.objects.filter(segment=s1, contact__no="CO1").update(contact=None)
    result = services.segment_log(deliver=False, actor=world.mila, segment=s1)
    assert result.no_of_interactions == 3


def test_dry_run_checks_and_writes_nothing(world: Any, s1: Segment) -> None:
    before = snapshot()
    result = services.segment_log(deliver=False, actor=world.mila, segment=s1, dry_run=True)
    assert (result.no_of_interactions, result.dry_run, result.logged_segment) == (4, True, None)
    assert result.campaigns == ["CP1"]
    assert snapshot() == before


def refused(world: Any, segment: Segment, error: type, match: str, **options: Any) -> None:
    before = snapshot()
    with pytest.raises(error, match=match):
        services.segment_log(deliver=False, actor=world.mila, segment=segment, **options)
    assert snapshot() == before


def test_a_line_without_salesperson_refuses_naming_the_line(world: Any, s1: Segment) -> None:
    SegmentLine.objects.filter(segment=s1, contact__no="P3").update(salesperson=None)
    refused(world, s1, ValidationFailed, r"Line 40000 \(contact P3\): choose a salesperson")


def test_every_refused_line_is_counted_and_the_first_ten_named(
    world: Any, make_segment: Any
) -> None:
    segment = make_segment("S2", template=world.call)
    for index in range(12):
        contact_create(type="person", no=f"X{index:02d}", name=f"X {index:02d}")
    add(segment, *(f"X{index:02d}" for index in range(12)))
    SegmentLine.objects.filter(segment=segment).update(date=None)
    Contact.objects.filter(no="X00").update(privacy_blocked=True)
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        services.segment_log(deliver=False, actor=world.mila, segment=segment)
    assert snapshot() == before
    messages = caught.value.errors["lines"]
    assert len(messages) == 11
    assert messages[0] == (
        "Line 10000 (contact X00): fill in the date; the contact is privacy blocked: no "
        "interactions can be recorded."
    )
    assert messages[-1] == "… and 2 more lines cannot be logged."
    assert "12 lines need attention" in caught.value.message


def test_missing_template_and_date_are_refused(world: Any, s1: Segment) -> None:
    SegmentLine.objects.filter(segment=s1, contact__no="P1").update(template=None)
    refused(world, s1, ValidationFailed, r"Line 20000 \(contact P1\): choose an interaction")


def test_a_privacy_blocked_contact_is_refused(world: Any, s1: Segment) -> None:
    Contact.objects.filter(no="P2").update(privacy_blocked=True)
    refused(world, s1, ValidationFailed, r"Line 30000 \(contact P2\): the contact is privacy")


def test_an_empty_segment_is_refused(world: Any, make_segment: Any) -> None:
    segment = make_segment("S1", template=world.call)
    refused(world, segment, ConflictError, r"^Segment S1 is empty\.$")


def test_a_segment_without_description_is_refused(world: Any, s1: Segment) -> None:
    Segment.objects.filter(pk=s1.pk).update(description="")
    refused(world, s1, ValidationFailed, "needs a description")


def test_an_existing_logged_segment_no_is_refused(world: Any, s1: Segment) -> None:
    LoggedSegment.objects.create(entry_no=7, segment_no="S1", creation_date=datetime.date.today())
    refused(world, s1, ConflictError, "A logged segment for segment S1 already exists")


def test_a_follow_up_without_segment_nos_refuses_the_whole_log(world: Any, s1: Segment) -> None:
    refused(world, s1, ConflictError, r"Segment Nos\..*Marketing Setup", follow_up=True)


def test_only_marketing_may_log(world: Any, s1: Segment) -> None:
    before = snapshot()
    for user in (world.sven, world.reader):
        with pytest.raises(PermissionDeniedError):
            services.segment_log(deliver=False, actor=user, segment=s1)
    assert snapshot() == before


def test_an_error_while_writing_rolls_everything_back(
    world: Any, s1: Segment, monkeypatch: Any
) -> None:
    def broken(*args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services_log, "delete_segment_rows", broken)
    before = snapshot()
    with pytest.raises(RuntimeError):
        services.segment_log(deliver=False, actor=world.mila, segment=s1)
    assert snapshot() == before


# --- Follow-up (needs rapport.segments.services.segment_reuse_logged_segment) ---------------


def follow_up_contacts(result: services.LogResult) -> list[str]:
    assert result.follow_up_segment is not None
    return list(
        result.follow_up_segment.lines.order_by("line_no").values_list("contact__no", flat=True)
    )


def test_follow_up_with_all_contacts(world: Any, s1: Segment, segment_nos: Any) -> None:
    result = services.segment_log(deliver=False, actor=world.mila, segment=s1, follow_up=True)
    follow_up = result.follow_up_segment
    assert follow_up is not None
    assert follow_up.no == "SEG00001"
    assert follow_up.description == "Follow-up on segment S1"
    assert follow_up.campaign == s1.campaign
    assert follow_up.date == world.mila.effective_work_date
    assert follow_up.template is None  # NAV copies no interaction field
    assert sorted(follow_up_contacts(result)) == ["CO1", "P1", "P2", "P3"]
    logged = LoggedSegment.objects.get()
    assert logged.follow_up_segment_no == "SEG00001"
    assert result.follow_up_lines == 4


def test_follow_up_with_failed_attempts_only(world: Any, s1: Segment, segment_nos: Any) -> None:
    result = services.segment_log(
        deliver=False, actor=world.mila, segment=s1, follow_up=True, follow_up_outcome="failed"
    )
    assert follow_up_contacts(result) == ["P3"]


def test_follow_up_with_an_evaluation_or_worse(world: Any, s1: Segment, segment_nos: Any) -> None:
    lines = {line.contact.no: line for line in s1.lines.select_related("contact")}  # type: ignore[union-attr]
    SegmentLine.objects.filter(pk=lines["CO1"].pk).update(evaluation="neutral")
    SegmentLine.objects.filter(pk=lines["P1"].pk).update(evaluation="positive")
    SegmentLine.objects.filter(pk=lines["P2"].pk).update(evaluation="very_negative")
    result = services.segment_log(
        deliver=False,
        actor=world.mila,
        segment=s1,
        follow_up=True,
        follow_up_outcome="evaluation",
        follow_up_evaluation="neutral",
    )
    # neutral, negative, very negative; never blank or better
    assert sorted(follow_up_contacts(result)) == ["CO1", "P2", "P3"]


def test_follow_up_evaluation_must_be_chosen(world: Any, s1: Segment, segment_nos: Any) -> None:
    refused(
        world,
        s1,
        ValidationFailed,
        "Choose the evaluation",
        follow_up=True,
        follow_up_outcome="evaluation",
    )


def test_follow_up_copies_the_setup_on_request(world: Any, s1: Segment, segment_nos: Any) -> None:
    result = services.segment_log(
        deliver=False, actor=world.mila, segment=s1, follow_up=True, follow_up_copy_setup=True
    )
    follow_up = result.follow_up_segment
    assert follow_up is not None
    follow_up.refresh_from_db()
    assert (follow_up.template, follow_up.subject, follow_up.cost) == (
        world.call,
        "Hello",
        decimal.Decimal("1.50"),
    )


def test_dry_run_counts_the_follow_up(world: Any, s1: Segment, segment_nos: Any) -> None:
    result = services.segment_log(
        deliver=False,
        actor=world.mila,
        segment=s1,
        follow_up=True,
        follow_up_outcome="failed",
        dry_run=True,
    )
    assert (result.no_of_interactions, result.follow_up_lines) == (4, 1)
    assert Segment.objects.count() == 1


# --- Query count --------------------------------------------------------------------------


def _queries_to_log(world: Any, make_segment: Any, no: str, size: int) -> int:
    segment = make_segment(no, template=world.call)
    Contact.objects.bulk_create(
        [
            Contact(no=f"{no}-{index:05d}", name=f"Q{index:05d}", type="person")
            for index in range(size)
        ]
    )
    add(segment, *(f"{no}-{index:05d}" for index in range(size)))
    with CaptureQueriesContext(connection) as captured:
        result = services.segment_log(deliver=False, actor=world.mila, segment=segment)
    assert result.no_of_interactions == size
    return len(captured)


def test_logging_10_or_1000_lines_takes_the_same_number_of_queries(
    world: Any, make_segment: Any
) -> None:
    small = _queries_to_log(world, make_segment, "Q1", 10)
    big = _queries_to_log(world, make_segment, "Q2", 1000)
    assert small == big
    assert big < 40


# --- Logged segments ------------------------------------------------------------------------


@pytest.fixture
def logged(world: Any, s1: Segment) -> LoggedSegment:
    result = services.segment_log(deliver=False, actor=world.mila, segment=s1)
    assert result.logged_segment is not None
    return result.logged_segment


def counted(entry_no: int) -> LoggedSegment:
    return services.logged_segments().get(entry_no=entry_no)


def test_the_list_counts_interactions_with_the_same_canceled_value(
    world: Any, logged: LoggedSegment
) -> None:
    assert counted(logged.entry_no).no_of_interactions == 4  # type: ignore[attr-defined]
    entry = InteractionLogEntry.objects.get(contact__no="P1")
    interaction_services.interaction_cancel(actor=world.mila, entry=entry)
    assert counted(logged.entry_no).no_of_interactions == 3  # type: ignore[attr-defined]
    services.logged_segment_cancel(actor=world.mila, logged_segment=logged)
    assert counted(logged.entry_no).no_of_interactions == 4  # type: ignore[attr-defined]


def test_cancel_cascades_to_interactions_and_campaign_entries(
    world: Any, logged: LoggedSegment
) -> None:
    other = interaction_services.interaction_create(
        actor=world.mila, contact="P1", template=world.news
    )
    services.logged_segment_cancel(actor=world.mila, logged_segment=logged)
    assert logged.canceled
    assert set(
        InteractionLogEntry.objects.filter(logged_segment_entry_no=logged.entry_no).values_list(
            "canceled", flat=True
        )
    ) == {True}
    assert CampaignEntry.objects.get(register_no=logged.entry_no).canceled
    other.refresh_from_db()
    assert not other.canceled
    assert not other.campaign_entry.canceled  # type: ignore[union-attr]
    services.logged_segment_cancel(
        actor=world.mila, logged_segment=logged
    )  # again: nothing changes
    services.logged_segment_uncancel(actor=world.mila, logged_segment=logged)
    assert not logged.canceled
    assert not InteractionLogEntry.objects.filter(canceled=True).exists()
    assert not CampaignEntry.objects.filter(canceled=True).exists()


def test_canceled_logged_segment_blocks_uncanceling_its_interactions(
    world: Any, logged: LoggedSegment
) -> None:
    services.logged_segment_cancel(actor=world.mila, logged_segment=logged)
    entry = InteractionLogEntry.objects.get(contact__no="P1")  # no campaign entry
    with pytest.raises(ConflictError, match="logged segment 1 is canceled"):
        interaction_services.interaction_uncancel(actor=world.mila, entry=entry)
    entry.refresh_from_db()
    assert entry.canceled


def test_only_marketing_cancels(world: Any, logged: LoggedSegment) -> None:
    with pytest.raises(PermissionDeniedError):
        services.logged_segment_cancel(actor=world.sven, logged_segment=logged)
    logged.refresh_from_db()
    assert not logged.canceled


def test_delete_canceled_keeps_the_interactions(world: Any, logged: LoggedSegment) -> None:
    assert services.logged_segments_delete_canceled(actor=world.mila) == 0  # not canceled
    services.logged_segment_cancel(actor=world.mila, logged_segment=logged)
    assert services.logged_segments_delete_canceled(actor=world.mila, segment_no="S9") == 0
    assert services.logged_segments_delete_canceled(actor=world.mila, dry_run=True) == 1
    assert LoggedSegment.objects.exists()
    assert services.logged_segments_delete_canceled(actor=world.mila, entry_no=logged.entry_no) == 1
    assert not LoggedSegment.objects.exists()
    kept = InteractionLogEntry.objects.all()
    assert kept.count() == 4
    assert set(kept.values_list("logged_segment_entry_no", "segment_no", "canceled")) == {
        (None, "S1", True)
    }
    assert CampaignEntry.objects.get().register_no is None


def test_delete_canceled_refuses_a_bad_entry_no(world: Any) -> None:
    with pytest.raises(ValidationFailed, match="whole number"):
        services.logged_segments_delete_canceled(actor=world.mila, entry_no="x")
