"""Segment header and lines: creation, propagation of header changes (reference 2.3.2),
new lines inherit the header (2.3.3), per-line personalisation (2.3.5), lines by hand."""

from __future__ import annotations

import decimal
from typing import Any

import pytest

from rapport.contacts.models import Contact
from rapport.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from rapport.segments import services
from rapport.segments.models import Segment, SegmentCriteriaAction, SegmentHistory, SegmentLine
from rapport.segments.services.line_values import insert_lines


def lines(segment: Segment) -> list[tuple]:
    return list(
        segment.lines.order_by("line_no").values_list(
            "line_no", "contact__no", "template__code", "cost", "salesperson__code"
        )
    )


def test_create_fills_the_header_from_the_template(world: Any, make_segment: Any) -> None:
    segment = make_segment("S1", template=world.news)
    assert segment.no == "S1"
    assert segment.salesperson == world.mv  # the user's salesperson
    assert segment.date == world.mila.effective_work_date
    assert (segment.group.code, segment.cost, segment.duration) == (
        "LETTER",
        decimal.Decimal("0.10"),
        2,
    )
    assert segment.campaign == world.campaign  # the template's campaign
    assert segment.campaign_target is True
    assert segment.language.code == "EN"
    assert segment.correspondence_type == "email"
    assert segment.ignore_contact_corres_type is True


def test_create_without_a_number_and_without_segment_nos_names_marketing_setup(
    world: Any,
) -> None:
    with pytest.raises(ConflictError, match=r"Segment Nos\..*Marketing Setup"):
        services.segment_create(actor=world.mila, description="x")
    assert not Segment.objects.exists()


def test_salespeople_and_readers_may_not_make_segments(world: Any) -> None:
    for user in (world.sven, world.reader):
        with pytest.raises(PermissionDeniedError):
            services.segment_create(actor=user, no="S9", description="x")
    assert not Segment.objects.exists()


def add_all(segment: Segment, *nos: str) -> int:
    action = services.start_criteria_action(actor=None, segment=segment, action="add")
    return insert_lines(segment, Contact.objects.filter(no__in=nos), action_no=action.action_no)


def test_new_lines_inherit_the_header_and_the_contact(world: Any, make_segment: Any) -> None:
    segment = make_segment("S1", template=world.call, salesperson=None)
    assert add_all(segment, "P3", "P1", "CO1", "P2") == 4
    # NAV's order: company name, company no., type (company first), name.
    assert lines(segment) == [
        (10000, "CO1", "CALL", decimal.Decimal("1.50"), "PB"),
        (20000, "P1", "CALL", decimal.Decimal("1.50"), "PB"),  # inherited from CO1
        (30000, "P2", "CALL", decimal.Decimal("1.50"), "PB"),
        (40000, "P3", "CALL", decimal.Decimal("1.50"), "PB"),
    ]
    p2 = segment.lines.get(contact__no="P2")
    assert p2.contact_company.no == "CO1"
    assert p2.description == "Spring mailing"
    assert p2.correspondence_type == "email"  # the contact's (the template has none)
    assert SegmentHistory.objects.filter(segment=segment, action_taken="insertion").count() == 4


def test_a_header_change_asks_once_naming_the_affected_lines(world: Any, make_segment: Any) -> None:
    segment = make_segment("S1", template=world.call)
    add_all(segment, "P1", "P2", "P3")
    services.segment_line_update(
        actor=world.mila, line=segment.lines.get(contact__no="P3"), template=world.news
    )
    before = lines(segment)
    with pytest.raises(ConflictError) as refused:
        services.segment_update(actor=world.mila, segment=segment, cost="3.00")
    assert refused.value.message == "Update the cost on the 2 lines?"
    assert (refused.value.code, refused.value.details) == ("lines_affected", {"affected_lines": 2})
    assert lines(segment) == before
    segment.refresh_from_db()
    assert segment.cost == decimal.Decimal("1.50")

    services.segment_update(actor=world.mila, segment=segment, cost="3.00", apply_to_lines=True)
    assert [(no, cost) for _l, no, _t, cost, _s in lines(segment)] == [
        ("P1", decimal.Decimal("3.00")),
        ("P2", decimal.Decimal("3.00")),
        ("P3", decimal.Decimal("0.10")),  # personalised: another template
    ]
    services.segment_update(actor=world.mila, segment=segment, cost="5.00", apply_to_lines=False)
    segment.refresh_from_db()
    assert segment.cost == decimal.Decimal("5.00")
    assert lines(segment)[0][3] == decimal.Decimal("3.00")


def test_a_template_change_applied_refills_all_lines(world: Any, make_segment: Any) -> None:
    segment = make_segment("S1", template=world.call)
    add_all(segment, "P1", "P2")
    services.segment_update(
        actor=world.mila, segment=segment, template=world.news, apply_to_lines=True
    )
    rows = list(
        segment.lines.order_by("line_no").values_list(
            "template__code", "cost", "language__code", "correspondence_type", "campaign__no"
        )
    )
    assert rows == [
        ("NEWS", decimal.Decimal("0.10"), "EN", "email", "CP1"),
        ("NEWS", decimal.Decimal("0.10"), "NL", "email", "CP1"),  # P2 is Dutch
    ]


