"""Campaign pages (reference 1.13): the list, the card, and the create, edit and delete pages,
which call the campaign services. The card's statistics, campaign entries and their actions
come from the interactions app (`rapport.core.cards`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.campaigns import selectors, services
from rapport.campaigns.forms import CampaignFilterForm, CampaignForm
from rapport.campaigns.models import Campaign
from rapport.core import permissions
from rapport.core.cards import card_actions, card_panels
from rapport.core.errors import NotFoundError
from rapport.core.views import (
    Action,
    Column,
    ObjectDetailView,
    ObjectListView,
    ServiceDeleteView,
    ServiceFormView,
    delete_action,
    edit_action,
)

WRITE = permissions.MARKETING  # as the campaign API (CampaignViewSet.write_capability)


def _campaign_or_404(no: str) -> Campaign:
    try:
        return selectors.campaign_get(no)
    except NotFoundError as error:
        raise Http404(error.message) from error


def _date(value: Any) -> Any:
    from django.utils.formats import date_format

    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


class CampaignListView(ObjectListView):
    model = Campaign
    title = gettext_lazy("Campaigns")
    columns = [
        Column("no", gettext_lazy("No."), sort="no", link=True),
        Column("description", gettext_lazy("Description"), sort="description", link=True),
        Column("starting_date", gettext_lazy("Starting date"), sort="starting_date", format=_date),
        Column("ending_date", gettext_lazy("Ending date"), sort="ending_date", format=_date),
        Column("salesperson__code", gettext_lazy("Salesperson"), sort="salesperson__code"),
    ]
    search_fields = ["no", "description"]
    search_placeholder = gettext_lazy("Number or description")
    filter_form_class = CampaignFilterForm
    default_sort = "no"
    create_url_name = "campaigns:campaign-create"
    create_label = gettext_lazy("New campaign")
    write_capability = WRITE
    empty_message = gettext_lazy("No campaigns yet.")
    empty_hint = gettext_lazy(
        "A campaign groups the interactions and segments of one marketing effort, e.g. a fair."
    )

    def get_base_queryset(self) -> QuerySet:
        return selectors.campaign_list()

    def apply_filters(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        if data.get("salesperson"):
            queryset = queryset.filter(salesperson=data["salesperson"])
        return queryset


class CampaignDetailView(ObjectDetailView):
    template_name = "campaigns/campaign_detail.html"
    sections = [
        (
            gettext_lazy("General"),
            ["no", "description", "starting_date", "ending_date", "salesperson"],
        )
    ]
    write_capability = WRITE

    def get_object(self, queryset: Any = None) -> Campaign:
        return _campaign_or_404(self.kwargs["no"])

    def get_actions(self) -> list[Action]:
        no = self.object.no
        actions: list[Action] = []
        can_write = permissions.user_can(self.request.user, WRITE)
        if can_write:
            actions.append(edit_action(reverse("campaigns:campaign-edit", args=[no])))
        actions += card_actions("campaign", self.request, self.object)
        if can_write:
            actions.append(delete_action(reverse("campaigns:campaign-delete", args=[no])))
        return actions

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        campaign = self.object
        context["title"] = campaign.description or campaign.no
        for section in context["sections"]:
            for row in section["rows"]:
                if row["name"] == "salesperson" and campaign.salesperson_id:
                    row["link"] = campaign.salesperson.get_absolute_url()
        context.update(card_panels("campaign", self.request, campaign))
        return context


class CampaignCreateView(ServiceFormView):
    form_class = CampaignForm
    title = gettext_lazy("New campaign")
    write_capability = WRITE

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return reverse("campaigns:campaign-list")

    def perform(self, form: CampaignForm) -> Campaign:
        data = form.cleaned_data
        return services.campaign_create(
            no=data.get("no") or "",
            description=data.get("description") or "",
            starting_date=data.get("starting_date"),
            ending_date=data.get("ending_date"),
            salesperson=data.get("salesperson"),
            work_date=getattr(self.request.user, "effective_work_date", None),
        )

    def success_message(self, result: Any) -> str:
        return _("Campaign %(no)s was created.") % {"no": result.no}


class CampaignEditView(ServiceFormView):
    form_class = CampaignForm
    write_capability = WRITE

    def get_instance(self) -> Campaign:
        if not hasattr(self, "_campaign"):
            self._campaign = _campaign_or_404(self.kwargs["no"])
        return self._campaign

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Edit campaign %(no)s") % {"no": self.get_instance().no}

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return self.get_instance().get_absolute_url()

    def perform(self, form: CampaignForm) -> Campaign:
        data = form.cleaned_data
        return services.campaign_update(
            campaign=_campaign_or_404(self.kwargs["no"]),
            description=data.get("description") or "",
            starting_date=data.get("starting_date"),
            ending_date=data.get("ending_date"),
            salesperson=data.get("salesperson"),
        )

    def success_message(self, result: Any) -> str:
        return _("Campaign %(no)s was saved.") % {"no": result.no}


class CampaignDeleteView(ServiceDeleteView):
    success_url_name = "campaigns:campaign-list"
    write_capability = WRITE

    def get_object(self) -> Campaign:
        return _campaign_or_404(self.kwargs["no"])

    def perform(self, obj: Any) -> None:
        services.campaign_delete(campaign=obj)
