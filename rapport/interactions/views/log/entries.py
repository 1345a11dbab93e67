"""Interaction log entries (reference 2.7): the list of logged entries, canceled ones marked,
with Create interaction for the selected row's contact; and the Role Center's "Interactions
this month" tile, which opens the list on the month of the user's work date."""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy
from django.views import View

from rapport.core.errors import ValidationFailed
from rapport.core.views import Column, ObjectListView, add_domain_error
from rapport.interactions import selectors
from rapport.interactions.choices import Evaluation
from rapport.interactions.forms.log import DELETE_FIELDS, InteractionLogFilterForm
from rapport.interactions.models import InteractionLogEntry
from rapport.interactions.views.log.access import WRITE, ChangeRights
from rapport.interactions.views.log.links import create_params, create_url, with_query

# The list filters the postponed list takes over from the log.
POSTPONED_FILTERS = ("contact_no", "salesperson_code")


def money(value: Any) -> str:
    return "" if value is None else number_format(value, 2, use_l10n=True, force_grouping=True)


def minutes(value: Any) -> str:
    return "" if value is None else number_format(value, 0, use_l10n=True, force_grouping=True)


def _evaluation(value: Any) -> str:
    return str(Evaluation(value).label) if value else ""


class LogListView(ObjectListView):
    """A list of log entries (logged or postponed) filtered by the selectors: `select(filters)`
    gives the entries. Filters the selectors refuse show on the panel, and list nothing."""

    model = InteractionLogEntry
    search_fields = ["description", "contact__name"]
    search_placeholder = gettext_lazy("Description or contact name")
    default_sort = "-entry_no"
    tie_breaker = "entry_no"  # the order of the indexes a contact's log is read through
    write_capability = WRITE

    def select(self, filters: dict[str, Any] | None = None) -> QuerySet:
        raise NotImplementedError  # pragma: no cover - abstract

    def get_base_queryset(self) -> QuerySet:
        return self.select()

    def apply_filters(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        form: Any = self.filter_form
        try:
            return self.select(form.selector_filters())
        except ValidationFailed as error:
            add_domain_error(form, error)
            return queryset.none()

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        form = self.filter_form
        if form is not None and form.is_bound and not form.is_valid():
            return queryset.none()  # the panel shows what is wrong; nothing is guessed
        return queryset


class InteractionLogListView(LogListView):
    """Interaction log entries (reference 2.7): logged entries only, canceled ones marked."""

    template_name = "interactions/log/entry_list.html"
    title = gettext_lazy("Interaction log entries")
    columns = [
        Column("entry_no", gettext_lazy("Entry no."), sort="entry_no", link=True, align_end=True),
        Column("date", gettext_lazy("Date"), sort="date"),
        Column("contact__no", gettext_lazy("Contact no."), sort="contact__no"),
        Column("contact__name", gettext_lazy("Contact name"), sort="contact__name"),
        Column("description", gettext_lazy("Description"), sort="description", link=True),
        Column("template__code", gettext_lazy("Template"), sort="template__code"),
        Column("salesperson__code", gettext_lazy("Salesperson"), sort="salesperson__code"),
        Column("cost", gettext_lazy("Cost"), sort="cost", format=money, align_end=True),
        Column(
            "duration",
            gettext_lazy("Duration (min.)"),
            sort="duration",
            format=minutes,
            align_end=True,
        ),
        Column("evaluation", gettext_lazy("Evaluation"), sort="evaluation", format=_evaluation),
        Column("successful", gettext_lazy("Successful"), sort="attempt_failed"),
        Column("canceled", gettext_lazy("Canceled"), sort="canceled"),
    ]
    filter_form_class = InteractionLogFilterForm
    empty_message = gettext_lazy("No interaction has been logged yet.")
    empty_hint = gettext_lazy(
        "Interactions are logged with Create interaction, from a contact or from this page."
    )

    def select(self, filters: dict[str, Any] | None = None) -> QuerySet:
        return selectors.interaction_log(filters)

    def active_filters(self) -> dict[str, Any]:
        form = self.filter_form
        if form is None or not form.is_bound or not form.is_valid():
            return {}
        return {name: value for name, value in form.cleaned_data.items() if value}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.rights = ChangeRights(self.request.user)
        context = super().get_context_data(**kwargs)
        filters = self.active_filters()
        here = self.request.get_full_path()  # an htmx refresh asks for the URL it pushes
        context.update(
            next_url=here,
            create_url=create_url(filters, here) if self.rights.can else None,
            create_action=reverse("interactions:interaction-create"),
            create_params=create_params(filters, here),
            postponed_url=with_query(
                reverse("interactions:postponed-list"),
                {name: filters.get(name) for name in POSTPONED_FILTERS},
            ),
            delete_canceled_url=with_query(
                reverse("interactions:delete-canceled"),
                {name: filters.get(name) for name in DELETE_FIELDS},
            )
            if self.rights.can
            else None,
        )
        return context

    def row(self, obj: Any) -> dict[str, Any]:
        row = super().row(obj)
        for column, cell in zip(self.columns, row["cells"], strict=True):
            cell["name"] = column.name
        row["url"] = reverse("interactions:entry-detail", args=[obj.entry_no])
        row["may_change"] = self.rights.may_change(obj)
        # The row selection (NAV's current record): Create interaction takes its contact.
        row["contact_no"] = obj.contact.no if obj.contact is not None else ""
        return row


def month_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


class LogThisMonthView(View):
    """The "Interactions this month" tile: the log on the month of the user's work date."""

    def get(self, request: HttpRequest) -> HttpResponse:
        first, last = month_of(request.user.effective_work_date)  # type: ignore[union-attr]
        return HttpResponseRedirect(
            with_query(
                reverse("interactions:log-list"),
                {"date_from": first.isoformat(), "date_to": last.isoformat(), "canceled": "no"},
            )
        )
