"""Many users logging interactions at once get every entry number exactly once (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from rapport.campaigns.models import CampaignEntry
from rapport.interactions import services
from rapport.interactions.models import InteractionLogEntry

THREADS = 8
PER_THREAD = 15


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_interactions_have_unique_entry_numbers(world) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (concurrent transactions); run with DATABASE_URL=...")
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker(index: int) -> None:
        from django.db import connection as thread_connection

        try:
            start.wait()
            for _ in range(PER_THREAD):
                # NEWS has a campaign: each interaction also numbers a campaign entry.
                services.interaction_create(
                    actor=world.admin, contact=world.p1, template=world.news
                )
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    total = THREADS * PER_THREAD
    numbers = sorted(InteractionLogEntry.objects.values_list("entry_no", flat=True))
    assert numbers == list(range(1, total + 1))
    campaign_numbers = sorted(CampaignEntry.objects.values_list("entry_no", flat=True))
    assert campaign_numbers == list(range(1, total + 1))
