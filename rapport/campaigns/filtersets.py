from __future__ import annotations

import django_filters

from rapport.campaigns.models import Campaign


class CampaignFilterSet(django_filters.FilterSet):
    no = django_filters.CharFilter(field_name="no", lookup_expr="iexact")
    salesperson_code = django_filters.CharFilter(
        field_name="salesperson__code", lookup_expr="iexact"
    )

    class Meta:
        model = Campaign
        fields = ["no", "salesperson_code"]
