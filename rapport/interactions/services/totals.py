"""The per-day interaction totals (`InteractionTotal`, NAV's SIFT) that the statistics read.

Every operation that changes what the statistics count (an entry that is logged, resumed,
canceled or un-canceled; a logged segment or campaign entry canceled or un-canceled; a contact
deleted) calls one of these in its own transaction. Each is one set-based statement:
`INSERT … SELECT … GROUP BY` over the entries concerned, one group per dimension, key and day,
added to the stored rows by an upsert (`ON CONFLICT … DO UPDATE`, SQLite and PostgreSQL).

Only counted entries (not canceled, not postponed) are added or subtracted, so a caller
subtracts an entry's figures before it stops being counted and adds them once it counts:

* `interaction_totals_apply_entry(entry, +1)` after an entry is logged or a postponed one
  finished; `-1` before it is canceled, `+1` after it is un-canceled;
* `interaction_totals_apply_log(no, +1)` after a segment is logged; `-1` before a logged
  segment is canceled, `+1` after it is un-canceled (its entries: same);
* `interaction_totals_apply_campaign_entry(id, sign)` likewise for a campaign entry;
* `interaction_totals_refresh(dimension, keys)` recomputes some keys from the log (deleting
  a contact moves its entries);
* `interaction_totals_rebuild()` recomputes everything (after a bulk load, or to repair).

Deleting canceled or postponed entries changes no total: they were never counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from rapport.interactions.choices import InitiatedBy
from rapport.interactions.models import InteractionLogEntry, InteractionTotal

DIMENSIONS = ("contact", "contact_company", "salesperson", "template", "group", "campaign")
"""The log entry's columns (without `_id`) the statistics add up by: the totals' dimensions."""

VALUE_COLUMNS = (
    "no_of_interactions",
    "no_of_successful",
    "no_of_initiated_by_us",
    "cost_cents",
    "duration",
)
KEY_COLUMNS = ("dimension", "key_id", "date", "bulk")


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


FINE_DIMENSIONS = ("contact_company", "salesperson", "template", "group", "campaign")
"""The dimensions summed from the entries' groups by all of them and the day (few groups: a
segment's lines share their template, salesperson, campaign and date)."""


def _check(sign: int, dimensions: Sequence[str]) -> None:
    if sign not in (1, -1):
        raise ValueError("sign must be 1 or -1")
    unknown = set(dimensions) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"unknown dimensions {sorted(unknown)}")


def _direct(dimension: str, counted: str, sign: int) -> str:
    """The groups of one dimension, straight from the counted entries `e`."""
    column = f"e.{_quote(dimension + '_id')}"
    return (
        f"SELECT %s, {column}, e.date, %s, {sign} * COUNT(*), "
        f"{sign} * SUM(CASE WHEN e.attempt_failed THEN 0 ELSE 1 END), "
        f"{sign} * SUM(CASE WHEN e.initiated_by = %s THEN 1 ELSE 0 END), "
        f"{sign} * CAST(SUM(ROUND(e.cost * 100)) AS BIGINT), "
        f"{sign} * CAST(SUM(e.duration) AS BIGINT) "
        f"{counted} AND {column} IS NOT NULL GROUP BY {column}, e.date"
    )


def _fine_sql(counted: str) -> str:
    """`f`: the counted entries grouped by every dimension but the contact, and the day."""
    columns = ", ".join(f"e.{_quote(name + '_id')}" for name in FINE_DIMENSIONS)
    return (
        f"WITH f AS (SELECT {columns}, e.date, COUNT(*) AS n, "
        "SUM(CASE WHEN e.attempt_failed THEN 0 ELSE 1 END) AS s, "
        "SUM(CASE WHEN e.initiated_by = %s THEN 1 ELSE 0 END) AS u, "
        "SUM(ROUND(e.cost * 100)) AS c, SUM(e.duration) AS d "
        f"{counted} GROUP BY {columns}, e.date) "
    )


def _select_sql(
    where: str,
    params: Sequence[Any],
    sign: int,
    bulk: bool,
    dimensions: Sequence[str],
    many: bool,
) -> tuple[str, str, list[Any]]:
    """`(with, select, params)`: the grouped figures (times `sign`) of the counted entries `e`
    matching `where`, one SELECT per dimension, joined by UNION ALL; cost and duration summed
    exactly, in cents and whole minutes; the rows are `bulk` ones or not. For `many` entries
    the contact's groups come
    from the log, the other dimensions' from one grouping `f` of the same entries by all of
    them (two sorts of the entries instead of six); for one entry, all straight from the log."""
    _check(sign, dimensions)
    log = _quote(InteractionLogEntry._meta.db_table)
    counted = f"FROM {log} e WHERE ({where}) AND e.canceled = %s AND e.postponed = %s"
    counted_params = [*params, False, False]
    fine = [name for name in FINE_DIMENSIONS if name in dimensions] if many else []
    parts: list[str] = []
    all_params: list[Any] = []
    with_sql = ""
    if fine:
        with_sql = _fine_sql(counted)
        all_params += [InitiatedBy.US, *counted_params]
    for name in dimensions:
        if name not in fine:
            parts.append(_direct(name, counted, sign))
            all_params += [name, bulk, InitiatedBy.US, *counted_params]
    for name in fine:
        column = f"f.{_quote(name + '_id')}"
        sums = ", ".join(f"{sign} * CAST(SUM(f.{value}) AS BIGINT)" for value in "nsucd")
        parts.append(
            f"SELECT %s, {column}, f.date, %s, {sums} FROM f "  # noqa: S608 - names are ours
            f"WHERE {column} IS NOT NULL GROUP BY {column}, f.date"
        )
        all_params += [name, bulk]
    return with_sql, " UNION ALL ".join(parts), all_params


