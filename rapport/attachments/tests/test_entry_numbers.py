"""The shared entry-number helper (`rapport.core.entry_numbers`) on a real numbered table, the
attachments' (moved here from the core tests: core sits below attachments and may not import
it)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from rapport.attachments.models import Attachment
from rapport.core import entry_numbers
from rapport.core.entry_numbers import highest_number, insert_numbered


@pytest.mark.django_db
def test_insert_numbered_takes_the_next_number_and_tries_the_next_after_a_clash(
    monkeypatch,
):
    def attachment():
        return Attachment(kind="OTHER", file_name="a.txt", content=b"x")

    first = insert_numbered(attachment(), field="no")
    second = insert_numbered(attachment(), field="no")
    assert (first.no, second.no) == (1, 2)
    assert highest_number(Attachment, "no") == 2

    # Another writer took number 3 between the read and the insert: the next one is tried.
    reads = iter([3, 4])
    monkeypatch.setattr(entry_numbers, "reserve_numbers", lambda model, count, field: next(reads))
    Attachment.objects.filter(no=2).update(no=3)
    third = insert_numbered(attachment(), field="no")
    assert third.no == 4

    monkeypatch.setattr(entry_numbers, "reserve_numbers", lambda model, count, field: 1)
    with pytest.raises(IntegrityError):
        insert_numbered(attachment(), field="no")
    assert sorted(Attachment.objects.values_list("no", flat=True)) == [1, 3, 4]


@pytest.mark.django_db
def test_reserve_numbers_gives_consecutive_blocks_above_the_highest_and_holds_no_lock() -> None:
    from django.db import connection, transaction

    from rapport.core.entry_numbers import reserve_numbers

    first = reserve_numbers(Attachment, 5, field="no")
    assert first == 1
    if connection.vendor != "postgresql":
        # SQLite: the highest + 1 (its writers are serial): nothing is kept between calls.
        assert reserve_numbers(Attachment, 1, field="no") == 1
        return
    assert reserve_numbers(Attachment, 1, field="no") == 6  # after the block of 5
    # A row numbered without a reservation (e.g. `rapport generate`): never numbered again.
    Attachment.objects.create(kind="OTHER", file_name="a.txt", content=b"x", no=100)
    assert reserve_numbers(Attachment, 2, field="no") == 101
    # A rolled-back transaction keeps its reservation (a gap) and held no lock meanwhile.
    with pytest.raises(RuntimeError), transaction.atomic():
        assert reserve_numbers(Attachment, 1, field="no") == 103
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                "AND pid = pg_backend_pid()"
            )
            assert cursor.fetchone()[0] == 0
        raise RuntimeError("roll back")
    assert reserve_numbers(Attachment, 1, field="no") == 104
    with pytest.raises(ValueError):
        reserve_numbers(Attachment, 0, field="no")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_never_overlap() -> None:
    import threading

    from django.db import connection

    from rapport.core.entry_numbers import reserve_numbers

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (concurrent transactions)")
    blocks: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def worker(index: int) -> None:
        from django.db import connection as own
        from django.db import transaction

        try:
            start.wait()
            for round_no in range(20):
                count = 1 + (index * 7 + round_no * 13) % 40
                with transaction.atomic():  # as a log does: inside its open transaction
                    blocks.append((reserve_numbers(Attachment, count, field="no"), count))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            own.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    numbers = [first + offset for first, count in blocks for offset in range(count)]
    assert len(blocks) == 120
    assert sorted(numbers) == list(range(1, len(numbers) + 1))  # disjoint and without gaps
