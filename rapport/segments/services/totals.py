"""A segment's totals (NAV's FlowFields No. of Lines, Cost (LCY), Duration (Min.) on the
Segment Header): `Segment.no_of_lines`, `total_cost` and `total_duration`, kept up to date in the
transaction of every operation that changes lines, so that no page, call or command sums the
lines (issue 11; the same idea as NAV's SIFT keys).

The rule for each write (callers hold the segment lock, `headers.lock_segment`):

* lines inserted: `totals_add_lines(segment, new_lines)` after the INSERT, with the new rows
  (their criteria action no. and line nos. above the old highest; Go back: the history rows
  the lines were restored from);
* lines deleted: `totals_remove_lines(segment, doomed)` BEFORE the DELETE, with the same WHERE;
* one line changed: `totals_change_line` with its old and new values (no read of any line);
* lines about to be given the same cost or duration (a header change applied to its lines):
  `totals_lines_set(segment, lines, values)` BEFORE that UPDATE, with the same WHERE;
* a segment deleted (or logged) takes its totals with it.

Each is one UPDATE of the header whose change is aggregated from the changed rows in the same
statement: the work grows with the rows the operation changes, never with the size of the
segment. A segment created by raw SQL starts at 0 (the columns' database default);
`segment_totals_rebuild` recounts one or every segment set-based (after a raw bulk load of
lines: `rapport generate`, the bench).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from rapport.segments.models import TOTAL_DIGITS, Segment, SegmentLine

ZERO = Decimal(0)
CENT = Decimal("0.01")
MINUTE = Decimal(1)
COST_FIELD = DecimalField(max_digits=TOTAL_DIGITS, decimal_places=2)
DURATION_FIELD = DecimalField(max_digits=TOTAL_DIGITS, decimal_places=0)


@dataclass(frozen=True)
class Totals:
    """A number of lines with their cost and duration (a header's totals, or a change of them)."""

    lines: int = 0
    cost: Decimal = ZERO
    duration: Decimal = ZERO

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.lines + other.lines, self.cost + other.cost, self.duration + other.duration
        )

    def __sub__(self, other: Totals) -> Totals:
        return Totals(
            self.lines - other.lines, self.cost - other.cost, self.duration - other.duration
        )

    def __bool__(self) -> bool:
        return bool(self.lines or self.cost or self.duration)

    @classmethod
    def of(cls, segment: Segment) -> Totals:
        """The totals stored on `segment` (as loaded)."""
        return cls(int(segment.no_of_lines), segment.total_cost, segment.total_duration)


def totals_measure(lines: QuerySet[Any]) -> Totals:
    """The count, cost and duration of `lines` (segment lines, or the history rows that keep
    them whole): one aggregate over those rows."""
    row = lines.order_by().aggregate(
        _lines=Count("pk"),
        _cost=Coalesce(Sum("cost"), Value(ZERO), output_field=COST_FIELD),
        _duration=Coalesce(Sum("duration"), Value(ZERO), output_field=DURATION_FIELD),
    )
    return Totals(int(row["_lines"]), Decimal(row["_cost"]), Decimal(row["_duration"]))


def totals_add(segment: Segment | int, delta: Totals) -> None:
    """Add `delta` (negative parts subtract) to the header's totals: one UPDATE, none for a
    zero delta."""
    if not delta:
        return
    pk = segment if isinstance(segment, int) else segment.pk
    Segment.objects.filter(pk=pk).update(
        no_of_lines=F("no_of_lines") + delta.lines,
        total_cost=F("total_cost") + Value(delta.cost, output_field=COST_FIELD),
        total_duration=F("total_duration") + Value(delta.duration, output_field=DURATION_FIELD),
    )


