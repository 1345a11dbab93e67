"""The interaction statistics' per-day totals through the segment operations: logging a
segment, cancelling and un-cancelling a logged segment (and its campaign entry), deleting
canceled logged segments. After each, the maintained totals equal a rebuild and the log, and
every statistic equals the old aggregate over the log (`rapport.interactions.tests.
test_totals.assert_totals_are_right`)."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.campaigns.models import CampaignEntry
from rapport.contacts.models import Contact
from rapport.interactions import selectors
from rapport.interactions import services as interaction_services
from rapport.interactions.models import InteractionLogEntry, InteractionTotal
from rapport.interactions.tests.test_totals import assert_totals_are_right
from rapport.segments import services
from rapport.segments.models import LoggedSegment, Segment
from rapport.segments.services.line_values import insert_lines

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def s1(world: Any, make_segment: Any) -> Segment:
    """S1 on CALL dated 2026-03-02 with CO1, P1, P2, P3; P3's line on NEWS (campaign CP1)
    with a failed attempt; one single interaction logged before it."""
    interaction_services.interaction_create(
        actor=world.admin, contact=world.p2, template=world.call, date=D(2026, 3, 2)
    )
    segment = make_segment("S1", template=world.call, subject="Hello", date=D(2026, 3, 2))
    action = services.start_criteria_action(actor=None, segment=segment, action="add")
    insert_lines(
        segment,
        Contact.objects.filter(no__in=["CO1", "P1", "P2", "P3"]),
        action_no=action.action_no,
    )
    services.segment_line_update(
        actor=world.mila,
        line=segment.lines.get(contact__no="P3"),
        template=world.news,
        attempt_failed=True,
    )
    return segment


def test_logging_a_segment_adds_its_entries(world: Any, s1: Segment) -> None:
    services.segment_log(deliver=False, actor=world.mila, segment=s1)
    assert selectors.contact_statistics(world.company) == selectors.ContactStatistics(
        no_of_interactions=4,
        cost=decimal.Decimal("6.00"),
        duration=decimal.Decimal("40"),
        date_of_last_interaction=D(2026, 3, 2),
        last_date_attempted=D(2026, 3, 2),
    )
    assert selectors.campaign_statistics(world.campaign).no_of_interactions == 1
    assert_totals_are_right()


def test_cancel_and_uncancel_a_logged_segment(world: Any, s1: Segment) -> None:
    services.segment_log(deliver=False, actor=world.mila, segment=s1)
    logged = LoggedSegment.objects.get()
    one = InteractionLogEntry.objects.get(logged_segment_entry_no=logged.entry_no, contact=world.p1)
    interaction_services.interaction_cancel(actor=world.admin, entry=one)  # canceled before
    assert_totals_are_right()
    services.logged_segment_cancel(actor=world.mila, logged_segment=logged)
    assert selectors.contact_statistics(world.company).no_of_interactions == 1
    assert_totals_are_right()
    services.logged_segment_cancel(actor=world.mila, logged_segment=logged)  # nothing changes
    assert_totals_are_right()
    services.logged_segment_uncancel(actor=world.mila, logged_segment=logged)  # P1's too
    assert selectors.contact_statistics(world.company).no_of_interactions == 4
    assert_totals_are_right()


def test_a_logged_segment_campaign_entry_and_delete_canceled(world: Any, s1: Segment) -> None:
    services.segment_log(deliver=False, actor=world.mila, segment=s1)
    logged = LoggedSegment.objects.get()
    entry = CampaignEntry.objects.get(register_no=logged.entry_no)
    interaction_services.campaign_entry_cancel(actor=world.admin, entry=entry)
    assert selectors.campaign_statistics(world.campaign).no_of_interactions == 0
    assert_totals_are_right()
    interaction_services.campaign_entry_uncancel(actor=world.admin, entry=entry)
    assert_totals_are_right()
    services.logged_segment_cancel(actor=world.mila, logged_segment=logged)
    assert services.logged_segments_delete_canceled(actor=world.mila) == 1
    assert_totals_are_right()
    assert interaction_services.interactions_delete_canceled(actor=None) == 4
    assert_totals_are_right()


def test_the_log_adds_one_statement(world: Any, s1: Segment) -> None:
    with CaptureQueriesContext(connection) as queries:
        services.segment_log(deliver=False, actor=world.mila, segment=s1)
    table = InteractionTotal._meta.db_table
    assert sum(table in query["sql"] for query in queries) == 1
