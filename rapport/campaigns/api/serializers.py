from __future__ import annotations

from typing import Any

from rest_framework import serializers

from rapport.campaigns.models import DESCRIPTION_LENGTH, NO_LENGTH, Campaign
from rapport.contacts.models import Salesperson
from rapport.core.api.fields import CodeRelatedField
from rapport.core.dates import APIDateField


class CampaignSerializer(serializers.ModelSerializer):
    no = serializers.CharField(
        max_length=NO_LENGTH,
        required=False,
        allow_blank=True,
        help_text=(
            "Leave out to draw the number from Marketing Setup's Campaign Nos.; typed numbers "
            "need Manual Nos. there (or no series). The key: not changed by an update."
        ),
    )
    description = serializers.CharField(
        max_length=DESCRIPTION_LENGTH, required=False, allow_blank=True
    )
    salesperson_code = CodeRelatedField(
        source="salesperson",
        queryset=Salesperson.objects.all(),
        required=False,
        allow_null=True,
        help_text='The campaign\'s salesperson; "" for none.',
    )
    starting_date = APIDateField(required=False, allow_null=True)
    ending_date = APIDateField(required=False, allow_null=True)

    class Meta:
        model = Campaign
        fields = ["no", "description", "starting_date", "ending_date", "salesperson_code"]

    def get_fields(self):  # type: ignore[no-untyped-def]
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list):
            fields["no"].read_only = True
        return fields

    def to_representation(self, instance: Campaign) -> dict[str, Any]:
        data = super().to_representation(instance)
        if data.get("salesperson_code") is None:
            data["salesperson_code"] = ""
        return data
