"""Short locks (issue 11): creating an interaction never waits for a segment being logged on
PostgreSQL. The log's entry numbers (and its logged segment's, campaign entries' and attachment
copies' numbers) are reserved in a short step (`rapport.core.entry_numbers.reserve_numbers`),
not under a lock held to the end of the log's transaction."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection, models, transaction

from rapport.attachments.models import Attachment
from rapport.campaigns.models import CampaignEntry
from rapport.contacts.models import Contact
from rapport.interactions import services as interaction_services
from rapport.interactions.models import InteractionLogEntry
from rapport.segments import services
from rapport.segments.models import Segment
from rapport.segments.services.line_values import insert_lines

WAIT = 5.0
"""How long the test lets the single create run before it lets the log commit."""


def add(segment: Segment, *nos: str) -> int:
    action = services.start_criteria_action(actor=None, segment=segment, action="add")
    return insert_lines(segment, Contact.objects.filter(no__in=nos), action_no=action.action_no)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_single_create_does_not_wait_for_an_open_segment_log(world: Any, make_segment) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (concurrent transactions); SQLite serialises writers")
    segment = make_segment("S1", template=world.call, subject="Hello")
    add(segment, "CO1", "P1", "P2", "P3")
    p3 = segment.lines.get(contact__no="P3")  # NEWS: a campaign entry and an attachment copy
    services.segment_line_update(actor=world.mila, line=p3, template=world.news)
    logged_in_log = threading.Event()
    commit_log = threading.Event()
    created: dict[str, Any] = {}
    errors: list[BaseException] = []

    def log() -> None:
        from django.db import connection as own

        try:
            with transaction.atomic():
                services.segment_log(deliver=False, actor=world.mila, segment=segment)
                logged_in_log.set()  # inserted, not committed: its transaction stays open
                commit_log.wait(30)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
            logged_in_log.set()
        finally:
            own.close()

    def create() -> None:
        from django.db import connection as own

        try:
            started = time.monotonic()
            entry = interaction_services.interaction_create(
                actor=world.admin, contact=world.p1, template=world.news
            )
            created["seconds"] = time.monotonic() - started
            created["entry"] = entry
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            own.close()

    logger = threading.Thread(target=log)
    logger.start()
    assert logged_in_log.wait(30)
    creator = threading.Thread(target=create)
    creator.start()
    creator.join(WAIT)
    waited = creator.is_alive()
    commit_log.set()
    creator.join(30)
    logger.join(30)
    assert not errors, errors
    assert not waited, "the single create waited for the segment log's transaction"
    assert created["seconds"] < 1.0
    entry = created["entry"]
    logged_numbers = sorted(
        InteractionLogEntry.objects.filter(segment_no="S1").values_list("entry_no", flat=True)
    )
    assert len(logged_numbers) == 4
    assert logged_numbers == list(range(logged_numbers[0], logged_numbers[0] + 4))  # a block
    assert entry.entry_no == logged_numbers[-1] + 1  # reserved after the log's block
    numbers = list(InteractionLogEntry.objects.values_list("entry_no", flat=True))
    assert len(numbers) == len(set(numbers))
    campaign_numbers = list(CampaignEntry.objects.values_list("entry_no", flat=True))
    assert len(campaign_numbers) == len(set(campaign_numbers)) == 2
    assert entry.attachment is not None and entry.attachment.read_only
    attachment_numbers = list(Attachment.objects.values_list("no", flat=True))
    assert len(attachment_numbers) == len(set(attachment_numbers))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_logged_segment_cancel_racing_a_single_cancel_counts_each_entry_once(
    world: Any, make_segment
) -> None:
    """A single cancel of one entry holds its row while the logged segment is canceled: the
    segment's cancel waits for it (the entries are locked before the totals' delta is taken),
    so the entry is taken off the statistics once, not twice."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (concurrent transactions); SQLite serialises writers")
    from rapport.interactions.models import InteractionTotal
    from rapport.interactions.services.totals import interaction_totals_rebuild
    from rapport.segments.models import LoggedSegment

    segment = make_segment("S2", template=world.call, subject="Hello")
    add(segment, "P1", "P2", "P3")
    services.segment_log(deliver=False, actor=world.mila, segment=segment)
    logged = LoggedSegment.objects.get(segment_no="S2")
    single = InteractionLogEntry.objects.filter(segment_no="S2").order_by("entry_no").first()
    assert single is not None
    canceled_in_single = threading.Event()
    commit_single = threading.Event()
    errors: list[BaseException] = []

    def cancel_one() -> None:
        from django.db import connection as own

        try:
            with transaction.atomic():
                interaction_services.interaction_cancel(actor=world.admin, entry=single)
                canceled_in_single.set()  # canceled, not committed
                commit_single.wait(30)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
            canceled_in_single.set()
        finally:
            own.close()

    def cancel_all() -> None:
        from django.db import connection as own

        try:
            services.logged_segment_cancel(actor=world.mila, logged_segment=logged)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            own.close()

    one = threading.Thread(target=cancel_one)
    one.start()
    assert canceled_in_single.wait(30)
    whole = threading.Thread(target=cancel_all)
    whole.start()
    whole.join(1.0)  # it waits for the single cancel's row
    commit_single.set()
    one.join(30)
    whole.join(30)
    assert not errors, errors

    def figures() -> list[tuple]:
        return sorted(
            InteractionTotal.objects.values("dimension", "key_id", "date")
            .annotate(n=models.Sum("no_of_interactions"), cost=models.Sum("cost_cents"))
            .filter(models.Q(n__gt=0) | models.Q(n__lt=0))
            .values_list("dimension", "key_id", "date", "n", "cost")
        )

    maintained = figures()
    with transaction.atomic():
        interaction_totals_rebuild()
        rebuilt = figures()
        transaction.set_rollback(True)
    assert maintained == rebuilt
    assert not InteractionLogEntry.objects.filter(segment_no="S2", canceled=False).exists()
