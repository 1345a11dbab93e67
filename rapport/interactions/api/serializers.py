"""The `interaction-groups` and `interaction-templates` resources and a template's languages."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from rapport.campaigns.models import Campaign
from rapport.contacts.models import Language
from rapport.core.api.fields import CodeRelatedField
from rapport.interactions.api.fields import AttachmentNoField
from rapport.interactions.models import (
    COST_DIGITS,
    COST_PLACES,
    DESCRIPTION_LENGTH,
    DURATION_DIGITS,
    InteractionGroup,
    InteractionTemplate,
    InteractionTemplateLanguage,
)


class _KeyReadOnlyOnUpdate:
    """The key (`code`) is written on create only."""

    key = "code"

    def get_fields(self):  # type: ignore[no-untyped-def]
        fields = super().get_fields()  # type: ignore[misc]
        instance = self.instance  # type: ignore[attr-defined]
        if instance is not None and not isinstance(instance, list):
            fields[self.key].read_only = True
        return fields


class InteractionGroupSerializer(_KeyReadOnlyOnUpdate, serializers.ModelSerializer):
    class Meta:
        model = InteractionGroup
        fields = ["code", "description"]
        # Uniqueness is the service's rule (codes compare in upper case).
        extra_kwargs: dict[str, Any] = {"code": {"validators": []}}


class InteractionTemplateSerializer(_KeyReadOnlyOnUpdate, serializers.ModelSerializer):
    group_code = CodeRelatedField(
        source="group",
        queryset=InteractionGroup.objects.all(),
        help_text="The interaction group (required).",
    )
    unit_cost = serializers.DecimalField(
        max_digits=COST_DIGITS,
        decimal_places=COST_PLACES,
        min_value=0,
        required=False,
        help_text="Copied to an interaction's cost; at least 0, at most 2 decimals.",
    )
    unit_duration = serializers.DecimalField(
        max_digits=DURATION_DIGITS,
        decimal_places=0,
        min_value=0,
        required=False,
        help_text="Copied to an interaction's duration; whole minutes, at least 0.",
    )
    language_code_default = CodeRelatedField(
        source="language_default",
        queryset=Language.objects.all(),
        allow_null=True,
        required=False,
        help_text=(
            'The default language ("" for none). A language the template has no language row '
            "for gets one; the response's `warnings` say so."
        ),
    )
    campaign_no = CodeRelatedField(
        source="campaign",
        slug_field="no",
        queryset=Campaign.objects.all(),
        allow_null=True,
        required=False,
        help_text='The default campaign ("" for none).',
    )
    attachment_no = serializers.IntegerField(
        source="default_attachment_no",
        read_only=True,
        allow_null=True,
        help_text="The attachment of the default language's row (null: none).",
    )

    class Meta:
        model = InteractionTemplate
        fields = [
            "code",
            "group_code",
            "description",
            "unit_cost",
            "unit_duration",
            "information_flow",
            "initiated_by",
            "correspondence_type_default",
            "ignore_contact_corres_type",
            "language_code_default",
            "wizard_action",
            "campaign_no",
            "campaign_target",
            "campaign_response",
            "attachment_no",
        ]
        extra_kwargs = {
            "code": {"validators": []},
            "campaign_target": {"help_text": "Only with a campaign."},
            "campaign_response": {"help_text": "Only with a campaign."},
        }

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        for key in ("language_code_default", "campaign_no"):
            if data.get(key) is None:
                data[key] = ""
        return data


class InteractionTemplateLanguageSerializer(serializers.ModelSerializer):
    language_code = CodeRelatedField(
        source="language", queryset=Language.objects.all(), help_text="The language (the key)."
    )
    description = serializers.CharField(
        max_length=DESCRIPTION_LENGTH, required=False, allow_blank=True
    )
    attachment_no = AttachmentNoField(
        source="attachment",
        allow_null=True,
        required=False,
        help_text="The attachment to use for this language (null: none).",
    )
    default = serializers.SerializerMethodField(
        method_name="get_is_default",
        help_text="True when this is the template's default language.",
    )

    class Meta:
        model = InteractionTemplateLanguage
        fields = ["language_code", "description", "attachment_no", "default"]

    def get_is_default(self, row: InteractionTemplateLanguage) -> bool:
        return row.template.language_default_id == row.language_id