def test_lines_by_hand_are_criteria_actions(world: Any, make_segment: Any) -> None:
    segment = make_segment("S1", template=world.call)
    line = services.segment_line_add(actor=world.mila, segment=segment, contact="P3")
    assert (line.line_no, line.contact.no, line.action_no) == (10000, "P3", 1)
    services.segment_line_delete(actor=world.mila, line=line)
    assert not segment.lines.exists()
    assert list(
        SegmentCriteriaAction.objects.filter(segment=segment).values_list("action_no", "action")
    ) == [(1, "add_line"), (2, "remove_line")]
    removed = SegmentHistory.objects.get(segment=segment, action_taken="deletion")
    assert (removed.line_no, removed.contact.no, removed.cost) == (
        10000,
        "P3",
        decimal.Decimal("1.50"),
    )


def test_personalising_a_line_with_another_template_refills_it(
    world: Any, make_segment: Any
) -> None:
    segment = make_segment("S1", template=world.call)
    line = services.segment_line_add(actor=world.mila, segment=segment, contact="P2")
    line = services.segment_line_update(
        actor=world.mila, line=line, template="NEWS", evaluation="positive"
    )
    assert (line.template.code, line.group.code, line.cost) == (
        "NEWS",
        "LETTER",
        decimal.Decimal("0.10"),
    )
    assert line.description == "Spring mailing"  # the description only while blank
    assert line.language.code == "NL"
    assert line.evaluation == "positive"


def test_bad_input_changes_nothing(world: Any, make_segment: Any) -> None:
    segment = make_segment("S1", template=world.call)
    with pytest.raises(ValidationFailed) as refused:
        services.segment_update(actor=world.mila, segment=segment, cost="-1", nonsense=1)
    assert set(refused.value.fields()) == {"cost", "nonsense"}
    segment.refresh_from_db()
    assert segment.cost == decimal.Decimal("1.50")
    assert SegmentLine.objects.count() == 0


def test_a_contact_on_a_segment_line_cannot_be_deleted(world: Any, make_segment: Any) -> None:
    from rapport.contacts.services import contact_delete

    segment = make_segment("S1", template=world.call)
    add_all(segment, "P1")
    with pytest.raises(ConflictError, match="Contact CO1 is on a line of segment S1"):
        contact_delete(contact=world.company)  # its person P1 is on the segment
    with pytest.raises(ConflictError, match="Contact P1 is on a line of segment S1"):
        contact_delete(contact=world.p1)
    assert Contact.objects.filter(no__in=["CO1", "P1", "P2"]).count() == 3
    assert segment.lines.count() == 1


def test_a_new_subject_reaches_only_lines_that_still_carry_the_old_one(
    world: Any, make_segment: Any
) -> None:
    segment = make_segment("S1", template=world.call, subject="Hello")
    add_all(segment, "P1", "P3")
    p1 = segment.lines.get(contact__no="P1")
    services.segment_line_update(actor=world.mila, line=p1, subject="Dear Anna, personal")
    services.segment_update(
        actor=world.mila, segment=segment, subject="Hi all", apply_to_lines=True
    )
    assert dict(segment.lines.values_list("contact__no", "subject")) == {
        "P1": "Dear Anna, personal",
        "P3": "Hi all",
    }


def test_a_line_needs_a_contact_before_its_own_template(world: Any, make_segment: Any) -> None:
    segment = make_segment("S1", template=world.call)
    line = SegmentLine.objects.create(segment=segment, line_no=10000)
    with pytest.raises(ValidationFailed, match="Choose a contact"):
        services.segment_line_update(actor=world.mila, line=line, template="NEWS")
    line.refresh_from_db()
    assert line.template is None


def test_a_contact_only_in_the_history_is_refused_with_the_right_reason(
    world: Any, make_segment: Any
) -> None:
    from rapport.contacts.services import contact_delete

    segment = make_segment("S1", template=world.call)
    line = services.segment_line_add(actor=world.mila, segment=segment, contact="P3")
    services.segment_line_delete(actor=world.mila, line=line)
    with pytest.raises(ConflictError, match="Contact P3 is in the criteria history of segment S1"):
        contact_delete(contact=world.p3)
    assert Contact.objects.filter(no="P3").exists()


def test_deleting_a_canceled_logged_segment_unlinks_criteria_that_reused_it(
    world: Any, make_segment: Any
) -> None:
    from rapport.segments.models import SavedSegmentCriteriaAction

    first = make_segment("S1", template=world.call, salesperson="MV")
    add_all(first, "P1")
    logged = services.segment_log(deliver=False, actor=world.mila, segment=first).logged_segment
    reuser = make_segment("S2")
    services.segment_reuse_logged_segment(actor=world.mila, segment=reuser, logged_segment=logged)
    services.segment_save_criteria(actor=world.mila, segment=reuser, code="REUSEA")
    services.logged_segment_cancel(actor=world.mila, logged_segment=logged)
    assert services.logged_segments_delete_canceled(actor=world.mila) == 1
    assert not SegmentCriteriaAction.objects.filter(logged_segment_entry_no__isnull=False).exists()
    assert not SavedSegmentCriteriaAction.objects.filter(
        logged_segment_entry_no__isnull=False
    ).exists()