def _shift(
    segment: Segment | int,
    rows: QuerySet[Any],
    *,
    sign: int = 1,
    values: dict[str, Any] | None = None,
) -> None:
    """One UPDATE of the header, its change aggregated from `rows` (segment lines, or history
    rows that keep lines whole) in the same statement: plus (`sign` 1) or minus (-1) their
    count and sums; or, with `values` ("cost" and/or "duration"), the change when each of
    `rows` is about to take that value (count × value − sum; the count stays)."""
    try:
        sql, params = rows.order_by().values("cost", "duration").query.sql_with_params()
    except EmptyResultSet:  # e.g. `pk__in=[]`: no rows, no change
        return
    table = connection.ops.quote_name(Segment._meta.db_table)
    parts: list[str] = []
    given: list[Any] = []
    if values is None:
        parts = [f"%s * {aggregate}" for aggregate in ("COUNT(*)", _SUM_COST, _SUM_DURATION)]
        given = [sign, sign, sign]
    else:
        parts.append("0")
        for name, rounded, aggregate in (
            ("cost", _cost, _SUM_COST),
            ("duration", _duration, _SUM_DURATION),
        ):
            if name in values:
                parts.append(f"COUNT(*) * %s - {aggregate}")
                given.append(rounded(values[name]))
            else:
                parts.append("0")
    columns = ("no_of_lines", "total_cost", "total_duration")
    changed = ", ".join(
        f"{table}.{column} + {part}" for column, part in zip(columns, parts, strict=True)
    )
    pk = segment if isinstance(segment, int) else segment.pk
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET ({', '.join(columns)}) = "  # noqa: S608 - names are ours
            f"(SELECT {changed} FROM ({sql}) AS changed) WHERE {table}.id = %s",
            [*given, *params, pk],
        )


_SUM_COST = "COALESCE(SUM(changed.cost), 0)"
_SUM_DURATION = "COALESCE(SUM(changed.duration), 0)"


def totals_add_lines(segment: Segment | int, new_lines: QuerySet[Any]) -> None:
    """After an INSERT: count `new_lines` (exactly the rows inserted; or the history rows
    they were restored from) into the header. One UPDATE."""
    _shift(segment, new_lines, sign=1)


def totals_remove_lines(segment: Segment | int, doomed: QuerySet[SegmentLine]) -> None:
    """Before a DELETE of `doomed` (the same WHERE): take those rows off the header. One
    UPDATE."""
    _shift(segment, doomed, sign=-1)


def totals_lines_set(
    segment: Segment | int, lines: QuerySet[SegmentLine], values: dict[str, Any]
) -> None:
    """Before an UPDATE giving every one of `lines` (the same WHERE) the same `values` (a
    header change applied to its lines): the header's totals take the difference (count ×
    new value − old sum) when `values` has a cost or duration. One UPDATE, none without."""
    wanted: dict[str, Any] = {name: values[name] for name in ("cost", "duration") if name in values}
    if wanted:
        _shift(segment, lines, values=wanted)


def _cost(value: Any) -> Decimal:
    return Decimal(value).quantize(CENT)


def _duration(value: Any) -> Decimal:
    return Decimal(value).quantize(MINUTE)


def totals_change_line(segment: Segment | int, before: Any, after: Any) -> None:
    """One line's cost or duration changed (`before`, `after`: its old and new values, e.g.
    the locked line and the saved one): the difference, without reading any line."""
    totals_add(
        segment,
        Totals(
            0,
            _cost(after.cost) - _cost(before.cost),
            _duration(after.duration) - _duration(before.duration),
        ),
    )


def _recounted(lines: QuerySet[Any]) -> dict[str, Any]:
    """Column → correlated sub-select recounting the header's lines (for an UPDATE)."""

    def of(aggregate: Any, field: Any, zero: Any) -> Any:
        value = lines.annotate(_v=aggregate).values("_v")[:1]
        return Coalesce(Subquery(value, output_field=field), Value(zero), output_field=field)

    return {
        "no_of_lines": of(Count("pk"), IntegerField(), 0),
        "total_cost": of(Sum("cost"), COST_FIELD, ZERO),
        "total_duration": of(Sum("duration"), DURATION_FIELD, ZERO),
    }


def segment_totals_rebuild(segment: Segment | None = None) -> int:
    """Recount the totals of `segment` (None: of every segment) from their lines: one UPDATE
    with correlated sub-selects (each segment's lines read through the (segment, line no.)
    index). For a raw bulk load and for checks; the services keep the totals themselves.
    Returns the number of segments updated."""
    lines = SegmentLine.objects.filter(segment_id=OuterRef("pk")).order_by().values("segment_id")
    headers = Segment.objects.all() if segment is None else Segment.objects.filter(pk=segment.pk)
    return headers.update(**_recounted(lines))


def segment_totals_computed(segment: Segment) -> Totals:
    """The totals summed from the lines (what the columns must equal; for checks)."""
    return totals_measure(SegmentLine.objects.filter(segment=segment))
