from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from rapport.core.api.fields import CodeRelatedField
from rapport.numbering.models import NumberSeries
from rapport.setup.models import MarketingSetup
from rapport.setup.services import MAX_DELIVERY_RATE


def _related(field_name: str) -> QuerySet[Any]:
    """All records the Marketing Setup field `field_name` may point at. The model comes from the
    field itself: setup sits below contacts and does not import it (ARCHITECTURE.md)."""
    model: Any = MarketingSetup._meta.get_field(field_name).related_model
    return model._default_manager.all()


class MarketingSetupSerializer(serializers.ModelSerializer):
    contact_nos = CodeRelatedField(
        queryset=NumberSeries.objects.all(), allow_null=True, required=False
    )
    segment_nos = CodeRelatedField(
        queryset=NumberSeries.objects.all(), allow_null=True, required=False
    )
    campaign_nos = CodeRelatedField(
        queryset=NumberSeries.objects.all(), allow_null=True, required=False
    )
    default_salesperson_code = CodeRelatedField(
        source="default_salesperson",
        queryset=_related("default_salesperson"),
        allow_null=True,
        required=False,
    )
    default_language_code = CodeRelatedField(
        source="default_language",
        queryset=_related("default_language"),
        allow_null=True,
        required=False,
    )
    default_company_salutation_code = CodeRelatedField(
        source="default_company_salutation",
        queryset=_related("default_company_salutation"),
        allow_null=True,
        required=False,
    )
    default_person_salutation_code = CodeRelatedField(
        source="default_person_salutation",
        queryset=_related("default_person_salutation"),
        allow_null=True,
        required=False,
    )
    delivery_rate_per_minute = serializers.IntegerField(
        min_value=0,
        max_value=MAX_DELIVERY_RATE,
        required=False,
        help_text="The most e-mails sent per minute; 0 means no limit.",
    )

    class Meta:
        model = MarketingSetup
        fields = [
            "contact_nos",
            "segment_nos",
            "campaign_nos",
            "default_salesperson_code",
            "default_language_code",
            "default_correspondence_type",
            "default_company_salutation_code",
            "default_person_salutation_code",
            "delivery_rate_per_minute",
            "attachment_storage_type",
            "attachment_storage_location",
            "inherit_salesperson",
            "inherit_territory",
            "inherit_country",
            "inherit_language",
            "inherit_address",
            "inherit_communication",
        ]

    def to_representation(self, instance):  # type: ignore[no-untyped-def]
        data = super().to_representation(instance)
        for key in (
            "contact_nos",
            "segment_nos",
            "campaign_nos",
            "default_salesperson_code",
            "default_language_code",
            "default_company_salutation_code",
            "default_person_salutation_code",
        ):
            if data.get(key) is None:
                data[key] = ""
        return data
