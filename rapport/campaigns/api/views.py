from __future__ import annotations

from typing import Any

from rest_framework import viewsets

from rapport.campaigns import selectors
from rapport.campaigns.api.serializers import CampaignSerializer
from rapport.campaigns.filtersets import CampaignFilterSet
from rapport.core import permissions
from rapport.core.api.viewsets import CODE_LOOKUP_REGEX


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    """Campaigns, keyed by `no` (read-only for now: creating and changing campaigns arrives
    with the campaigns issue)."""

    serializer_class = CampaignSerializer
    write_capability = permissions.MARKETING
    lookup_field = "no"
    lookup_value_regex = CODE_LOOKUP_REGEX
    search_fields = ["no", "description"]
    filterset_class = CampaignFilterSet
    ordering_fields = ["no", "description", "starting_date", "ending_date"]
    ordering = ["no"]

    def get_queryset(self) -> Any:
        return selectors.campaign_list()

    def get_object(self) -> Any:
        self.kwargs[self.lookup_field] = str(self.kwargs[self.lookup_field]).upper()
        return super().get_object()
