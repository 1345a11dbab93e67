"""Segments' "may this entry be un-canceled?" check, registered with interactions' registry in
`SegmentsConfig.ready()`: a canceled logged segment blocks un-canceling its interactions and
campaign entries (reference 2.7), with interactions importing nothing of segments."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from rapport.campaigns.models import CampaignEntry
from rapport.core.errors import ConflictError
from rapport.interactions import services as interaction_services
from rapport.interactions.models import InteractionLogEntry
from rapport.interactions.services import uncancel_checks
from rapport.segments.models import LoggedSegment
from rapport.segments.uncancel_checks import logged_segment_uncancel_check

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 16)


def canceled_interaction(world: Any, logged_segment_no: int) -> InteractionLogEntry:
    """A canceled interaction with a campaign entry, logged with logged segment no. given."""
    entry = interaction_services.interaction_create(
        actor=world.admin, contact=world.p1, template=world.news
    )
    InteractionLogEntry.objects.filter(pk=entry.pk).update(
        logged_segment_entry_no=logged_segment_no
    )
    interaction_services.interaction_cancel(actor=world.admin, entry=entry)
    return entry


def test_segments_registers_its_check_with_interactions() -> None:
    assert logged_segment_uncancel_check in interaction_services.registered_uncancel_checks()


def test_a_canceled_logged_segment_refuses_uncanceling_its_interaction(world: Any) -> None:
    LoggedSegment.objects.create(entry_no=5, segment_no="SEG5", creation_date=DAY, canceled=True)
    entry = canceled_interaction(world, 5)
    with pytest.raises(ConflictError) as info:
        interaction_services.interaction_uncancel(actor=world.admin, entry=entry)
    assert info.value.code == "logged_segment_canceled"
    assert info.value.message == (
        f"Interaction {entry.entry_no} cannot be un-canceled while its logged segment 5 is "
        "canceled. Un-cancel the logged segment instead."
    )
    entry.refresh_from_db()
    assert entry.canceled
    LoggedSegment.objects.filter(entry_no=5).update(canceled=False)
    interaction_services.interaction_uncancel(actor=world.admin, entry=entry)
    entry.refresh_from_db()
    assert not entry.canceled


def test_a_canceled_logged_segment_refuses_uncanceling_a_campaign_entry(world: Any) -> None:
    LoggedSegment.objects.create(entry_no=6, segment_no="SEG6", creation_date=DAY, canceled=True)
    campaign_entry = canceled_interaction(world, 6).campaign_entry
    assert campaign_entry is not None
    interaction_services.campaign_entry_cancel(actor=world.admin, entry=campaign_entry)
    with pytest.raises(ConflictError) as info:
        interaction_services.campaign_entry_uncancel(actor=world.admin, entry=campaign_entry)
    assert info.value.code == "logged_segment_canceled"
    assert info.value.message == (
        f"Campaign entry {campaign_entry.entry_no} cannot be un-canceled while logged segment "
        "6 is canceled. Un-cancel the logged segment instead."
    )
    assert CampaignEntry.objects.get(pk=campaign_entry.pk).canceled


def test_the_check_has_nothing_against_an_entry_without_a_canceled_logged_segment(
    world: Any,
) -> None:
    LoggedSegment.objects.create(entry_no=8, segment_no="SEG8", creation_date=DAY, canceled=False)
    entry = canceled_interaction(world, 8)
    assert logged_segment_uncancel_check(entry) is None
    assert entry.campaign_entry is not None
    assert logged_segment_uncancel_check(entry.campaign_entry) is None


def test_the_first_refusal_of_the_registered_checks_is_raised(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uncancel_checks, "_checks", {})
    seen: list[int] = []

    def allows(entry: Any) -> None:
        seen.append(entry.entry_no)

    def refuses(entry: Any) -> ConflictError:
        return ConflictError("Not now.", code="not_now")

    interaction_services.register_uncancel_check(allows)
    interaction_services.register_uncancel_check(refuses)
    interaction_services.register_uncancel_check(allows)  # again: replaced, not added
    assert interaction_services.registered_uncancel_checks() == [allows, refuses]
    entry = canceled_interaction(world, 9)
    with pytest.raises(ConflictError) as info:
        interaction_services.interaction_uncancel(actor=world.admin, entry=entry)
    assert (info.value.code, info.value.message, seen) == ("not_now", "Not now.", [entry.entry_no])
