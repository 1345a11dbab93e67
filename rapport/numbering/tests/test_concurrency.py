"""Many users drawing from one series at once get every number exactly once (PostgreSQL)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from rapport.numbering import services

from .conftest import DAY

THREADS = 8
DRAWS = 1000


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_draws_have_no_duplicates_and_no_gaps(make_series) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks); run with DATABASE_URL=postgres://...")
    make_series("CONC", starting_no="C000001")
    per_thread = DRAWS // THREADS
    results: list[list[str]] = [[] for _ in range(THREADS)]
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker(index: int) -> None:
        from django.db import connection as thread_connection

        try:
            start.wait()
            for _ in range(per_thread):
                with transaction.atomic():
                    results[index].append(services.number_series_next(code="CONC", date=DAY))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            thread_connection.close()

    began = time.monotonic()
    threads = [threading.Thread(target=worker, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    elapsed = time.monotonic() - began
    assert not errors, errors
    numbers = [number for chunk in results for number in chunk]
    assert len(numbers) == THREADS * per_thread == DRAWS
    assert len(set(numbers)) == len(numbers), "a number was handed out twice"
    assert set(numbers) == {f"C{value:06d}" for value in range(1, DRAWS + 1)}
    # Every thread got numbers, in increasing order within the thread.
    for chunk in results:
        assert chunk == sorted(chunk)
    print(f"\n{DRAWS} draws by {THREADS} threads in {elapsed:.2f} s")
    assert elapsed < 20
