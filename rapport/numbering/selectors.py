"""Reads of number series shared by the UI, the API and the CLI."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from rapport.core.errors import DomainError, NotFoundError
from rapport.numbering import rules
from rapport.numbering.models import NumberSeries, NumberSeriesLine


def number_series_list() -> QuerySet[NumberSeries]:
    """All series by code, with their lines prefetched (for next-number previews)."""
    lines = NumberSeriesLine.objects.order_by("line_no")
    return NumberSeries.objects.order_by("code").prefetch_related(Prefetch("lines", queryset=lines))


def number_series_get(code: str) -> NumberSeries:
    """The series with `code` (case-insensitive), lines prefetched; NotFoundError if none."""
    key = str(code or "").strip().upper()
    try:
        return number_series_list().get(code=key)
    except NumberSeries.DoesNotExist:
        raise NotFoundError(_("There is no number series %(code)s.") % {"code": key}) from None


@dataclass(frozen=True)
class NextNumberPreview:
    """What drawing from a series would give on a date, without drawing: the number and the
    line it comes from, or the reason no number can be drawn; plus the warning it would raise."""

    number: str | None
    line_no: int | None = None
    problem: str | None = None
    warning: str | None = None


def number_series_preview_next(series: NumberSeries, date: datetime.date) -> NextNumberPreview:
    """The number `number_series_next` would hand out on `date`, consuming nothing. Uses the
    series' (prefetched) lines as they are; a concurrent draw may take it first."""
    lines = list(series.lines.all())
    for line in lines:
        line.series = series
    try:
        plan = rules.plan_draw(series, lines, date)
    except DomainError as error:
        return NextNumberPreview(number=None, problem=error.message)
    return NextNumberPreview(number=plan.number, line_no=plan.line.line_no, warning=plan.warning)
