"""Entry numbers: NAV's "Entry No." of a ledger-like table, the highest so far + 1.

One rule for every table that numbers its rows this way (interaction log entries, campaign
entries, logged segments, attachments), and a short step, not a lock held to the end of the
writer's transaction (issue 11, "short locks"):

* PostgreSQL: a sequence per numbered table (`sequence_name`, created by the migration
  `core/0002_entry_number_sequences`) hands out blocks. `reserve_numbers` is one statement (the
  function `rapport_reserve_numbers` of that migration): under a momentary session-level
  advisory lock (released before the statement ends, so a block of many numbers is consecutive
  and no other writer's number falls inside it) the sequence moves to the greater of its own
  value and the table's highest committed number (an index read: rows numbered without the
  sequence, e.g. by `rapport generate`, are never numbered again), plus the block. A sequence
  is not transactional: a segment log that holds its transaction open for a minute holds no
  lock on the numbers, and a rolled-back writer leaves a gap (docs/differences.md).
* SQLite: the highest + 1 (a write transaction is IMMEDIATE: writers are serial already).

Should a writer that numbers rows without reserving them take a number first, the unique key
makes `insert_numbered` reserve the next one.
"""

from __future__ import annotations

import zlib

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Max

# How often an insert tries the next number after a clash before the error is the caller's.
NUMBER_ATTEMPTS = 5

# The tables numbered this way on PostgreSQL: (table, column). The migration creates their
# sequences; `reserve_numbers` creates one for any other table the first time it is used.
NUMBERED_TABLES = (
    ("interactions_interactionlogentry", "entry_no"),
    ("campaigns_campaignentry", "entry_no"),
    ("segments_loggedsegment", "entry_no"),
    ("attachments_attachment", "no"),
)

# Sequences this process has made sure of (per database name).
_ensured: set[tuple[str, str]] = set()


def sequence_name(table: str, field: str) -> str:
    """The PostgreSQL sequence numbering `table`'s `field` (within the 63 characters)."""
    return f"{table}_{field}_numbers"[-63:]


def create_sequence_sql(table: str, field: str) -> str:
    return f"CREATE SEQUENCE IF NOT EXISTS {sequence_name(table, field)} MINVALUE 0 START 0"


def lock_numbers(key: int) -> None:
    """A transaction-level lock on `key` until the transaction ends (PostgreSQL; SQLite's write
    transactions are serial already). Used for the attachment files' pointers; entry numbers
    no longer take a lock of this kind (`reserve_numbers`)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def highest_number(model: type[models.Model], field: str = "entry_no") -> int:
    """The highest number used so far in `model`'s `field` (0 for an empty table)."""
    return model._default_manager.aggregate(highest=Max(field))["highest"] or 0  # type: ignore[no-any-return]


def reserve_numbers(model: type[models.Model], count: int, field: str = "entry_no") -> int:
    """Reserve `count` consecutive numbers of `model`'s `field` and return the first: above
    every number reserved before and above the highest in the table. On PostgreSQL one short
    statement whose reservation stays when the caller's transaction rolls back (a gap); on
    SQLite the highest + 1 (the caller's write transaction keeps it free)."""
    if count < 1:
        raise ValueError("reserve at least one number")
    if connection.vendor != "postgresql":
        return highest_number(model, field) + 1
    table = model._meta.db_table
    column = str(model._meta.get_field(field).column)  # type: ignore[union-attr]
    sequence = sequence_name(table, column)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        key = (connection.settings_dict["NAME"], sequence)
        if key not in _ensured:
            cursor.execute(create_sequence_sql(table, column))
            _ensured.add(key)
        highest = f"(SELECT MAX({quote(column)}) FROM {quote(table)})"  # noqa: S608 - ours
        cursor.execute(
            f"SELECT rapport_reserve_numbers(%s::regclass, {highest}, %s, %s)",
            [sequence, count, _lock_key(sequence)],
        )
        return int(cursor.fetchone()[0])


def reset_sequences() -> None:
    """Start every numbered table's sequence again (PostgreSQL; nothing on SQLite): what the
    tests do before each test, as a rolled-back test leaves its numbers reserved. Never on a
    database in use: the next numbers then come from the tables' highest alone."""
    if connection.vendor != "postgresql":
        return
    calls = ", ".join(
        f"setval('{sequence_name(table, field)}', 0)" for table, field in NUMBERED_TABLES
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {calls}")


def _lock_key(sequence: str) -> int:
    """The advisory-lock key of a sequence's reservations (a 32-bit checksum of its name,
    offset so it cannot collide with the small keys other locks use)."""
    return 1_000_000_000_000 + zlib.crc32(sequence.encode())


def insert_numbered[ModelT: models.Model](instance: ModelT, *, field: str = "entry_no") -> ModelT:
    """Save the new `instance` under the next number in `field` (`reserve_numbers`); after a
    clash with a number another writer took without reserving it, the next one is reserved.
    Runs inside the caller's transaction and holds no lock there."""
    model = type(instance)
    for attempt in range(NUMBER_ATTEMPTS):
        setattr(instance, field, reserve_numbers(model, 1, field))
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
