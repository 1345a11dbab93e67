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

from rapport.contacts.models import ContactType
from rapport.core.dates import month_index, month_start
from rapport.interactions.models import InteractionTotal

# ---------------------------------------------------------------------------------------------
# Statistics (reference 2.8): read from the per-day totals (`InteractionTotal`, NAV's SIFT,
# maintained by `services.totals` with every write), one aggregate query each, in time that
# grows with the number of days a subject has interactions on, not with their number. Unlike
# NAV, canceled entries are left out of every figure (NAV counts them in the contact's date of
# last interaction and last date attempted); postponed entries always are.

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


def _totals(dimension: str, key: Any) -> QuerySet[InteractionTotal]:
    """The stored total rows of one subject (`key`: an instance or its id)."""
    key_id = getattr(key, "pk", key)
    return InteractionTotal.objects.filter(dimension=dimension, key_id=key_id)


def _in_dates(date_from: datetime.date | None, date_to: datetime.date | None) -> Q:
    condition = Q()
    if date_from is not None:
        condition &= Q(date__gte=date_from)
    if date_to is not None:
        condition &= Q(date__lte=date_to)
    return condition


SUMS = {
    "total_interactions": Sum("no_of_interactions"),
    "total_cost_cents": Sum("cost_cents"),
    "total_duration": Sum("duration"),
}
"""The figures of a group of total rows (a row may be a negative delta: only sums count)."""


def _figures(row: Mapping[str, Any]) -> dict[str, Any]:
    cents = int(row["total_cost_cents"] or 0)
    return {
        "no_of_interactions": int(row["total_interactions"] or 0),
        "cost": (decimal.Decimal(cents) / 100).quantize(ZERO_COST),
        "duration": decimal.Decimal(int(row["total_duration"] or 0)).quantize(ZERO_DURATION),
    }


def _statistics(
    dimension: str, key: Any, date_from: datetime.date | None, date_to: datetime.date | None
) -> InteractionStatistics:
    row = _totals(dimension, key).filter(_in_dates(date_from, date_to)).aggregate(**SUMS)
    return InteractionStatistics(**_figures(row))


def _contact_dimension(contact: Any) -> str:
    """Reference 2.8's contact scope: a company's entries (its own and its persons', by the
    company they were logged with); a person's own entries."""
    return "contact_company" if contact.type == ContactType.COMPANY else "contact"


def contact_statistics(
    contact: Any,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> ContactStatistics:
    """A contact's No. of Interactions, Cost and Duration in the date range, Date of Last
    Interaction (not failed) and Last Date Attempted (initiated by us). A company's figures
    include its persons'. One query over the contact's days (the dates regardless of the
    filter come from the days with a successful / an initiated-by-us interaction)."""
    in_dates = _in_dates(date_from, date_to)
    per_day = (
        _totals(_contact_dimension(contact), contact)
        .values("date")
        .annotate(
            **{f"day_{name}": total for name, total in SUMS.items()},
            successful=Sum("no_of_successful"),
            by_us=Sum("no_of_initiated_by_us"),
        )
        .order_by()
    )
    row = per_day.aggregate(
        **{name: Sum(f"day_{name}", filter=in_dates) for name in SUMS},
        date_of_last_interaction=Max("date", filter=Q(successful__gt=0)),
        last_date_attempted=Max("date", filter=Q(by_us__gt=0)),
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
    return _statistics("salesperson", salesperson, date_from, date_to)


def template_statistics(
    template: Any,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> InteractionStatistics:
    """An interaction template's figures in the date range. One query."""
    return _statistics("template", template, date_from, date_to)


def group_statistics(
    group: Any,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> InteractionStatistics:
    """An interaction group's figures in the date range. One query."""
    return _statistics("group", group, date_from, date_to)


def campaign_statistics(
    campaign: Any,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> InteractionStatistics:
    """A campaign's figures (all its interactions, whatever their campaign entry) in the
    date range. One query."""
    return _statistics("campaign", campaign, date_from, date_to)


SCOPES = ("contact", "salesperson", "template", "group", "campaign")


def _scope(scope: Mapping[str, Any]) -> QuerySet[InteractionTotal]:
    """The total rows of the one subject given."""
    given = {name: value for name, value in scope.items() if value is not None}
    if set(given) - set(SCOPES) or len(given) != 1:
        raise TypeError(f"give exactly one of {', '.join(SCOPES)}")
    name, value = next(iter(given.items()))
    return _totals(_contact_dimension(value) if name == "contact" else name, value)


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
    totals: QuerySet[InteractionTotal],
    date_from: datetime.date | None,
    date_to: datetime.date | None,
) -> tuple[str, datetime.date, datetime.date, bool] | None:
    """The bucket of a chart of the `totals` (already filtered on the dates) and the range to
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
    days = (
        totals.values("date")
        .annotate(day_interactions=Sum("no_of_interactions"))
        .filter(Q(day_interactions__gt=0))
        .order_by()
    )
    bounds = days.aggregate(
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
    totals = _scope(scope).filter(_in_dates(date_from, date_to))
    chosen = _choose_bucket(totals, date_from, date_to)
    if chosen is None:
        return []
    bucket, first, last, filled = chosen
    rows = (
        totals.annotate(bucket=_bucket_expression(bucket))
        .values("bucket")
        .annotate(**SUMS)
        .filter(Q(total_interactions__gt=0))
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
    rows = (
        InteractionTotal.objects.filter(_in_dates(date_from, date_to), dimension=dimension)
        .values("key_id")
        .annotate(**SUMS)
        .filter(Q(total_interactions__gt=0))
        .order_by()
    )
    return {row["key_id"]: InteractionStatistics(**_figures(row)) for row in rows}
