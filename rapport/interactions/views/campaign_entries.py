"""Campaign entries pages (reference 1.13, NAV page 5089 Campaign entries and report 5189 Delete
Campaign entries): the list of all campaign entries with filters (the campaign card's action
bar opens it filtered on the campaign), the entry card with its interactions, Cancel /
Uncancel (cascading to the interactions), and Delete canceled campaign entries (the count
first, then the deletion).

Every change goes through `rapport.interactions.services`; a refusal (DomainError) is shown as
a message or next to its field. Reading is open to every signed-in user; changes need the
INTERACTIONS capability, and a salesperson changes only entries that are all theirs (the
services decide; the pages offer the buttons only where they would be allowed).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from rapport.campaigns.models import CampaignEntry
from rapport.core import permissions
from rapport.core.errors import NotFoundError
from rapport.core.forms import BootstrapFormMixin
from rapport.core.views import (
    Action,
    Column,
    ObjectDetailView,
    ObjectListView,
    ServiceActionView,
    requested_page,
)
from rapport.interactions import services
from rapport.interactions.filtersets import MAX_ENTRY_NO
from rapport.interactions.services import campaign_entries
from rapport.interactions.views import delete_canceled
from rapport.interactions.views.log.links import with_query

WRITE = permissions.INTERACTIONS
INTERACTIONS_PER_PAGE = 50


def _date(value: Any) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _money(value: Any) -> str:
    return number_format(value or 0, 2, use_l10n=True, force_grouping=True)


def _minutes(value: Any) -> str:
    return number_format(value or 0, 0, use_l10n=True, force_grouping=True)


def _entry_or_404(entry_no: Any) -> CampaignEntry:
    try:
        return campaign_entries.campaign_entry_get(entry_no)
    except NotFoundError as error:
        raise Http404(error.message) from error


def _logged_segment_url(entry_no: int | None) -> str:
    """The logged segment's card, "" when there is none (or no segments pages)."""
    if entry_no is None:
        return ""
    try:
        return reverse("segments:logged-segment-detail", args=[entry_no])
    except NoReverseMatch:
        return ""


# ---------------------------------------------------------------------------------------------
# The list


class CampaignNoField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("Campaign No."))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        return str(super().clean(value) or "").strip().upper()


class CampaignEntryFilterForm(BootstrapFormMixin, forms.Form):
    campaign_no = CampaignNoField()
    canceled = forms.TypedChoiceField(
        label=gettext_lazy("Canceled"),
        choices=[
            ("", gettext_lazy("All")),
            ("false", gettext_lazy("No")),
            ("true", gettext_lazy("Yes")),
        ],
        coerce=lambda value: value == "true",
        empty_value=None,
        required=False,
    )


