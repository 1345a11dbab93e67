from __future__ import annotations

from typing import Any

from rest_framework import viewsets

from rapport.campaigns import selectors, services
from rapport.campaigns.api.serializers import CampaignSerializer
from rapport.campaigns.filtersets import CampaignFilterSet
from rapport.core import permissions
from rapport.core.api.views import NoticesMixin
from rapport.core.api.viewsets import CODE_LOOKUP_REGEX


class CampaignViewSet(NoticesMixin, viewsets.ModelViewSet):
    """Campaigns, keyed by `no`: the number is drawn from Marketing Setup's Campaign Nos. when
    left out. A campaign in use (interactions, campaign entries, a template's default) cannot
    be deleted (409)."""

    serializer_class = CampaignSerializer
    write_capability = permissions.MARKETING
    lookup_field = "no"
    lookup_value_regex = CODE_LOOKUP_REGEX
    search_fields = ["no", "description"]
    filterset_class = CampaignFilterSet
    ordering_fields = ["no", "description", "starting_date", "ending_date"]
    ordering = ["no"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self) -> Any:
        return selectors.campaign_list()

    def get_object(self) -> Any:
        self.kwargs[self.lookup_field] = str(self.kwargs[self.lookup_field]).upper()
        return super().get_object()

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        campaign = services.campaign_create(
            description=data.pop("description", ""),
            work_date=getattr(self.request.user, "effective_work_date", None),
            **data,
        )
        serializer.instance = selectors.campaign_list().get(pk=campaign.pk)

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("no", None)
        campaign = services.campaign_update(campaign=serializer.instance, **data)
        serializer.instance = selectors.campaign_list().get(pk=campaign.pk)

    def perform_destroy(self, instance: Any) -> None:
        services.campaign_delete(campaign=instance)
