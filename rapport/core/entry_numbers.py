"""Entry numbers: NAV's "Entry No." of a ledger-like table is the highest so far + 1.

One rule for every table that numbers its rows this way (interaction log entries, campaign
entries, logged segments, attachments): the numbers are handed out under a transaction-level
lock on PostgreSQL (SQLite's IMMEDIATE transactions are serial already), and should a writer
that does not take the lock still take the number first, the unique key makes the insert try
the next one.
"""

from __future__ import annotations

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Max

# How often an insert tries the next number after a clash before the error is the caller's.
NUMBER_ATTEMPTS = 5


def lock_numbers(key: int) -> None:
    """Serialise the handing out of one table's numbers until the transaction ends (the
    highest + 1 is then free). `key` names the table (by convention NAV's table no.). Taken
    just before the insert, so it is held only for the end of the transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def highest_number(model: type[models.Model], field: str = "entry_no") -> int:
    """The highest number used so far in `model`'s `field` (0 for an empty table)."""
    return model._default_manager.aggregate(highest=Max(field))["highest"] or 0  # type: ignore[no-any-return]


def insert_numbered[ModelT: models.Model](
    instance: ModelT, *, lock_key: int | None, field: str = "entry_no"
) -> ModelT:
    """Save the new `instance` under the next number in `field` (the highest + 1), under the
    lock `lock_key` (None: no lock, the retry alone keeps numbers unique). Must run inside the
    operation's transaction."""
    model = type(instance)
    if lock_key is not None:
        lock_numbers(lock_key)
    for attempt in range(NUMBER_ATTEMPTS):
        setattr(instance, field, highest_number(model, field) + 1)
        try:
            with transaction.atomic():
                instance.save(force_insert=True)
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
            instance.pk = None  # an automatic key is drawn again with the next number
            continue
        return instance
    raise AssertionError("unreachable")  # pragma: no cover