class CampaignEntryListView(ObjectListView):
    """Campaign entries (NAV page 5089): every campaign entry, newest first, with its
    interactions counted as NAV does (those canceled as the entry is)."""

    model = CampaignEntry
    template_name = "interactions/campaign_entries/entry_list.html"
    table_template_name = "core/object_list.html#table"  # the page only adds buttons
    title = gettext_lazy("Campaign entries")
    columns = [
        Column("entry_no", gettext_lazy("Entry No."), sort="entry_no", link=True, align_end=True),
        Column("campaign__no", gettext_lazy("Campaign No."), sort="campaign__no"),
        Column("date", gettext_lazy("Date"), sort="date", format=_date),
        Column("description", gettext_lazy("Description"), sort="description", link=True),
        Column("segment_no", gettext_lazy("Segment No."), sort="segment_no"),
        Column("salesperson__code", gettext_lazy("Salesperson"), sort="salesperson__code"),
        Column("user__username", gettext_lazy("User")),
        Column(
            "no_of_interactions",
            gettext_lazy("No. of Interactions"),
            sort="no_of_interactions",
            align_end=True,
        ),
        Column("cost", gettext_lazy("Cost"), format=_money, align_end=True),
        Column("duration", gettext_lazy("Duration (min.)"), format=_minutes, align_end=True),
        Column("canceled", gettext_lazy("Canceled"), sort="canceled"),
    ]
    search_fields = ["description", "segment_no"]
    search_placeholder = gettext_lazy("Description or segment no.")
    filter_form_class = CampaignEntryFilterForm
    default_sort = "-entry_no"
    write_capability = WRITE
    empty_message = gettext_lazy("No campaign entries yet.")
    empty_hint = gettext_lazy(
        "Logging an interaction or a segment with a campaign makes a campaign entry."
    )

    def get_base_queryset(self) -> QuerySet:
        return campaign_entries.campaign_entries()

    def apply_filters(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        if data.get("campaign_no"):
            queryset = queryset.filter(campaign__no=data["campaign_no"])
        if data.get("canceled") is not None:
            queryset = queryset.filter(canceled=data["canceled"])
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = self.filter_form
        campaign_no = ""
        if form is not None and form.is_bound and form.is_valid():
            campaign_no = form.cleaned_data.get("campaign_no") or ""
        context.update(
            delete_canceled_url=with_query(
                reverse("interactions:campaign-entry-delete-canceled"),
                {"campaign_no": campaign_no},
            ),
            campaign_url=reverse("campaigns:campaign-detail", args=[campaign_no])
            if campaign_no
            else "",
            campaign_no=campaign_no,
        )
        return context

    def row(self, obj: Any) -> dict[str, Any]:
        row = super().row(obj)
        row["url"] = reverse("interactions:campaign-entry-detail", args=[obj.entry_no])
        return row


# ---------------------------------------------------------------------------------------------
# The card


class CampaignEntryDetailView(ObjectDetailView):
    """A campaign entry's card: its fields, its interactions (paginated), Cancel/Uncancel."""

    template_name = "interactions/campaign_entries/entry_detail.html"
    write_capability = WRITE
    sections = [
        (
            gettext_lazy("General"),
            [
                "entry_no",
                "campaign",
                "description",
                "date",
                "segment_no",
                "register_no",
                "salesperson",
                "user",
                "canceled",
            ],
        )
    ]

    def get_object(self, queryset: Any = None) -> CampaignEntry:
        return _entry_or_404(self.kwargs["entry_no"])

    def get_actions(self) -> list[Action]:
        entry = self.object
        if not campaign_entries.may_change_campaign_entry(self.request.user, entry):
            return []
        count = entry.no_of_interactions  # type: ignore[attr-defined]
        no = entry.entry_no
        if entry.canceled:
            return [
                Action(
                    _("Uncancel"),
                    reverse("interactions:campaign-entry-uncancel", args=[no]),
                    icon="arrow-counterclockwise",
                    method="post",
                    confirm=ngettext(
                        "Uncancel campaign entry %(no)s and its %(count)s interaction?",
                        "Uncancel campaign entry %(no)s and its %(count)s interactions?",
                        count,
                    )
                    % {"no": no, "count": count},
                )
            ]
        return [
            Action(
                _("Cancel"),
                reverse("interactions:campaign-entry-cancel", args=[no]),
                icon="x-circle",
                method="post",
                style="outline-danger",
                confirm=ngettext(
                    "Cancel campaign entry %(no)s and its %(count)s interaction?",
                    "Cancel campaign entry %(no)s and its %(count)s interactions?",
                    count,
                )
                % {"no": no, "count": count},
            )
        ]

    def field_rows(self, names: Any) -> list[dict[str, Any]]:
        rows = super().field_rows(names)
        entry = self.object
        for row in rows:
            name = row["name"]
            if name == "campaign":
                row["url"] = entry.campaign.get_absolute_url()
            elif name == "register_no":
                row["label"] = _("logged segment entry no.")
                row["url"] = _logged_segment_url(entry.register_no)
            elif name == "salesperson" and entry.salesperson_id:
                row["url"] = entry.salesperson.get_absolute_url()
            elif name == "user":
                row["value"] = entry.user.get_username() if entry.user_id else ""
            elif name == "date":
                row["value"] = _date(entry.date)
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        entry = self.object
        paginator = Paginator(
            campaign_entries.campaign_entry_interactions(entry), INTERACTIONS_PER_PAGE
        )
        context.update(
            title=_("Campaign entry %(no)s") % {"no": entry.entry_no},
            interactions=requested_page(paginator, self.request.GET.get("page")),
            list_url=with_query(
                reverse("interactions:campaign-entry-list"), {"campaign_no": entry.campaign.no}
            ),
            cost=_money(entry.cost),  # type: ignore[attr-defined]
            duration=_minutes(entry.duration),  # type: ignore[attr-defined]
        )
        return context


class _CampaignEntryActionView(ServiceActionView):
    """Cancel or uncancel (POST only); back to the entry's card with a message."""

    write_capability = WRITE
    canceled = True

    def get_object(self, **kwargs: Any) -> CampaignEntry:
        return _entry_or_404(kwargs["entry_no"])

    def perform(self, obj: CampaignEntry) -> str:
        if self.canceled:
            services.campaign_entry_cancel(actor=self.request.user, entry=obj)
            message = _("Campaign entry %(no)s and its interactions are canceled.")
        else:
            services.campaign_entry_uncancel(actor=self.request.user, entry=obj)
            message = _("Campaign entry %(no)s and its interactions are no longer canceled.")
        return message % {"no": obj.entry_no}

    def success_url(self, obj: CampaignEntry) -> str:
        return reverse("interactions:campaign-entry-detail", args=[obj.entry_no])


class CampaignEntryCancelView(_CampaignEntryActionView):
    canceled = True


class CampaignEntryUncancelView(_CampaignEntryActionView):
    canceled = False


# ---------------------------------------------------------------------------------------------
# Delete canceled campaign entries (report 5189)


class DeleteCanceledForm(BootstrapFormMixin, forms.Form):
    campaign_no = CampaignNoField()
    entry_no = forms.IntegerField(
        label=gettext_lazy("Entry No."), min_value=1, max_value=MAX_ENTRY_NO, required=False
    )

    def service_filters(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in campaign_entries.DELETE_CANCELED_FILTERS and value not in (None, "")
        }


class DeleteCanceledView(delete_canceled.DeleteCanceledView):
    """Delete canceled campaign entries (NAV report 5189): the shared preview-then-delete flow;
    the deletion takes the entries' interactions along."""

    template_name = "interactions/campaign_entries/delete_canceled.html"
    form_class = DeleteCanceledForm
    title = gettext_lazy("Delete canceled campaign entries")

    def delete(self, filters: dict[str, Any], *, dry_run: bool = False) -> int:
        return services.campaign_entries_delete_canceled(
            actor=self.request.user, filters=filters, dry_run=dry_run
        )

    def back_url(self) -> str:
        return reverse("interactions:campaign-entry-list")

    def deleted_message(self, count: int) -> str:
        return ngettext(
            "%(count)s campaign entry has been deleted.",
            "%(count)s campaign entries have been deleted.",
            count,
        ) % {"count": count}

    def success_url(self, filters: dict[str, Any]) -> str:
        return with_query(
            reverse("interactions:campaign-entry-list"),
            {"campaign_no": filters.get("campaign_no")},
        )


urlpatterns: list[URLPattern] = [
    path(
        "interactions/campaign-entries/",
        CampaignEntryListView.as_view(),
        name="campaign-entry-list",
    ),
    path(
        "interactions/campaign-entries/delete-canceled/",
        DeleteCanceledView.as_view(),
        name="campaign-entry-delete-canceled",
    ),
    path(
        "interactions/campaign-entries/<int:entry_no>/",
        CampaignEntryDetailView.as_view(),
        name="campaign-entry-detail",
    ),
    path(
        "interactions/campaign-entries/<int:entry_no>/cancel/",
        CampaignEntryCancelView.as_view(),
        name="campaign-entry-cancel",
    ),
    path(
        "interactions/campaign-entries/<int:entry_no>/uncancel/",
        CampaignEntryUncancelView.as_view(),
        name="campaign-entry-uncancel",
    ),
]
