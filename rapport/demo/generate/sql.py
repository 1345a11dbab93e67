"""The SQL both databases understand, and the few places where SQLite and PostgreSQL differ:
a row source of n numbers, zero padding, temporary tables filled from Python rows, and the
pseudo-random numbers every generated value is chosen by.

Every statement is run with a parameter list (even an empty one), so a `%` in SQL is written
`%%` (the modulo operator) on both databases."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

PRIME = 2_147_483_647
"""The modulus of the pseudo-random numbers (2**31 - 1, a prime)."""
MULTIPLIERS = (
    1_103_515_245,
    1_664_525_231,
    1_234_567_891,
    2_017_123_457,
    1_999_999_973,
    1_500_450_271,
    1_327_217_885,
    1_147_483_661,
)


def postgresql() -> bool:
    return connection.vendor == "postgresql"


def numbers(count_param: str = "%s") -> str:
    """A common table expression `seq(i)` of the numbers 0 .. count - 1 (`count` given as a
    parameter): generate_series on PostgreSQL, a recursive CTE on SQLite. Put it first in a
    WITH clause started by `with_keyword()`."""
    if postgresql():
        return f"seq(i) AS (SELECT generate_series(0::bigint, {count_param}::bigint - 1))"
    return f"seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < {count_param})"  # noqa: S608


def with_keyword() -> str:
    return "WITH" if postgresql() else "WITH RECURSIVE"


def rand(column: str, which: int, seed: int) -> str:
    """A pseudo-random whole number 0 .. PRIME - 1 made from the integer `column`: the same
    for the same column value, `which` (0-7) and `seed`; different `which` give independent
    looking numbers for one row."""
    multiplier = MULTIPLIERS[which % len(MULTIPLIERS)]
    offset = (seed * 7_919 + which * 104_729) % PRIME
    return f"((({column}) + {offset}) * {multiplier} %% {PRIME})"


def pad(expression: str, width: int) -> str:
    """`expression` (a whole number >= 0) as text, zero-padded to `width` digits; a wider
    number keeps all its digits (as `increment_number` does)."""
    if postgresql():
        text = f"({expression})::text"
        return (
            f"CASE WHEN length({text}) >= {width} THEN {text} ELSE lpad({text}, {width}, '0') END"
        )
    return f"printf('%%0{width}d', {expression})"


def execute(sql: str, params: Sequence[Any] = ()) -> int:
    """Run one statement; the number of rows it changed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return int(cursor.rowcount or 0)


def scalar(sql: str, params: Sequence[Any] = ()) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        row = cursor.fetchone()
    return row[0] if row else None


def temp_table(name: str, columns: str, rows: Iterable[Sequence[Any]]) -> int:
    """(Re)create the temporary table `name` (`columns`: its SQL column definitions, the first
    of them the key) and fill it with `rows`. Returns the number of rows."""
    execute(f"DROP TABLE IF EXISTS {name}")
    execute(f"CREATE TEMPORARY TABLE {name} ({columns})")
    rows = list(rows)
    if rows:
        marks = ", ".join(["%s"] * len(rows[0]))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)  # noqa: S608
    return len(rows)


def drop_temp_tables(names: Iterable[str]) -> None:
    for name in names:
        execute(f"DROP TABLE IF EXISTS {name}")


def table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def boolean(value: bool) -> str:
    return "TRUE" if value else "FALSE"


def pad_to(expression: str, width_column: str) -> str:
    """`expression` (a whole number below 10 ** width) zero-padded to the width in the column
    or expression `width_column`."""
    if postgresql():
        return f"lpad(({expression})::text, ({width_column})::integer, '0')"
    return f"printf('%%0*d', {width_column}, {expression})"


def secondary_indexes(table_name: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes of `table_name` that no constraint owns (the
    primary key and unique constraints stay)."""
    if postgresql():
        query = (
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = "
            "current_schema() AND i.tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))"
            "::regclass) ORDER BY i.indexname"
        )
    else:
        query = (
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL ORDER BY name"
        )
    with connection.cursor() as cursor:
        cursor.execute(query, [table_name])
        return [(str(name), str(definition)) for name, definition in cursor.fetchall()]


def foreign_keys(table_name: str) -> list[tuple[str, str]]:
    """(name, definition) of the foreign keys of `table_name` (PostgreSQL; SQLite checks its
    own in-process at commit, which costs little)."""
    if not postgresql():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [connection.ops.quote_name(table_name)],
        )
        return [(str(name), str(definition)) for name, definition in cursor.fetchall()]


class indexes_rebuilt:  # used as a context manager, named like one
    """Bulk-load `model`'s table without its secondary indexes (and, on PostgreSQL, its
    foreign keys) and build them again after: one sort per index instead of millions of
    scattered B-tree inserts, one checking join per key instead of a trigger per row (how
    pg_restore loads). Only when the new rows are at least as many as the table had:
    otherwise building them again costs more than it saves. Transactional on both databases:
    a rollback restores them."""

    def __init__(self, model: Any, new_rows: int) -> None:
        self.table = model._meta.db_table
        self.new_rows = new_rows
        self.dropped: list[tuple[str, str]] = []
        self.foreign_keys: list[tuple[str, str]] = []

    def __enter__(self) -> None:
        quoted = connection.ops.quote_name(self.table)
        had = scalar(f"SELECT count(*) FROM {quoted}")  # noqa: S608
        if self.new_rows < int(had or 0):
            return
        _check_pending_keys()
        self.dropped = secondary_indexes(self.table)
        for name, _definition in self.dropped:
            execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        self.foreign_keys = foreign_keys(self.table)
        for name, _definition in self.foreign_keys:
            execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(name)}")

    def __exit__(self, kind: object, *rest: object) -> None:
        if kind is not None or not (self.dropped or self.foreign_keys):
            return  # the transaction rolls back, and the indexes with it
        _check_pending_keys()
        for _name, definition in self.dropped:
            execute(definition.replace("%", "%%"))
        quoted = connection.ops.quote_name(self.table)
        for name, definition in self.foreign_keys:
            # One checking join over the table instead of a trigger per row and key.
            execute(
                f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(name)} "
                + definition.replace("%", "%%")
            )


def _check_pending_keys() -> None:
    """PostgreSQL changes no table's indexes or keys while it has pending (deferred)
    foreign-key checks: make them now, then defer again as Django's constraints are."""
    if postgresql():
        execute("SET CONSTRAINTS ALL IMMEDIATE")
        execute("SET CONSTRAINTS ALL DEFERRED")
