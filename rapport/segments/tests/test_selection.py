"""Selecting contacts (reference 2.4): Add contacts with every section and option, the skip
reasons and the dry run, Reduce and Refine (with and without entire companies), exact Go back,
Save/Reuse criteria and Reuse logged segment; refused operations change nothing; adding is a
constant number of queries."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.contacts.models import (
    BusinessRelation,
    Contact,
    ContactProfileAnswer,
    Country,
    IndustryGroup,
    JobResponsibility,
    MailingGroup,
    ProfileQuestionnaire,
    ProfileQuestionnaireAnswer,
)
from rapport.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from rapport.interactions.models import InteractionLogEntry
from rapport.segments import services
from rapport.segments.models import (
    LoggedSegment,
    SavedSegmentCriteria,
    Segment,
    SegmentCriteriaAction,
    SegmentHistory,
    SegmentLine,
)

pytestmark = pytest.mark.django_db


# --- helpers -----------------------------------------------------------------------------------


def contacts_on(segment: Segment) -> list[str]:
    return list(segment.lines.order_by("line_no").values_list("contact__no", flat=True))


def snapshot() -> dict[str, Any]:
    """Everything a selection writes, to show that a refused operation changed nothing."""
    return {
        "segments": list(
            Segment.objects.order_by("no").values_list("no", "no_of_criteria_actions")
        ),
        "lines": list(SegmentLine.objects.order_by("segment", "line_no").values_list()),
        "actions": list(
            SegmentCriteriaAction.objects.order_by("segment", "action_no").values_list(
                "segment__no", "action_no", "action", "filters"
            )
        ),
        "history": list(SegmentHistory.objects.order_by("pk").values_list()),
        "saved": list(SavedSegmentCriteria.objects.values_list()),
    }


def add(w: Any, segment: Segment, filters: Any = None, **options: Any) -> services.SelectionResult:
    return services.segment_add_contacts(
        actor=w.mila, segment=segment, filters=filters or {}, **options
    )


@pytest.fixture
def w(world: Any) -> Any:
    """The world of the interaction log (CO1 with P1 and P2, P3 alone) with an e-mail address
    for P2, countries NL (CO1, P1, P2) and BE (P3), mailing group NEWS (P1, P3), job
    responsibility BUYER (P2), industry group RETAIL and business relation CUST on CO1, and a
    profile answer (SIZE line 20 "Large") for P3."""
    Contact.objects.filter(no="P2").update(email="bram@acme.example")
    nl = Country.objects.get_or_create(code="NL", defaults={"name": "Netherlands"})[0]
    be = Country.objects.get_or_create(code="BE", defaults={"name": "Belgium"})[0]
    Contact.objects.filter(no__in=["CO1", "P1", "P2"]).update(country=nl)
    Contact.objects.filter(no="P3").update(country=be)
    news = MailingGroup.objects.create(code="NEWS")
    MailingGroup.objects.create(code="XMAS")
    world.p1.mailing_groups.add(news)
    world.p3.mailing_groups.add(news)
    world.p2.job_responsibilities.add(JobResponsibility.objects.create(code="BUYER"))
    world.company.industry_groups.add(IndustryGroup.objects.create(code="RETAIL"))
    world.company.business_relations.add(BusinessRelation.objects.create(code="CUST"))
    size = ProfileQuestionnaire.objects.create(code="SIZE")
    ProfileQuestionnaireAnswer.objects.create(questionnaire=size, line_no=10, answer="Small")
    large = ProfileQuestionnaireAnswer.objects.create(
        questionnaire=size, line_no=20, answer="Large"
    )
    ContactProfileAnswer.objects.create(contact=world.p3, questionnaire=size, answer=large)
    return world


def log_entry(w: Any, contact: Contact, entry_no: int, **fields: Any) -> InteractionLogEntry:
    fields.setdefault("date", datetime.date(2026, 3, 1))
    return InteractionLogEntry.objects.create(
        entry_no=entry_no,
        contact=contact,
        contact_company=contact.company or contact,
        template=w.call,
        group=w.phone,
        salesperson=w.pb,
        **fields,
    )


# --- Add contacts: sections ---------------------------------------------------------------------


def test_without_filters_every_contact_is_added_in_navs_order(w: Any, make_segment: Any) -> None:
    segment = make_segment("S1")
    result = add(w, segment)
    assert (result.added, result.skipped, result.action_no) == (4, {}, 1)
    assert contacts_on(segment) == ["CO1", "P1", "P2", "P3"]
    assert list(segment.lines.values_list("line_no", flat=True).order_by("line_no")) == [
        10000,
        20000,
        30000,
        40000,
    ]
    action = SegmentCriteriaAction.objects.get(segment=segment)
    assert (action.action, action.action_no, action.no_of_lines_inserted) == ("add", 1, 4)
    assert Segment.objects.get(pk=segment.pk).no_of_criteria_actions == 1
    assert segment.no_of_criteria_actions == 1


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"contact": {"country_code": "NL"}}, ["CO1", "P1", "P2"]),
        ({"contact": {"country_code": "nl|be", "type": "person"}}, ["P1", "P2", "P3"]),
        ({"contact": {"country_code": "<>NL"}}, ["P3"]),
        ({"contact": {"name": "@*ANN*"}}, ["P1"]),
        ({"contact": {"name": "A..B"}}, ["CO1", "P1"]),
        ({"contact": {"no": "P1..P2"}}, ["P1", "P2"]),
        ({"contact": {"company_no": "CO1"}}, ["CO1", "P1", "P2"]),
        ({"contact": {"company_no": "''"}}, ["P3"]),
        ({"contact": {"salesperson_code": "PB"}}, ["CO1", "P1", "P2", "P3"]),
        ({"contact": {"email": "*@acme.example"}}, ["CO1", "P1", "P2"]),
        ({"contact": {"language_code": "NL"}}, ["P2"]),
        ({"mailing_group": {"code": "NEWS"}}, ["P1", "P3"]),
        ({"mailing_group": {"code": "XMAS"}}, []),
        ({"profile": {"questionnaire_code": "SIZE", "answer": "Large"}}, ["P3"]),
        ({"profile": {"answer_line_no": "10"}}, []),
        ({"job_responsibility": {"code": "BUYER"}}, ["P2"]),
        # Industry group and business relation: of the contact's company (NAV).
        ({"industry_group": {"code": "RETAIL"}}, ["CO1", "P1", "P2"]),
        ({"business_relation": {"code": "CUST|VEND"}}, ["CO1", "P1", "P2"]),
        # AND across sections.
        ({"contact": {"country_code": "NL"}, "mailing_group": {"code": "NEWS"}}, ["P1"]),
        ({"business_relation": {"code": "CUST"}, "job_responsibility": {"code": "BUYER"}}, ["P2"]),
        # Blank expressions are no filter.
        ({"contact": {"city": "  "}, "mailing_group": {}}, ["CO1", "P1", "P2", "P3"]),
    ],
)
def test_each_section_filters(w: Any, make_segment: Any, filters: Any, expected: Any) -> None:
    segment = make_segment("S1")
    result = add(w, segment, filters)
    assert sorted(contacts_on(segment)) == expected
    assert result.added == len(expected)


def test_the_interaction_section_uses_logged_not_postponed_not_canceled_entries(
    w: Any, make_segment: Any
) -> None:
    log_entry(w, w.p1, 1, date=datetime.date(2026, 1, 10), evaluation="positive")
    log_entry(w, w.p2, 2, date=datetime.date(2026, 2, 10), canceled=True)
    log_entry(w, w.p3, 3, date=datetime.date(2026, 5, 1), campaign=w.campaign, segment_no="S0")
    InteractionLogEntry.objects.create(entry_no=4, contact=w.company, postponed=True)

    def selected(filters: dict) -> list[str]:
        return sorted(
            services.matching_contacts(services.clean_filters(filters)).values_list("no", flat=True)
        )

    assert selected({"interaction": {"template_code": "CALL"}}) == ["P1", "P3"]
    assert selected({"interaction": {"date": "2026-01-01..2026-03-31"}}) == ["P1"]
    assert selected({"interaction": {"evaluation": "positive|very_positive"}}) == ["P1"]
    assert selected({"interaction": {"campaign_no": "CP1", "segment_no": "S0"}}) == ["P3"]
    assert selected({"interaction": {"salesperson_code": "PB", "group_code": "PHONE"}}) == [
        "P1",
        "P3",
    ]
    # Canceled entries count only when the filter asks for them.
    assert selected({"interaction": {"canceled": "yes"}}) == ["P2"]
    assert selected({"interaction": {"canceled": "yes|no"}}) == ["P1", "P2", "P3"]
    # The postponed draft of CO1 never counts.
    assert selected({"interaction": {"date": "''"}}) == []


# --- Add contacts: options ----------------------------------------------------------------------


def test_expand_companies_takes_every_contact_of_the_company(w: Any, make_segment: Any) -> None:
    segment = make_segment("S1")
    assert add(w, segment, {"contact": {"no": "P1|P3"}}, expand_companies=True).added == 4
    assert contacts_on(segment) == ["CO1", "P1", "P2", "P3"]
    other = make_segment("S2")
    add(w, other, {"contact": {"no": "CO1"}}, expand_companies=True)
    assert contacts_on(other) == ["CO1", "P1", "P2"]
    assert SegmentCriteriaAction.objects.get(segment=other).expand_companies is True


def test_allow_related_companies_adds_the_company_of_each_person(w: Any, make_segment: Any) -> None:
    segment = make_segment("S1")
    assert add(w, segment, {"contact": {"no": "P2|P3"}}, allow_related_companies=True).added == 3
    assert contacts_on(segment) == ["CO1", "P2", "P3"]


def test_without_allow_existing_contacts_on_the_segment_are_skipped(
    w: Any, make_segment: Any
) -> None:
    segment = make_segment("S1")
    add(w, segment, {"contact": {"no": "P1"}})
    result = add(w, segment, {"contact": {"no": "P1|P3"}})
    assert (result.added, result.skipped) == (1, {"already_on_segment": 1})
    assert contacts_on(segment) == ["P1", "P3"]
    again = add(w, segment, {"contact": {"no": "P1|P3"}}, allow_existing=True)
    assert (again.added, again.skipped) == (2, {})
    assert contacts_on(segment) == ["P1", "P3", "P1", "P3"]


def test_excluded_contacts_are_skipped_unless_exclusion_is_ignored(
    w: Any, make_segment: Any
) -> None:
    Contact.objects.filter(no="P1").update(exclude_from_segment=True)
    segment = make_segment("S1")
    result = add(w, segment, {"contact": {"company_no": "CO1"}})
    assert (result.added, result.skipped) == (2, {"excluded_from_segments": 1})
    assert contacts_on(segment) == ["CO1", "P2"]
    result = add(w, segment, {"contact": {"no": "P1"}}, ignore_exclusion=True)
    assert result.added == 1
    assert SegmentCriteriaAction.objects.get(segment=segment, action_no=2).ignore_exclusion


def test_privacy_blocked_contacts_are_always_skipped(w: Any, make_segment: Any) -> None:
    Contact.objects.filter(no="P3").update(privacy_blocked=True, exclude_from_segment=True)
    segment = make_segment("S1")
    result = add(w, segment, ignore_exclusion=True, allow_existing=True)
    assert (result.added, result.skipped) == (3, {"privacy_blocked": 1})
    assert "P3" not in contacts_on(segment)


def test_no_email_while_the_line_would_be_emailed_is_skipped(w: Any, make_segment: Any) -> None:
    Contact.objects.filter(no="P2").update(email="")
    # No template: P2's line takes P2's own correspondence type, e-mail.
    segment = make_segment("S1")
    result = add(w, segment)
    assert (result.added, result.skipped) == (3, {"no_email": 1})
    assert "no e-mail while the correspondence type is e-mail" in result.summary()
    # A template that imposes hard copy: P2 is fine.
    w.call.correspondence_type_default = "hard_copy"
    w.call.ignore_contact_corres_type = True
    w.call.save()
    letter = make_segment("S2", template=w.call)
    assert add(w, letter).skipped == {}
    # NEWS imposes e-mail: a contact without address is skipped, even one without own type.
    Contact.objects.filter(no="P3").update(email="", correspondence_type="")
    mail = make_segment("S3", template=w.news)
    assert add(w, mail).skipped == {"no_email": 2}
    assert contacts_on(mail) == ["CO1", "P1"]


def test_each_contact_is_counted_under_its_first_reason(w: Any, make_segment: Any) -> None:
    segment = make_segment("S1")
    add(w, segment)
    Contact.objects.filter(no="P1").update(privacy_blocked=True, exclude_from_segment=True)
    Contact.objects.filter(no="P2").update(exclude_from_segment=True, email="")
    Contact.objects.filter(no="P3").update(email="", correspondence_type="email")
    result = add(w, segment, dry_run=True)
    assert result.skipped == {
        "privacy_blocked": 1,
        "excluded_from_segments": 1,
        "no_email": 1,
        "already_on_segment": 1,
    }
    assert result.added == 0
    assert [(c.no, c.reason) for c in result.skipped_contacts] == [
        ("CO1", "already_on_segment"),
        ("P1", "privacy_blocked"),
        ("P2", "excluded_from_segments"),
        ("P3", "no_email"),
    ]
    assert result.summary() == (
        "0 contacts would be added; 4 skipped: 1 privacy blocked, 1 excluded from segments, "
        "1 no e-mail while the correspondence type is e-mail, 1 already on the segment."
    )


def test_a_dry_run_counts_the_same_and_writes_nothing(w: Any, make_segment: Any) -> None:
    segment = make_segment("S1")
    add(w, segment, {"contact": {"no": "P1"}})
    Contact.objects.filter(no="P3").update(exclude_from_segment=True)
    before = snapshot()
    preview = add(w, segment, {"contact": {"country_code": "NL|BE"}}, dry_run=True)
    assert snapshot() == before
    assert (preview.added, preview.skipped, preview.action_no, preview.dry_run) == (
        2,
        {"already_on_segment": 1, "excluded_from_segments": 1},
        None,
        True,
    )
    done = add(w, segment, {"contact": {"country_code": "NL|BE"}})
    assert (done.added, done.skipped) == (preview.added, preview.skipped)


def test_adding_nothing_is_still_recorded(w: Any, make_segment: Any) -> None:
    segment = make_segment("S1")
    result = add(w, segment, {"mailing_group": {"code": "XMAS"}})
    assert result.added == 0
    action = SegmentCriteriaAction.objects.get(segment=segment)
    assert (action.action, action.filters, action.no_of_lines_inserted) == (
        "add",
        {"mailing_group": {"code": "XMAS"}},
        0,
    )


@pytest.mark.parametrize(
    ("filters", "field", "message"),
    [
        ({"people": {"no": "P1"}}, "filters.people", "Unknown filter section"),
        ({"contact": {"colour": "red"}}, "filters.contact.colour", "Unknown field"),
        ({"contact": {"country_code": "NL|"}}, "filters.contact.country_code", "position"),
        ({"interaction": {"date": "2026-13-01"}}, "filters.interaction.date", "position"),
        ({"contact": {"type": "robot"}}, "filters.contact.type", "robot"),
        ({"contact": {"no": ["P1"]}}, "filters.contact.no", "filter expression"),
        ({"contact": "P1"}, "filters.contact", "object"),
        (["P1"], "filters", "object"),
    ],
)
def test_bad_filters_are_refused_naming_the_field_and_change_nothing(
    w: Any, make_segment: Any, filters: Any, field: str, message: str
) -> None:
    segment = make_segment("S1")
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        add(w, segment, filters)
    assert field in refused.value.fields()
    assert message in " ".join(refused.value.fields()[field])
    assert snapshot() == before


def test_salespeople_may_not_select(w: Any, make_segment: Any) -> None:
    segment = make_segment("S1")
    before = snapshot()
    with pytest.raises(PermissionDeniedError):
        services.segment_add_contacts(actor=w.sven, segment=segment, filters={})
    with pytest.raises(PermissionDeniedError):
        services.segment_go_back(actor=w.reader, segment=segment)
    assert snapshot() == before


def _bulk_contacts(count: int, prefix: str) -> None:
    Contact.objects.bulk_create(
        Contact(no=f"{prefix}{i:05d}", type="person", name=f"Bulk {i}", email=f"b{i}@x.example")
        for i in range(count)
    )


@pytest.mark.parametrize("dry_run", [False, True])
def test_adding_takes_the_same_number_of_queries_for_10_and_1000_contacts(
    w: Any, make_segment: Any, dry_run: bool
) -> None:
    _bulk_contacts(10, "SMALL")
    _bulk_contacts(1000, "LARGE")
    counts = []
    for prefix, expected in (("SMALL", 10), ("LARGE", 1000)):
        segment = make_segment()
        with CaptureQueriesContext(connection) as queries:
            result = add(w, segment, {"contact": {"no": f"{prefix}*"}}, dry_run=dry_run)
        assert result.added == expected
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # 12, one UPDATE of the header's totals (issue 11) and the one audit INSERT (issue 12; a dry
    # run writes none)
    assert counts[0] <= 14


# --- Reduce / Refine ----------------------------------------------------------------------------


@pytest.fixture
def full(w: Any, make_segment: Any) -> Segment:
    """S1 with CO1, P1, P2, P3 (action 1)."""
    segment = make_segment("S1")
    add(w, segment)
    return segment


def reduce(w: Any, segment: Segment, filters: Any, **options: Any) -> Any:
    return services.segment_reduce_contacts(
        actor=w.mila, segment=segment, filters=filters, **options
    )


def refine(w: Any, segment: Segment, filters: Any, **options: Any) -> Any:
    return services.segment_refine_contacts(
        actor=w.mila, segment=segment, filters=filters, **options
    )


def test_reduce_removes_the_matching_lines(w: Any, full: Segment) -> None:
    result = reduce(w, full, {"mailing_group": {"code": "NEWS"}})
    assert (result.removed, result.action_no) == (2, 2)
    assert contacts_on(full) == ["CO1", "P2"]
    action = SegmentCriteriaAction.objects.get(segment=full, action_no=2)
    assert (action.action, action.no_of_lines_removed) == ("reduce", 2)
    deleted = SegmentHistory.objects.filter(segment=full, action_no=2, action_taken="deletion")
    assert sorted(deleted.values_list("contact__no", flat=True)) == ["P1", "P3"]


def test_reduce_with_entire_companies_removes_the_whole_company(w: Any, full: Segment) -> None:
    assert (
        reduce(w, full, {"job_responsibility": {"code": "BUYER"}}, entire_companies=True).removed
        == 3
    )
    assert contacts_on(full) == ["P3"]
    assert SegmentCriteriaAction.objects.get(segment=full, action_no=2).entire_companies


def test_entire_companies_counts_a_match_on_a_contact_not_on_the_segment(
    w: Any, make_segment: Any
) -> None:
    segment = make_segment("S1")
    add(w, segment, {"contact": {"no": "P1|P3"}})
    # P2 (not on the segment) is the buyer: without entire companies nothing matches.
    assert reduce(w, segment, {"job_responsibility": {"code": "BUYER"}}, dry_run=True).removed == 0
    assert (
        reduce(w, segment, {"job_responsibility": {"code": "BUYER"}}, entire_companies=True).removed
        == 1
    )
    assert contacts_on(segment) == ["P3"]


def test_refine_keeps_only_the_matching_lines(w: Any, full: Segment) -> None:
    result = refine(w, full, {"contact": {"type": "person"}, "mailing_group": {"code": "NEWS"}})
    assert result.removed == 2
    assert contacts_on(full) == ["P1", "P3"]
    assert SegmentCriteriaAction.objects.get(segment=full, action_no=2).action == "refine"


def test_refine_with_entire_companies_keeps_the_whole_company(w: Any, full: Segment) -> None:
    assert refine(w, full, {"contact": {"no": "P2"}}, entire_companies=True).removed == 1
    assert contacts_on(full) == ["CO1", "P1", "P2"]
    assert refine(w, full, {"contact": {"no": "P2"}}).removed == 2
    assert contacts_on(full) == ["P2"]


def test_reduce_and_refine_dry_runs_write_nothing(w: Any, full: Segment) -> None:
    before = snapshot()
    assert reduce(w, full, {"contact": {"country_code": "NL"}}, dry_run=True).removed == 3
    assert refine(w, full, {"contact": {"country_code": "NL"}}, dry_run=True).removed == 1
    assert (
        refine(w, full, {"contact": {"no": "P1"}}, entire_companies=True, dry_run=True).removed == 1
    )
    assert snapshot() == before


def test_reduce_refuses_bad_filters_and_changes_nothing(w: Any, full: Segment) -> None:
    before = snapshot()
    with pytest.raises(ValidationFailed, match="position"):
        reduce(w, full, {"contact": {"no": "P1..P2..P3"}})
    with pytest.raises(ValidationFailed):
        refine(w, full, {"mailing_group": {"description": "x"}})
    assert snapshot() == before


# --- Go back ------------------------------------------------------------------------------------


def test_go_back_undoes_an_add_removing_only_its_lines(w: Any, make_segment: Any) -> None:
    segment = make_segment("S1")
    add(w, segment, {"contact": {"no": "P1"}})
    add(w, segment, {"contact": {"no": "P1|P3"}}, allow_existing=True)
    assert contacts_on(segment) == ["P1", "P1", "P3"]
    before = snapshot()
    add(w, segment, {"contact": {"no": "CO1"}})
    result = services.segment_go_back(actor=w.mila, segment=segment)
    assert (result.action_no, result.action, result.lines_removed, result.lines_restored) == (
        3,
        "add",
        1,
        0,
    )
    assert snapshot() == before
    services.segment_go_back(actor=w.mila, segment=segment)
    assert contacts_on(segment) == ["P1"]  # NAV would delete every P1 line
    assert Segment.objects.get(pk=segment.pk).no_of_criteria_actions == 1


def test_go_back_restores_removed_lines_exactly(w: Any, full: Segment) -> None:
    p1 = full.lines.get(contact__no="P1")
    services.segment_line_update(
        actor=w.mila,
        line=p1,
        cost=decimal.Decimal("9.99"),
        subject="Personal",
        evaluation="positive",
        time=datetime.time(14, 30),
    )
    before = snapshot()
    reduce(w, full, {"contact": {"country_code": "NL"}}, entire_companies=True)
    assert contacts_on(full) == ["P3"]
    result = services.segment_go_back(actor=w.mila, segment=full)
    assert (result.lines_removed, result.lines_restored) == (0, 3)
    # Every column of every line comes back (line nos., ids aside), history and actions too.
    assert _without_ids(snapshot()) == _without_ids(before)
    restored = full.lines.get(contact__no="P1")
    assert (restored.line_no, restored.cost, restored.subject, restored.evaluation) == (
        20000,
        decimal.Decimal("9.99"),
        "Personal",
        "positive",
    )
    assert restored.time == datetime.time(14, 30)
    assert restored.action_no == 1


def _without_ids(state: dict[str, Any]) -> dict[str, Any]:
    return {
        **state,
        "lines": sorted(row[1:] for row in state["lines"]),
        "history": sorted(row[1:] for row in state["history"]),
    }


def test_go_back_undoes_lines_added_and_removed_by_hand(w: Any, full: Segment) -> None:
    before = snapshot()
    line = full.lines.get(contact__no="P2")
    services.segment_line_delete(actor=w.mila, line=line)
    services.segment_line_add(actor=w.mila, segment=full, contact="P2")
    services.segment_go_back(actor=w.mila, segment=full)
    services.segment_go_back(actor=w.mila, segment=full)
    assert _without_ids(snapshot()) == _without_ids(before)


def test_go_back_after_everything_leaves_an_empty_segment(w: Any, full: Segment) -> None:
    refine(w, full, {"contact": {"no": "P3"}})
    services.segment_go_back(actor=w.mila, segment=full)
    services.segment_go_back(actor=w.mila, segment=full)
    assert not full.lines.exists()
    assert not SegmentHistory.objects.filter(segment=full).exists()
    assert not SegmentCriteriaAction.objects.filter(segment=full).exists()
    assert Segment.objects.get(pk=full.pk).no_of_criteria_actions == 0
    # The next action is number 1 again.
    assert add(w, full, {"contact": {"no": "P1"}}).action_no == 1


def test_go_back_without_actions_is_refused(w: Any, make_segment: Any) -> None:
    segment = make_segment("S1")
    before = snapshot()
    with pytest.raises(ConflictError, match="no criteria action to undo"):
        services.segment_go_back(actor=w.mila, segment=segment)
    assert snapshot() == before


def test_criteria_action_label(w: Any, full: Segment) -> None:
    reduce(w, full, {"contact": {"no": "P1"}})
    first, second = SegmentCriteriaAction.objects.filter(segment=full).order_by("action_no")
    assert services.criteria_action_label(first) == "Add contacts: 4 lines added"
    assert services.criteria_action_label(second) == "Reduce contacts: 1 lines removed"


# --- Save / reuse criteria ----------------------------------------------------------------------


def test_save_criteria_copies_every_action(w: Any, full: Segment) -> None:
    reduce(w, full, {"contact": {"no": "P3"}}, entire_companies=True)
    saved = services.segment_save_criteria(
        actor=w.mila, segment=full, code=" nl-co ", description="NL companies"
    )
    assert (saved.code, saved.description) == ("NL-CO", "NL companies")
    assert list(
        saved.actions.order_by("action_no").values_list(
            "action_no", "action", "filters", "entire_companies"
        )
    ) == [(1, "add", {}, False), (2, "reduce", {"contact": {"no": "P3"}}, True)]


@pytest.mark.parametrize(
    ("code", "field"),
    [("", "code"), ("ABCDEFGHIJK", "code"), ("taken", "code")],
)
def test_save_criteria_refuses_bad_codes(w: Any, full: Segment, code: str, field: str) -> None:
    SavedSegmentCriteria.objects.create(code="TAKEN")
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        services.segment_save_criteria(actor=w.mila, segment=full, code=code)
    assert field in refused.value.fields()
    assert snapshot() == before


def test_save_criteria_without_actions_is_refused(w: Any, make_segment: Any) -> None:
    segment = make_segment("S1")
    with pytest.raises(ValidationFailed, match="no criteria actions to save"):
        services.segment_save_criteria(actor=w.mila, segment=segment, code="X")
    assert not SavedSegmentCriteria.objects.exists()


def test_reuse_criteria_replays_every_action(w: Any, make_segment: Any) -> None:
    Contact.objects.filter(no="P3").update(exclude_from_segment=True)
    source = make_segment("S1")
    add(w, source, {"contact": {"country_code": "NL|BE"}}, ignore_exclusion=True)
    reduce(w, source, {"contact": {"no": "P1"}})
    refine(w, source, {"contact": {"no": "P2|P3"}}, entire_companies=True)
    services.segment_line_delete(actor=w.mila, line=source.lines.get(contact__no="CO1"))
    services.segment_line_add(actor=w.mila, segment=source, contact="P1")
    services.segment_save_criteria(actor=w.mila, segment=source, code="MIX")

    target = make_segment("S2")
    result = services.segment_reuse_criteria(actor=w.mila, segment=target, code="mix")
    assert [r.action for r in result.results] == [
        "add",
        "reduce",
        "refine",
        "remove_line",
        "add_line",
    ]
    assert contacts_on(target) == contacts_on(source) == ["P2", "P3", "P1"]
    assert (result.added, result.removed) == (5, 2)
    replayed = SegmentCriteriaAction.objects.filter(segment=target).order_by("action_no")
    original = SegmentCriteriaAction.objects.filter(segment=source).order_by("action_no")
    fields = ("action_no", "action", "ignore_exclusion", "entire_companies", "allow_existing")
    assert list(replayed.values_list(*fields)) == list(original.values_list(*fields))
    # The replays are criteria actions: Go back undoes them one by one.
    services.segment_go_back(actor=w.mila, segment=target)
    assert contacts_on(target) == ["P2", "P3"]


def test_reuse_unknown_criteria_is_refused(w: Any, make_segment: Any) -> None:
    segment = make_segment("S1")
    with pytest.raises(ValidationFailed, match="no saved segment criteria NOPE"):
        services.segment_reuse_criteria(actor=w.mila, segment=segment, code="nope")


def test_a_failing_replay_writes_nothing(w: Any, full: Segment, make_segment: Any) -> None:
    services.segment_save_criteria(actor=w.mila, segment=full, code="BAD")
    saved = SavedSegmentCriteria.objects.get(code="BAD")
    saved.actions.create(action_no=2, action="reuse_logged_segment", logged_segment_entry_no=99)
    target = make_segment("S2")
    before = snapshot()
    with pytest.raises(ValidationFailed, match="logged segment 99"):
        services.segment_reuse_criteria(actor=w.mila, segment=target, code="BAD")
    assert snapshot() == before


# --- Reuse a logged segment ---------------------------------------------------------------------


@pytest.fixture
def logged(w: Any) -> LoggedSegment:
    """Logged segment 7 with entries 1 (P1, CP1), 2 (P3, no campaign), 3 (P1 again, CP1,
    canceled) and 4 (contact deleted); entry 5 (P2) belongs to another logged segment."""
    segment = LoggedSegment.objects.create(
        entry_no=7, segment_no="OLD", creation_date=datetime.date(2026, 3, 1)
    )
    LoggedSegment.objects.create(
        entry_no=8, segment_no="OTHER", creation_date=datetime.date(2026, 3, 1)
    )
    log_entry(w, w.p1, 1, campaign=w.campaign, logged_segment_entry_no=7)
    log_entry(w, w.p3, 2, logged_segment_entry_no=7)
    log_entry(w, w.p1, 3, campaign=w.campaign, logged_segment_entry_no=7, canceled=True)
    log_entry(w, w.p1, 4, logged_segment_entry_no=7).__class__.objects.filter(entry_no=4).update(
        contact=None
    )
    log_entry(w, w.p2, 5, logged_segment_entry_no=8)
    return segment


def test_reuse_logged_segment_adds_one_line_per_entry(
    w: Any, make_segment: Any, logged: LoggedSegment
) -> None:
    segment = make_segment("S1", campaign=w.campaign, campaign_target=True)
    add(w, segment, {"contact": {"no": "P3"}})
    result = services.segment_reuse_logged_segment(
        actor=w.mila, segment=segment, logged_segment=logged
    )
    assert (result.added, result.action_no) == (3, 2)
    rows = list(
        segment.lines.filter(action_no=2)
        .order_by("line_no")
        .values_list("line_no", "contact__no", "campaign__no", "campaign_target")
    )
    assert rows == [
        (20000, "P1", "CP1", True),
        (30000, "P3", None, False),  # the entry's (blank) campaign
        (40000, "P1", "CP1", True),
    ]
    action = SegmentCriteriaAction.objects.get(segment=segment, action_no=2)
    assert (action.action, action.allow_existing, action.logged_segment_entry_no) == (
        "reuse_logged_segment",
        True,
        7,
    )
    assert action.no_of_lines_inserted == 3
    assert SegmentHistory.objects.filter(segment=segment, action_no=2).count() == 3


def test_reuse_logged_segment_limited_to_some_entries(
    w: Any, make_segment: Any, logged: LoggedSegment
) -> None:
    segment = make_segment("S1")
    entries = InteractionLogEntry.objects.filter(entry_no__in=[2, 3, 5])  # 5: another segment
    result = services.segment_reuse_logged_segment(
        actor=w.mila, segment=segment, logged_segment=logged, entries=entries
    )
    assert result.added == 2
    assert contacts_on(segment) == ["P3", "P1"]


def test_reuse_logged_segment_skips_privacy_blocked_and_can_be_undone_and_replayed(
    w: Any, make_segment: Any, logged: LoggedSegment
) -> None:
    Contact.objects.filter(no="P3").update(privacy_blocked=True)
    segment = make_segment("S1")
    result = services.segment_reuse_logged_segment(
        actor=w.mila, segment=segment, logged_segment=logged
    )
    assert (result.added, result.skipped) == (2, {"privacy_blocked": 1})
    services.segment_save_criteria(actor=w.mila, segment=segment, code="AGAIN")
    services.segment_go_back(actor=w.mila, segment=segment)
    assert not segment.lines.exists()
    services.segment_reuse_criteria(actor=w.mila, segment=segment, code="AGAIN")
    assert contacts_on(segment) == ["P1", "P1"]
