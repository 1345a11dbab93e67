"""Statistics of the interaction log (reference 2.8): per contact, salesperson, template, group
and campaign, the monthly series of the chart, and the figures by dimension."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, Max, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, ExtractYear, Floor, TruncMonth, TruncQuarter, TruncYear

from rapport.core.dates import month_index, month_start
from rapport.interactions.choices import InitiatedBy
from rapport.interactions.models import InteractionLogEntry
from rapport.interactions.selectors.log import contact_scope

# ---------------------------------------------------------------------------------------------
# Statistics (reference 2.8): computed by the database, one aggregate query each. Unlike NAV,
# canceled entries are left out of every figure (NAV counts them in the contact's date of last
# interaction and last date attempted); postponed entries always are.

ZERO_COST = decimal.Decimal("0.00")
ZERO_DURATION = decimal.Decimal("0")


@dataclass(frozen=True)
class InteractionStatistics:
    """No. of interactions, cost and duration (min.) of the interactions in scope."""

    no_of_interactions: int
    cost: decimal.Decimal
    duration: decimal.Decimal


@dataclass(frozen=True)
class ContactStatistics(InteractionStatistics):
    """A contact's figures, with the date of its last successful interaction and the last
    date we tried (initiated by us, successful or not) — both regardless of the date filter."""

    date_of_last_interaction: datetime.date | None
    last_date_attempted: datetime.date | None


@dataclass(frozen=True)
class MonthFigures:
    """One bar of a chart: the figures of one `bucket` (month, quarter, year, decade, century
    or millennium); `month` is its first day."""

    month: datetime.date
    no_of_interactions: int
    cost: decimal.Decimal
    duration: decimal.Decimal
    bucket: str = "month"


def _counted() -> QuerySet[InteractionLogEntry]:
    return InteractionLogEntry.objects.filter(canceled=False, postponed=False)


def _in_dates(date_from: datetime.date | None, date_to: datetime.date | None) -> Q:
    condition = Q()
    if date_from is not None:
        condition &= Q(date__gte=date_from)
    if date_to is not None:
        condition &= Q(date__lte=date_to)
    return condition


def _figures(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "no_of_interactions": row["no_of_interactions"] or 0,
        "cost": (row["cost"] or ZERO_COST).quantize(ZERO_COST),
        "duration": (row["duration"] or ZERO_DURATION).quantize(ZERO_DURATION),
    }


def _statistics(
    scope: Q, date_from: datetime.date | None, date_to: datetime.date | None
) -> InteractionStatistics:
    row = (
        _counted()
        .filter(scope, _in_dates(date_from, date_to))
        .aggregate(no_of_interactions=Count("pk"), cost=Sum("cost"), duration=Sum("duration"))
    )
    return InteractionStatistics(**_figures(row))


def contact_statistics(
    contact: Any,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> ContactStatistics:
    """A contact's No. of Interactions, Cost and Duration in the date range, Date of Last
    Interaction (not failed) and Last Date Attempted (initiated by us). A company's figures
    include its persons'. One query."""
    in_dates = _in_dates(date_from, date_to)
    row = (
        _counted()
        .filter(contact_scope(contact))
        .aggregate(
            no_of_interactions=Count("pk", filter=in_dates),
            cost=Sum("cost", filter=in_dates),
            duration=Sum("duration", filter=in_dates),
            date_of_last_interaction=Max("date", filter=Q(attempt_failed=False)),
            last_date_attempted=Max("date", filter=Q(initiated_by=InitiatedBy.US)),
        )
    )
    return ContactStatistics(
        **_figures(row),
        date_of_last_interaction=row["date_of_last_interaction"],
        last_date_attempted=row["last_date_attempted"],
    )