def _upsert(with_sql: str, select: str, params: list[Any]) -> None:
    """Add the rows of `select` (KEY_COLUMNS, VALUE_COLUMNS) to the stored totals. On
    PostgreSQL in key order, so that concurrent writers lock shared rows in the same order
    (SQLite's writers are serial, and its groups come out in key order already)."""
    table = _quote(InteractionTotal._meta.db_table)
    columns = ", ".join(_quote(name) for name in (*KEY_COLUMNS, *VALUE_COLUMNS))
    keys = ", ".join(_quote(name) for name in KEY_COLUMNS)
    updates = ", ".join(
        f"{_quote(name)} = {table}.{_quote(name)} + excluded.{_quote(name)}"
        for name in VALUE_COLUMNS
    )
    order = " ORDER BY 1, 2, 3, 4" if connection.vendor == "postgresql" else ""
    # `WHERE 1 = 1`: SQLite needs a WHERE before ON CONFLICT in an INSERT … SELECT.
    sql = (
        f"{with_sql}INSERT INTO {table} ({columns}) SELECT * FROM ({select}) d "  # noqa: S608 - ours
        f"WHERE 1 = 1{order} ON CONFLICT ({keys}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _apply(
    where: str,
    params: Sequence[Any],
    sign: int,
    *,
    bulk: bool,
    dimensions: Sequence[str] = DIMENSIONS,
    many: bool = True,
) -> None:
    _upsert(*_select_sql(where, params, sign, bulk, dimensions, many))


def interaction_totals_lock(entries: QuerySet[InteractionLogEntry]) -> None:
    """Lock `entries` (PostgreSQL) before a set-based cancel or un-cancel computes its totals
    delta from them: a single cancel or un-cancel of one of them then commits first or waits
    for this one, so the delta never counts an entry the other change already moved. One
    statement; no row comes back to Python. SQLite's writers are serial already."""
    if connection.vendor != "postgresql":
        return
    sql, params = entries.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql} FOR UPDATE) AS locked", params)  # noqa: S608


def interaction_totals_apply_entry(entry: InteractionLogEntry, sign: int) -> None:
    """Add (`sign` 1) or subtract (-1) the figures of one entry as stored, if it is counted.
    One statement; its rows are the single operations' (`bulk` false), so it never waits for
    a segment being logged."""
    _apply("e.id = %s", [entry.pk], sign, bulk=False, many=False)


def interaction_totals_apply_log(logged_segment_entry_no: int, sign: int) -> None:
    """Add or subtract the figures of the counted entries of a logged segment (set-based)."""
    _apply("e.logged_segment_entry_no = %s", [logged_segment_entry_no], sign, bulk=True)


def interaction_totals_apply_campaign_entry(campaign_entry_id: int, sign: int) -> None:
    """Add or subtract the figures of the counted entries of a campaign entry (set-based)."""
    _apply("e.campaign_entry_id = %s", [campaign_entry_id], sign, bulk=True)


def interaction_totals_apply_entry_nos(first: int, last: int, sign: int) -> None:
    """Add or subtract the figures of the counted entries numbered `first` … `last` (entries
    inserted in one batch, as the demo data does)."""
    _apply("e.entry_no BETWEEN %s AND %s", [first, last], sign, bulk=True)


def interaction_totals_refresh(dimension: str, keys: Iterable[int | None]) -> None:
    """Recompute the totals of `keys` in `dimension` from the log (two statements; None
    stands for no key and is left out)."""
    ids = sorted({int(key) for key in keys if key is not None})
    if not ids:
        return
    _check(1, [dimension])
    InteractionTotal.objects.filter(dimension=dimension, key_id__in=ids).delete()
    marks = ", ".join(["%s"] * len(ids))
    column = f"e.{_quote(dimension + '_id')}"
    _apply(f"{column} IN ({marks})", ids, 1, bulk=False, dimensions=[dimension])


def interaction_totals_rebuild() -> None:
    """Recompute every total from the log, set-based (a DELETE and one INSERT … SELECT)."""
    InteractionTotal.objects.all().delete()
    _apply("1 = 1", [], 1, bulk=False)
