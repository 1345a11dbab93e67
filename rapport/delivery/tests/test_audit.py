"""The audit trail of delivery (issue 12): a resend writes one entry, on the interaction or the
logged segment resent, with how many messages were queued again and the selection as given; a
resend that queues nothing and a refused one write none. The worker's sending and printing
(outbox bookkeeping) write none."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from rapport.audit.testing import audit_count, audited
from rapport.core.acting import Source, acting_as
from rapport.core.errors import PermissionDeniedError
from rapport.delivery.models import OutboxMessage
from rapport.delivery.services import delivery_requested, resend
from rapport.delivery.tests.outbox_data import log_entries, outbox_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user: Any) -> Any:
    return outbox_world(admin_user)


def _fail(entry_nos: list[int]) -> None:
    OutboxMessage.objects.filter(entry__entry_no__in=entry_nos).update(
        state="failed", error="550 no"
    )


def test_resend_of_one_interaction(world: Any) -> None:
    nos = log_entries(world, 2)
    delivery_requested(actor=world.user, entry_nos=nos)
    _fail(nos)
    assert resend(actor=world.user, entry_nos=[nos[0]]) == 1
    found = audited("resend")
    assert (found.object_type, found.object_key, found.username) == (
        "interaction",
        str(nos[0]),
        world.user.username,
    )
    assert found.changes == {}
    assert found.details == {"count": 1, "filters": {"entry_nos": [nos[0]]}}
    before = audit_count()
    assert resend(actor=world.user, entry_nos=[nos[0]]) == 0  # queued already
    assert audit_count() == before


def test_resend_of_a_logged_segment_writes_one_entry(world: Any) -> None:
    nos = log_entries(world, 4, logged_segment_entry_no=7)
    delivery_requested(actor=world.user, logged_segment_entry_no=7)
    _fail(nos[:3])
    assert resend(actor=world.user, logged_segment_entry_no=7) == 3
    found = audited("resend")
    assert (found.object_type, found.object_key) == ("logged_segment", "7")
    assert found.details == {"count": 3, "filters": {"logged_segment_entry_no": 7}}


def test_resend_of_a_selection_by_the_api(world: Any, api_client: Any) -> None:
    from rapport.segments.models import LoggedSegment

    LoggedSegment.objects.create(
        entry_no=7, segment_no="S1", description="Mailing", creation_date=datetime.date(2026, 3, 1)
    )
    nos = log_entries(world, 3, logged_segment_entry_no=7)
    delivery_requested(actor=world.user, logged_segment_entry_no=7)
    _fail(nos)
    url = "/api/v1/logged-segments/7/resend/"
    response = api_client(world.user).post(url, {"entry_nos": nos[1:]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["queued"] == 2
    found = audited("resend")
    assert (found.object_type, found.object_key, found.source) == (
        "logged_segment",
        "7",
        Source.API,
    )
    assert found.details == {
        "count": 2,
        "filters": {"entry_nos": nos[1:], "logged_segment_entry_no": 7},
    }


def test_resend_of_all_failed_from_the_command_line(world: Any) -> None:
    first = log_entries(world, 1, logged_segment_entry_no=1)
    other = log_entries(world, 1)
    delivery_requested(actor=world.user, logged_segment_entry_no=1)
    delivery_requested(actor=world.user, entry_nos=other)
    _fail(first + other)
    with acting_as(source=Source.CLI, name="cli:ops"):
        assert resend(actor=None) == 2
    found = audited("resend")
    assert (found.object_type, found.object_key, found.username, found.source) == (
        "interaction",
        "",
        "cli:ops",
        Source.CLI,
    )
    assert found.details == {"count": 2, "filters": {}}


def test_refused_resend_writes_nothing(world: Any, read_only_user: Any) -> None:
    nos = log_entries(world, 1)
    delivery_requested(actor=world.user, entry_nos=nos)
    _fail(nos)
    before = audit_count()
    with pytest.raises(PermissionDeniedError):
        resend(actor=read_only_user, entry_nos=nos)
    assert audit_count() == before
    assert OutboxMessage.objects.get().state == "failed"
