from __future__ import annotations

from rest_framework import serializers

from rapport.campaigns.models import Campaign


class CampaignSerializer(serializers.ModelSerializer):
    salesperson_code = serializers.SerializerMethodField(
        help_text="The campaign's salesperson; blank for none."
    )

    class Meta:
        model = Campaign
        fields = ["no", "description", "starting_date", "ending_date", "salesperson_code"]
        read_only_fields = fields

    def get_salesperson_code(self, campaign: Campaign) -> str:
        return campaign.salesperson.code if campaign.salesperson else ""