def salesperson_statistics(
    salesperson: Any,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> InteractionStatistics:
    """A salesperson's No. of Interactions, Cost and Duration in the date range. One query."""
    return _statistics(Q(salesperson=salesperson), date_from, date_to)


def template_statistics(
    template: Any,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> InteractionStatistics:
    """An interaction template's figures in the date range. One query."""
    return _statistics(Q(template=template), date_from, date_to)


def group_statistics(
    group: Any,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> InteractionStatistics:
    """An interaction group's figures in the date range. One query."""
    return _statistics(Q(group=group), date_from, date_to)


def campaign_statistics(
    campaign: Any,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> InteractionStatistics:
    """A campaign's figures (all its interactions, whatever their campaign entry) in the
    date range. One query."""
    return _statistics(Q(campaign=campaign), date_from, date_to)


SCOPES = ("contact", "salesperson", "template", "group", "campaign")


def _scope(scope: Mapping[str, Any]) -> Q:
    given = {name: value for name, value in scope.items() if value is not None}
    if set(given) - set(SCOPES) or len(given) != 1:
        raise TypeError(f"give exactly one of {', '.join(SCOPES)}")
    name, value = next(iter(given.items()))
    return contact_scope(value) if name == "contact" else Q(**{name: value})


# The chart's buckets, by their length in months, finest first (MonthFigures.bucket).
BUCKET_MONTHS = {
    "month": 1,
    "quarter": 3,
    "year": 12,
    "decade": 120,
    "century": 1200,
    "millennium": 12000,
}
FILLED_BUCKETS = ("month", "quarter", "year")
PERIOD_BUCKETS = ("decade", "century", "millennium")
MAX_BUCKETS = 36
"""The most bars (and table rows) a chart gets, whatever the dates."""


def _bucket_index(value: datetime.date, bucket: str) -> int:
    """The number of the bucket `value` lies in (consecutive buckets, consecutive numbers)."""
    return month_index(value) // BUCKET_MONTHS[bucket]


def _bucket_start(index: int, bucket: str) -> datetime.date:
    """The first day of bucket `index` (never before 0001-01-01, whatever was stored)."""
    return month_start(max(index * BUCKET_MONTHS[bucket], month_index(datetime.date.min)))


def _bucket_count(first: datetime.date, last: datetime.date, bucket: str) -> int:
    return _bucket_index(last, bucket) - _bucket_index(first, bucket) + 1


def _bucket_expression(bucket: str) -> Any:
    """The database expression that groups the entries by `bucket`: a date (the bucket's
    first day) for months, quarters and years, the bucket's number for longer periods."""
    if bucket == "month":
        return TruncMonth("date")
    if bucket == "quarter":
        return TruncQuarter("date")
    if bucket == "year":
        return TruncYear("date")
    years = BUCKET_MONTHS[bucket] // 12
    return Cast(Floor(ExtractYear("date") / Value(years)), IntegerField())


def _choose_bucket(
    entries: QuerySet[InteractionLogEntry],
    date_from: datetime.date | None,
    date_to: datetime.date | None,
) -> tuple[str, datetime.date, datetime.date, bool] | None:
    """The bucket of a chart of `entries` (already filtered on the dates) and the range to
    draw: `(bucket, first, last, filled)`; None when there is nothing to draw.

    The finest of month, quarter and year that covers the range (the filter's dates, else the
    entries' first and last dates) in at most MAX_BUCKETS buckets, empty ones filled in with
    zeros. A longer range (a typo year such as 2926, or 1753 … 9998) draws only the years that
    have entries when they are few enough; else decades, centuries or millennia. Without both
    dates one aggregate query finds the entries' bounds."""
    if date_from is not None and date_to is not None:
        for bucket in FILLED_BUCKETS:
            if _bucket_count(date_from, date_to, bucket) <= MAX_BUCKETS:
                return bucket, date_from, date_to, True
    bounds = entries.aggregate(
        first=Min("date"), last=Max("date"), years=Count(ExtractYear("date"), distinct=True)
    )
    if bounds["first"] is None:
        return None  # no entries (in a range too long to draw as zeros)
    first = date_from if date_from is not None else bounds["first"]
    last = date_to if date_to is not None else bounds["last"]
    for bucket in FILLED_BUCKETS:
        if _bucket_count(first, last, bucket) <= MAX_BUCKETS:
            return bucket, first, last, True
    first, last = bounds["first"], bounds["last"]
    if bounds["years"] <= MAX_BUCKETS:
        return "year", first, last, False
    for bucket in PERIOD_BUCKETS:
        if _bucket_count(first, last, bucket) <= MAX_BUCKETS:
            return bucket, first, last, True
    return "millennium", first, last, False  # pragma: no cover - 10 millennia at most


def monthly_series(
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    **scope: Any,
) -> list[MonthFigures]:
    """Count, cost and duration per bucket (month, quarter, year, …: see `_choose_bucket`) for
    a chart, for one of `contact`, `salesperson`, `template`, `group` or `campaign` (the
    statistics' scope and rules): never more than MAX_BUCKETS of them, whatever the stored
    dates. Buckets without interactions are filled in with zeros, from `date_from` (else the
    first interaction) to `date_to` (else the last), unless the range is too long. Set-based:
    one GROUP BY query (and one aggregate for the bounds when a date is not given)."""
    entries = _counted().filter(_scope(scope), _in_dates(date_from, date_to))
    chosen = _choose_bucket(entries, date_from, date_to)
    if chosen is None:
        return []
    bucket, first, last, filled = chosen
    rows = (
        entries.annotate(bucket=_bucket_expression(bucket))
        .values("bucket")
        .annotate(no_of_interactions=Count("pk"), cost=Sum("cost"), duration=Sum("duration"))
        .order_by("bucket")
    )
    found: dict[int, dict[str, Any]] = {}
    for row in rows:
        if bucket in PERIOD_BUCKETS:
            index = int(row["bucket"])  # year // years per period = the bucket's number
        else:
            index = _bucket_index(_as_date(row["bucket"]), bucket)
        found[index] = _figures(row)
    if filled:
        indexes = list(range(_bucket_index(first, bucket), _bucket_index(last, bucket) + 1))
    else:
        indexes = sorted(found)
    empty = {"no_of_interactions": 0, "cost": ZERO_COST, "duration": ZERO_DURATION}
    return [
        MonthFigures(month=_bucket_start(index, bucket), **found.get(index, empty), bucket=bucket)
        for index in indexes
    ]


def _as_date(value: Any) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


DIMENSIONS = ("contact", "contact_company", "salesperson", "template", "group", "campaign")


def statistics_by(
    dimension: str,
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> dict[int, InteractionStatistics]:
    """The figures of every contact, company (`contact_company`: with its persons),
    salesperson, template, group or campaign at once, by its database id — for list pages
    (one GROUP BY query, no query per row). Ids without interactions are missing."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"dimension must be one of {', '.join(DIMENSIONS)}")
    column = f"{dimension}_id"
    rows = (
        _counted()
        .filter(_in_dates(date_from, date_to))
        .exclude(**{column: None})
        .values(column)
        .annotate(no_of_interactions=Count("pk"), cost=Sum("cost"), duration=Sum("duration"))
        .order_by()
    )
    return {row[column]: InteractionStatistics(**_figures(row)) for row in rows}
