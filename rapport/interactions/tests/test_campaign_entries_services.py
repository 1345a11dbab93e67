"""Campaign entries (reference 1.13, NAV page Campaign entries, report Delete campaign entries):
cancel and un-cancel cascading to the interactions, the refusals (which change nothing), and
deleting canceled entries with their interactions."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.campaigns.models import CampaignEntry
from rapport.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from rapport.core.services import user_update_preferences
from rapport.interactions import services
from rapport.interactions.models import InteractionLogEntry, InteractionLogEntryComment
from rapport.interactions.services.campaign_entries import (
    campaign_entries,
    campaign_entry_get,
    may_change_campaign_entry,
)

from .conftest import log_snapshot

pytestmark = pytest.mark.django_db

WORK_DATE = datetime.date(2026, 3, 16)


@pytest.fixture
def w(world):
    for user in (world.admin, world.mila, world.sven):
        user_update_preferences(user=user, work_date=WORK_DATE)
    return world


def log(w, **kwargs):
    kwargs.setdefault("actor", w.admin)
    kwargs.setdefault("contact", w.p1)
    kwargs.setdefault("template", w.news)
    return services.interaction_create(**kwargs)


def shared_entry(w, *salespeople):
    """A campaign entry with one interaction per salesperson given (as a logged segment makes:
    several interactions share one entry, register no. 7)."""
    first = log(w, salesperson=salespeople[0])
    entry = first.campaign_entry
    for salesperson in salespeople[1:]:
        other = log(w, salesperson=salesperson)
        own = other.campaign_entry
        InteractionLogEntry.objects.filter(pk=other.pk).update(campaign_entry=entry)
        own.delete()
    CampaignEntry.objects.filter(pk=entry.pk).update(register_no=7, salesperson=salespeople[0])
    entry.refresh_from_db()
    return entry


def canceled_flags(entry):
    return list(
        InteractionLogEntry.objects.filter(campaign_entry=entry)
        .order_by("entry_no")
        .values_list("entry_no", "canceled")
    )


# --- Cancel / uncancel ---------------------------------------------------------------------------


def test_cancel_marks_the_entry_and_exactly_its_interactions(w) -> None:
    entry = shared_entry(w, w.pb, w.mv)
    untouched = log(w)  # another entry of the same campaign
    with CaptureQueriesContext(connection) as queries:
        services.campaign_entry_cancel(actor=w.mila, entry=entry)
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 2  # one for the entry, one for all its interactions
    assert entry.canceled is True
    assert canceled_flags(entry) == [(1, True), (2, True)]
    untouched.refresh_from_db()
    assert untouched.canceled is False
    assert untouched.campaign_entry.canceled is False
    # The entry's interactions cannot be un-canceled one by one.
    with pytest.raises(ConflictError) as info:
        services.interaction_uncancel(
            actor=w.admin, entry=InteractionLogEntry.objects.get(entry_no=1)
        )
    assert info.value.code == "campaign_entry_canceled"


def test_uncancel_restores_every_interaction_of_the_entry(w) -> None:
    entry = shared_entry(w, w.pb, w.mv)
    services.interaction_cancel(actor=w.admin, entry=InteractionLogEntry.objects.get(entry_no=2))
    services.campaign_entry_cancel(actor=w.admin, entry=entry)
    services.campaign_entry_uncancel(actor=w.admin, entry=entry)
    assert entry.canceled is False
    # NAV: ModifyAll(Canceled) — the one canceled by hand before is un-canceled too.
    assert canceled_flags(entry) == [(1, False), (2, False)]


def test_cancel_twice_and_uncancel_of_a_live_entry_change_nothing(w) -> None:
    entry = log(w).campaign_entry
    services.campaign_entry_uncancel(actor=w.admin, entry=entry)
    assert canceled_flags(entry) == [(1, False)]
    services.campaign_entry_cancel(actor=w.admin, entry=entry)
    before = log_snapshot()
    services.campaign_entry_cancel(actor=w.admin, entry=entry)
    assert log_snapshot() == before


def test_uncancel_is_refused_while_the_logged_segment_is_canceled(w) -> None:
    logged_segment = apps.get_model("segments", "LoggedSegment")
    logged_segment.objects.create(
        entry_no=7, segment_no="SEG1", creation_date=WORK_DATE, canceled=True
    )
    entry = shared_entry(w, w.pb)
    services.campaign_entry_cancel(actor=w.admin, entry=entry)
    before = log_snapshot()
    with pytest.raises(ConflictError) as info:
        services.campaign_entry_uncancel(actor=w.admin, entry=entry)
    assert info.value.code == "logged_segment_canceled"
    assert info.value.status == 409
    assert "logged segment 7 is canceled" in info.value.message
    assert log_snapshot() == before
    logged_segment.objects.filter(entry_no=7).update(canceled=False)
    services.campaign_entry_uncancel(actor=w.admin, entry=entry)
    assert canceled_flags(entry) == [(1, False)]


def test_uncancel_is_refused_while_an_interactions_logged_segment_is_canceled(w) -> None:
    logged_segment = apps.get_model("segments", "LoggedSegment")
    logged_segment.objects.create(
        entry_no=9, segment_no="SEG9", creation_date=WORK_DATE, canceled=True
    )
    first = log(w)
    InteractionLogEntry.objects.filter(pk=first.pk).update(logged_segment_entry_no=9)
    entry = first.campaign_entry
    services.campaign_entry_cancel(actor=w.admin, entry=entry)
    before = log_snapshot()
    with pytest.raises(ConflictError) as info:
        services.campaign_entry_uncancel(actor=w.admin, entry=entry)
    assert info.value.code == "logged_segment_canceled"
    assert log_snapshot() == before


def test_read_only_cannot_cancel_and_nothing_changes(w) -> None:
    entry = log(w).campaign_entry
    before = log_snapshot()
    with pytest.raises(PermissionDeniedError):
        services.campaign_entry_cancel(actor=w.reader, entry=entry)
    assert log_snapshot() == before
    assert may_change_campaign_entry(w.reader, entry) is False


def test_salesperson_changes_only_entries_that_are_all_theirs(w) -> None:
    own = log(w, salesperson=w.sj).campaign_entry
    mixed = shared_entry(w, w.sj, w.mv)
    assert may_change_campaign_entry(w.sven, own) is True
    assert may_change_campaign_entry(w.sven, mixed) is False
    before = log_snapshot()
    with pytest.raises(PermissionDeniedError) as info:
        services.campaign_entry_cancel(actor=w.sven, entry=mixed)
    assert "another salesperson" in info.value.message
    assert log_snapshot() == before
    services.campaign_entry_cancel(actor=w.sven, entry=own)
    assert canceled_flags(own) == [(1, True)]


def test_entries_have_navs_flowfields(w) -> None:
    entry = shared_entry(w, w.pb, w.mv)
    services.interaction_cancel(actor=w.admin, entry=InteractionLogEntry.objects.get(entry_no=2))
    row = campaign_entry_get(entry.entry_no)
    # Only the interactions canceled as the entry is (not canceled) count.
    assert (row.no_of_interactions, row.cost, row.duration) == (1, Decimal("0.10"), 2)
    assert [e.entry_no for e in campaign_entries({"campaign_no": "cp1"})] == [entry.entry_no]
    assert list(campaign_entries({"campaign_no": "NOPE"})) == []
    with pytest.raises(ValidationFailed) as info:
        campaign_entries({"campaign": "CP1"})
    assert info.value.code == "unknown_field"


# --- Delete canceled -----------------------------------------------------------------------------


def test_delete_canceled_counts_first_then_deletes_the_entries_with_their_interactions(w) -> None:
    doomed = shared_entry(w, w.pb, w.mv)
    services.interaction_add_comment(
        actor=w.admin, entry=InteractionLogEntry.objects.get(entry_no=1), comment="Note"
    )
    kept = log(w)
    services.campaign_entry_cancel(actor=w.admin, entry=doomed)
    before = log_snapshot()
    assert services.campaign_entries_delete_canceled(actor=w.admin, dry_run=True) == 1
    assert log_snapshot() == before
    assert services.campaign_entries_delete_canceled(actor=w.admin) == 1
    assert list(CampaignEntry.objects.values_list("entry_no", flat=True)) == [
        kept.campaign_entry.entry_no
    ]
    assert list(InteractionLogEntry.objects.values_list("entry_no", flat=True)) == [kept.entry_no]
    assert InteractionLogEntryComment.objects.count() == 0


def test_delete_canceled_filters_and_never_touches_live_entries(w) -> None:
    first = log(w).campaign_entry
    second = log(w).campaign_entry
    live = log(w).campaign_entry
    for entry in (first, second):
        services.campaign_entry_cancel(actor=w.admin, entry=entry)
    assert (
        services.campaign_entries_delete_canceled(
            actor=w.admin, filters={"entry_no": live.entry_no}
        )
        == 0
    )
    assert (
        services.campaign_entries_delete_canceled(actor=w.admin, filters={"campaign_no": "NOPE"})
        == 0
    )
    assert (
        services.campaign_entries_delete_canceled(
            actor=w.admin, filters={"campaign_no": "cp1", "entry_no": second.entry_no}
        )
        == 1
    )
    assert sorted(CampaignEntry.objects.values_list("entry_no", flat=True)) == [
        first.entry_no,
        live.entry_no,
    ]


def test_delete_canceled_keeps_an_entry_with_an_interaction_that_is_not_canceled(w) -> None:
    entry = shared_entry(w, w.pb, w.mv)
    services.campaign_entry_cancel(actor=w.admin, entry=entry)
    InteractionLogEntry.objects.filter(entry_no=2).update(canceled=False)  # inconsistent on purpose
    before = log_snapshot()
    assert services.campaign_entries_delete_canceled(actor=w.admin) == 0
    assert log_snapshot() == before


def test_delete_canceled_refusals_change_nothing(w) -> None:
    entry = log(w).campaign_entry
    services.campaign_entry_cancel(actor=w.admin, entry=entry)
    before = log_snapshot()
    with pytest.raises(ValidationFailed) as info:
        services.campaign_entries_delete_canceled(actor=w.admin, filters={"campaignno": "CP1"})
    assert info.value.code == "unknown_field"
    with pytest.raises(ValidationFailed):
        services.campaign_entries_delete_canceled(actor=w.admin, filters={"entry_no": "x"})
    with pytest.raises(PermissionDeniedError):
        services.campaign_entries_delete_canceled(actor=w.reader)
    assert log_snapshot() == before


def test_salesperson_deletes_only_their_own_canceled_entries(w) -> None:
    own = log(w, salesperson=w.sj).campaign_entry
    other = log(w, salesperson=w.mv).campaign_entry
    for entry in (own, other):
        services.campaign_entry_cancel(actor=w.admin, entry=entry)
    assert services.campaign_entries_delete_canceled(actor=w.sven) == 1
    assert list(CampaignEntry.objects.values_list("entry_no", flat=True)) == [other.entry_no]
    # The command line (no actor) deletes every canceled one.
    assert services.campaign_entries_delete_canceled(actor=None) == 1
    assert CampaignEntry.objects.count() == 0
