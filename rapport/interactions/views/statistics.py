"""The statistics panel (reference 2.8) shared by the contact, salesperson, interaction group,
interaction template and campaign cards, and a full statistics page for each of them.

The panel shows the figures of the selectors (computed by the database, one aggregate query),
a date filter (`date_from`/`date_to` GET parameters; a bad date is a form error) and a chart of
the number and cost of interactions per month, quarter or year (per decade, century or
millennium for the oddest dates): never more than a few dozen bars, whatever the dates. The
chart's data is embedded with Django's `json_script` filter and drawn by
`interactions/statistics-chart.js` with Chart.js; without JavaScript the same figures stay
readable in a table.

Unlike NAV, canceled interactions are left out of every figure; postponed ones always are.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpRequest
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from rapport.core.dates import DateField
from rapport.core.errors import NotFoundError
from rapport.core.forms import BootstrapFormMixin, DateInput
from rapport.interactions import selectors


def url_with_query(
    name: str, *, args: list[Any] | None = None, query: Mapping[str, Any] | None = None
) -> str:
    """The URL of `name` with `query` (blank values left out) as its query string."""
    url = reverse(name, args=args)
    if query:
        url = f"{url}?{urlencode({key: value for key, value in query.items() if value})}"
    return url


class StatisticsFilterForm(BootstrapFormMixin, forms.Form):
    """The date filter of the statistics (NAV's Date Filter)."""

    date_from = DateField(label=gettext_lazy("From"), required=False, widget=DateInput())
    date_to = DateField(label=gettext_lazy("To"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date lies before the start date."))
        return data


@dataclass(frozen=True)
class Kind:
    """One kind of subject: how to find it by its key and which figures it has."""

    label: Any
    load: Callable[[str], Any]
    figures: Callable[..., Any]


def _campaign_get(key: str) -> Any:
    from rapport.campaigns.selectors import campaign_get

    return campaign_get(key)


def _contact_get(key: str) -> Any:
    from rapport.contacts.selectors import contact_get

    return contact_get(key)


def _salesperson_get(key: str) -> Any:
    from rapport.contacts.selectors import salesperson_get

    return salesperson_get(key)


KINDS: dict[str, Kind] = {
    "contact": Kind(gettext_lazy("Contact"), _contact_get, selectors.contact_statistics),
    "salesperson": Kind(
        gettext_lazy("Salesperson"), _salesperson_get, selectors.salesperson_statistics
    ),
    "template": Kind(
        gettext_lazy("Interaction template"),
        selectors.interaction_template_get,
        selectors.template_statistics,
    ),
    "group": Kind(
        gettext_lazy("Interaction group"),
        selectors.interaction_group_get,
        selectors.group_statistics,
    ),
    "campaign": Kind(gettext_lazy("Campaign"), _campaign_get, selectors.campaign_statistics),
}


def subject_key(kind: str, subject: Any) -> str:
    return str(subject.no if kind in ("contact", "campaign") else subject.code)


@dataclass(frozen=True)
class BucketTexts:
    """What the panel calls one bucket of the chart: the table's heading, its first column and
    the chart's accessible name."""

    heading: Any
    column: Any
    caption: Any


BUCKET_TEXTS: dict[str, BucketTexts] = {
    "month": BucketTexts(
        gettext_lazy("Figures per month"),
        gettext_lazy("Month"),
        gettext_lazy("Number and cost of interactions per month"),
    ),
    "quarter": BucketTexts(
        gettext_lazy("Figures per quarter"),
        gettext_lazy("Quarter"),
        gettext_lazy("Number and cost of interactions per quarter"),
    ),
    "year": BucketTexts(
        gettext_lazy("Figures per year"),
        gettext_lazy("Year"),
        gettext_lazy("Number and cost of interactions per year"),
    ),
    "decade": BucketTexts(
        gettext_lazy("Figures per decade"),
        gettext_lazy("Years"),
        gettext_lazy("Number and cost of interactions per decade"),
    ),
    "century": BucketTexts(
        gettext_lazy("Figures per century"),
        gettext_lazy("Years"),
        gettext_lazy("Number and cost of interactions per century"),
    ),
    "millennium": BucketTexts(
        gettext_lazy("Figures per millennium"),
        gettext_lazy("Years"),
        gettext_lazy("Number and cost of interactions per millennium"),
    ),
}


def bucket_key(point: selectors.MonthFigures) -> str:
    """The bucket's first month as `YYYY-MM` (four-digit years, whatever the year)."""
    return f"{point.month.year:04d}-{point.month.month:02d}"


def bucket_label(point: selectors.MonthFigures) -> str:
    """A bucket's name in the user's language: "November 2026" (a heading: long month names
    are for headings), "Q4 2026", "2026" or "2020–2029"."""
    start = point.month
    if point.bucket == "month":
        return date_format(start, "YEAR_MONTH_FORMAT")
    if point.bucket == "quarter":
        return _("Q%(quarter)s %(year)s") % {
            "quarter": (start.month - 1) // 3 + 1,
            "year": start.year,
        }
    if point.bucket == "year":
        return str(start.year)
    years = selectors.BUCKET_MONTHS[point.bucket] // 12
    first = start.year - start.year % years
    return f"{max(first, 1)}–{first + years - 1}"


def chart_data(months: list[selectors.MonthFigures]) -> dict[str, Any]:
    """What the chart draws (embedded with `json_script`): its bucket (month, quarter, year,
    …), the buckets (their first month as ISO `YYYY-MM` and a label in the user's language),
    the number of interactions and the cost (exact decimals as text) per bucket, and the
    names of the series and of the bucket. Never more than `selectors.MAX_BUCKETS` bars."""
    bucket = months[0].bucket if months else "month"
    return {
        "bucket": bucket,
        "months": [bucket_key(month) for month in months],
        "labels": [bucket_label(month) for month in months],
        "count": [month.no_of_interactions for month in months],
        "cost": [str(month.cost) for month in months],
        "names": {
            "count": _("No. of interactions"),
            "cost": _("Cost"),
            "bucket": str(BUCKET_TEXTS[bucket].column),
        },
    }


def statistics_context(request: HttpRequest, subject_kind: str, subject: Any) -> dict[str, Any]:
    """The context of `interactions/statistics/panel.html` for `subject` (a contact,
    salesperson, interaction template, interaction group or campaign: `subject_kind`), with the
    request's date filter. Two queries (the figures and the months), whatever the number of
    interactions (three without both dates: the chart's bucket needs the dates' bounds). A bad
    date filter (not a date, or outside 1753-01-01 … 9998-12-31) shows as a form error; the
    figures are then unfiltered."""
    kind = KINDS[subject_kind]
    given = {name: request.GET.get(name, "") for name in ("date_from", "date_to")}
    form = StatisticsFilterForm(given if any(given.values()) else None)
    dates: dict[str, datetime.date | None] = {"date_from": None, "date_to": None}
    if form.is_bound and form.is_valid():
        dates = {name: form.cleaned_data.get(name) for name in dates}
    figures = kind.figures(subject, **dates)
    months = selectors.monthly_series(**dates, **{subject_kind: subject})
    bucket = months[0].bucket if months else "month"
    key = subject_key(subject_kind, subject)
    return {
        "statistics": {
            "kind": subject_kind,
            "subject": subject,
            "form": form,
            "filtered": any(dates.values()),
            "date_from": dates["date_from"],
            "date_to": dates["date_to"],
            "figures": figures,
            "is_contact": subject_kind == "contact",
            "months": [
                {"key": bucket_key(month), "label": bucket_label(month), "figures": month}
                for month in months
            ],
            "bucket": bucket,
            "bucket_texts": BUCKET_TEXTS[bucket],
            "chart": chart_data(months),
            "chart_id": f"statistics-chart-{subject_kind}",
            "page_url": reverse("interactions:statistics", args=[subject_kind, key]),
            "log_url": statistics_log_url(subject_kind, subject, dates),
        }
    }


LOG_FILTER = {
    "salesperson": "salesperson_code",
    "template": "template_code",
    "group": "group_code",
    "campaign": "campaign_no",
}


def statistics_log_url(
    kind: str, subject: Any, dates: Mapping[str, datetime.date | None] | None = None
) -> str:
    """The interaction log filtered on `subject` (and the dates)."""
    if kind == "contact":
        name = "company_no" if subject.is_company else "contact_no"
    else:
        name = LOG_FILTER[kind]
    query: dict[str, Any] = {name: subject_key(kind, subject)}
    for key, value in (dates or {}).items():
        if value:
            query[key] = value.isoformat()
    return url_with_query("interactions:log-list", query=query)


class StatisticsView(generic.TemplateView):
    """The full statistics page of one subject (NAV's Statistics action)."""

    template_name = "interactions/statistics/page.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        kind = KINDS.get(self.kwargs["kind"])
        if kind is None:
            raise Http404(_("There are no statistics of this kind."))
        try:
            subject = kind.load(self.kwargs["key"])
        except NotFoundError as error:
            raise Http404(error.message) from error
        context.update(statistics_context(self.request, self.kwargs["kind"], subject))
        context.update(
            title=_("Statistics of %(subject)s") % {"subject": subject},
            kind_label=kind.label,
            subject=subject,
            statistics_page=True,
            subject_url=subject.get_absolute_url()
            if hasattr(subject, "get_absolute_url")
            else None,
        )
        return context


urlpatterns: list[URLPattern] = [
    path(
        "interactions/statistics/<str:kind>/<str:key>/",
        StatisticsView.as_view(),
        name="statistics",
    ),
]
