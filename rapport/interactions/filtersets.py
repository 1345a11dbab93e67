from __future__ import annotations

import django_filters

from rapport.interactions.models import InteractionGroup, InteractionTemplate


class InteractionGroupFilterSet(django_filters.FilterSet):
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact")

    class Meta:
        model = InteractionGroup
        fields = ["code"]


class InteractionTemplateFilterSet(django_filters.FilterSet):
    """The template list's filters, by the API's field names."""

    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact")
    group_code = django_filters.CharFilter(field_name="group__code", lookup_expr="iexact")
    language_code_default = django_filters.CharFilter(
        field_name="language_default__code", lookup_expr="iexact"
    )
    campaign_no = django_filters.CharFilter(field_name="campaign__no", lookup_expr="iexact")

    class Meta:
        model = InteractionTemplate
        fields = [
            "code",
            "group_code",
            "information_flow",
            "initiated_by",
            "correspondence_type_default",
            "ignore_contact_corres_type",
            "language_code_default",
            "wizard_action",
            "campaign_no",
        ]
