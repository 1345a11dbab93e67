"""The `interaction-groups` and `interaction-templates` resources and a template's languages,
the `interactions` resource (the interaction log) and the statistics."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from rapport.campaigns.models import Campaign
from rapport.contacts.models import Language
from rapport.core.api.fields import CodeRelatedField
from rapport.core.api.serializers import ActionSerializer, StrictFieldsMixin
from rapport.core.choices import CorrespondenceType
from rapport.core.dates import APIDateField
from rapport.interactions.api.fields import AttachmentNoField
from rapport.interactions.choices import DeliveryStatus, Evaluation, InformationFlow, InitiatedBy
from rapport.interactions.filtersets import MAX_ENTRY_NO
from rapport.interactions.models import (
    COMMENT_LENGTH,
    COST_DIGITS,
    COST_PLACES,
    DESCRIPTION_LENGTH,
    DURATION_DIGITS,
    InteractionGroup,
    InteractionLogEntry,
    InteractionLogEntryComment,
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


# --- The interaction log -----------------------------------------------------------------------


def _code(record: Any, key: str = "code") -> str:
    return getattr(record, key) if record is not None else ""


class InteractionSerializer(serializers.Serializer):
    """An interaction log entry as the API shows it (API.md's field names). Entries change only
    through the actions (cancel, uncancel, evaluate, resume, comments)."""

    entry_no = serializers.IntegerField(read_only=True)
    contact_no = serializers.CharField(read_only=True, help_text='"" once the contact is deleted.')
    contact_name = serializers.CharField(read_only=True)
    contact_company_no = serializers.CharField(read_only=True)
    contact_company_name = serializers.CharField(read_only=True)
    template_code = serializers.CharField(read_only=True)
    group_code = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    subject = serializers.CharField(read_only=True)
    salesperson_code = serializers.CharField(read_only=True)
    date = serializers.DateField(read_only=True, allow_null=True)
    time = serializers.TimeField(read_only=True, allow_null=True)
    cost = serializers.DecimalField(
        max_digits=COST_DIGITS, decimal_places=COST_PLACES, read_only=True
    )
    duration = serializers.DecimalField(
        max_digits=DURATION_DIGITS, decimal_places=0, read_only=True
    )
    information_flow = serializers.ChoiceField(choices=InformationFlow.choices, read_only=True)
    initiated_by = serializers.ChoiceField(choices=InitiatedBy.choices, read_only=True)
    evaluation = serializers.ChoiceField(choices=Evaluation.choices, read_only=True)
    attempt_failed = serializers.BooleanField(read_only=True)
    correspondence_type = serializers.ChoiceField(
        choices=CorrespondenceType.choices, read_only=True
    )
    language_code = serializers.CharField(read_only=True)
    campaign_no = serializers.CharField(read_only=True)
    campaign_entry_no = serializers.IntegerField(read_only=True, allow_null=True)
    campaign_target = serializers.BooleanField(read_only=True)
    campaign_response = serializers.BooleanField(read_only=True)
    segment_no = serializers.CharField(read_only=True)
    logged_segment_entry_no = serializers.IntegerField(read_only=True, allow_null=True)
    attachment_no = serializers.IntegerField(read_only=True, allow_null=True)
    canceled = serializers.BooleanField(read_only=True)
    postponed = serializers.BooleanField(read_only=True)
    delivery_status = serializers.ChoiceField(
        choices=DeliveryStatus.choices,
        read_only=True,
        help_text='"" nothing to deliver; pending, sending, delivered or failed.',
    )
    delivery_error = serializers.CharField(
        read_only=True, help_text="Why the delivery failed (blank unless failed)."
    )
    user = serializers.CharField(read_only=True, help_text="The user name of who logged it.")
    has_comments = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    modified_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, entry: InteractionLogEntry) -> dict[str, Any]:
        def text(name: str) -> Any:
            # The declared fields' formats, without `self.fields` (a deep copy of all 36).
            return _FORMATS[name].to_representation(getattr(entry, name))

        campaign_entry = entry.campaign_entry
        attachment_no = getattr(entry, "attachment_no", None)
        if attachment_no is None and entry.attachment_id is not None:
            attachment_no = entry.attachment.no  # type: ignore[union-attr]
        user_name = getattr(entry, "user_name", None)
        if user_name is None and entry.user_id is not None:
            user_name = entry.user.get_username()  # type: ignore[union-attr]
        has_comments = getattr(entry, "has_comments", None)
        if has_comments is None:
            has_comments = entry.comments.exists()
        return {
            "entry_no": entry.entry_no,
            "contact_no": _code(entry.contact, "no"),
            "contact_name": _code(entry.contact, "name"),
            "contact_company_no": _code(entry.contact_company, "no"),
            "contact_company_name": _code(entry.contact_company, "name"),
            "template_code": _code(entry.template),
            "group_code": _code(entry.group),
            "description": entry.description,
            "subject": entry.subject,
            "salesperson_code": _code(entry.salesperson),
            "date": entry.date.isoformat() if entry.date else None,
            "time": text("time") if entry.time else None,
            "cost": text("cost"),
            "duration": text("duration"),
            "information_flow": entry.information_flow,
            "initiated_by": entry.initiated_by,
            "evaluation": entry.evaluation,
            "attempt_failed": entry.attempt_failed,
            "correspondence_type": entry.correspondence_type,
            "language_code": _code(entry.language),
            "campaign_no": _code(entry.campaign, "no"),
            "campaign_entry_no": campaign_entry.entry_no if campaign_entry is not None else None,
            "campaign_target": entry.campaign_target,
            "campaign_response": entry.campaign_response,
            "segment_no": entry.segment_no,
            "logged_segment_entry_no": entry.logged_segment_entry_no,
            "attachment_no": attachment_no,
            "canceled": entry.canceled,
            "postponed": entry.postponed,
            "delivery_status": entry.delivery_status,
            "delivery_error": entry.delivery_error,
            "user": user_name or "",
            "has_comments": bool(has_comments),
            "created_at": text("created_at"),
            "modified_at": text("modified_at"),
        }


# How `InteractionSerializer` writes the values it formats (the same as its declared fields).
_FORMATS: dict[str, serializers.Field] = {
    name: InteractionSerializer._declared_fields[name]
    for name in ("time", "cost", "duration", "created_at", "modified_at")
}


def _code_field(help_text: str, **kwargs: Any) -> serializers.CharField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_blank", True)
    kwargs.setdefault("allow_null", True)
    return serializers.CharField(max_length=20, help_text=help_text, **kwargs)


def _choice_field(choices: Any, help_text: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=choices, required=False, allow_blank=True, allow_null=True, help_text=help_text
    )


class InteractionWriteSerializer(ActionSerializer):
    """What creating (`POST interactions/`) or finishing (`POST interactions/<entry_no>/resume/`)
    an interaction takes. A field left out takes the template's (or Rapport's) default; `""`
    or null gives a blank value on purpose."""

    contact_no = serializers.CharField(
        max_length=20, help_text="The contact (person or company). Required to create."
    )
    template_code = _code_field("The interaction template; its values are the defaults.")
    description = serializers.CharField(
        max_length=DESCRIPTION_LENGTH,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Left blank: the template's description.",
    )
    salesperson_code = _code_field(
        "Left out: the salesperson linked to the user, else the contact's."
    )
    language_code = _code_field("Left out: the contact's language when the template has it.")
    correspondence_type = _choice_field(
        CorrespondenceType.choices, "Left out: the template's or the contact's (reference 2.1.4)."
    )
    date = APIDateField(
        required=False, allow_null=True, help_text="Left out: the user's work date."
    )
    time = serializers.TimeField(
        required=False, allow_null=True, help_text="Left out: now, rounded up to the minute."
    )
    information_flow = _choice_field(InformationFlow.choices, "Left out: the template's.")
    initiated_by = _choice_field(InitiatedBy.choices, "Left out: the template's.")
    evaluation = _choice_field(Evaluation.choices, "Blank unless given.")
    attempt_failed = serializers.BooleanField(
        required=False, help_text="true when the interaction did not succeed (default false)."
    )
    cost = serializers.DecimalField(
        max_digits=COST_DIGITS,
        decimal_places=COST_PLACES,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="Left out: the template's unit cost.",
    )
    duration = serializers.DecimalField(
        max_digits=DURATION_DIGITS,
        decimal_places=0,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="Minutes. Left out: the template's unit duration.",
    )
    campaign_no = _code_field('Left out: the template\'s campaign; "" for none.')
    campaign_target = serializers.BooleanField(required=False)
    campaign_response = serializers.BooleanField(required=False)
    comments = serializers.ListField(
        child=serializers.CharField(max_length=COMMENT_LENGTH),
        required=False,
        max_length=100,
        help_text="Comment lines to add (dated the user's work date).",
    )
    postpone = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "true saves the interaction for later (postponed: only the contact is required; "
            "resume it to finish it)."
        ),
    )
    deliver = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=(
            "Send the e-mail or print the letter once it is logged (reference 2.1.6). Left out "
            "or null: yes when the correspondence type is not blank; false: no. true is "
            "refused (400) with a blank correspondence type or together with postpone."
        ),
    )


class InteractionResumeSerializer(InteractionWriteSerializer):
    contact_no = serializers.CharField(
        max_length=20, required=False, help_text="Another contact (the draft's is kept)."
    )
    postpone = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true saves the changes and keeps the interaction postponed.",
    )


class EvaluationSerializer(ActionSerializer):
    evaluation = serializers.ChoiceField(
        choices=Evaluation.choices, allow_blank=True, help_text='"" clears the evaluation.'
    )


class InteractionCommentSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    line_no = serializers.IntegerField(read_only=True)
    date = APIDateField(required=False, help_text="Left out: the user's work date.")
    comment = serializers.CharField(max_length=COMMENT_LENGTH)

    class Meta:
        model = InteractionLogEntryComment
        fields = ["line_no", "date", "comment"]


class DeleteCanceledSerializer(ActionSerializer):
    """The filters (combined with AND) of the canceled entries to delete; an unknown key or a
    null value is refused (400), so a typo never widens the delete."""

    contact_no = serializers.CharField(max_length=20, required=False, allow_blank=True)
    date_from = APIDateField(required=False)
    date_to = APIDateField(required=False)
    template_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    group_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    salesperson_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    campaign_no = serializers.CharField(max_length=20, required=False, allow_blank=True)
    entry_no = serializers.IntegerField(min_value=1, max_value=MAX_ENTRY_NO, required=False)
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="true counts what would be deleted."
    )


class DeleteCanceledResultSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        help_text="How many canceled entries were (or would be) deleted."
    )
    dry_run = serializers.BooleanField()


# --- Statistics --------------------------------------------------------------------------------


class StatisticsQuerySerializer(serializers.Serializer):
    date_from = APIDateField(required=False)
    date_to = APIDateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        date_from, date_to = attrs.get("date_from"), attrs.get("date_to")
        if date_from and date_to and date_to < date_from:
            raise serializers.ValidationError({"date_to": ["date_to lies before date_from."]})
        return attrs


class MonthFiguresSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM: the first month of the bucket.")
    no_of_interactions = serializers.IntegerField()
    cost = serializers.DecimalField(max_digits=COST_DIGITS, decimal_places=COST_PLACES)
    duration = serializers.DecimalField(max_digits=DURATION_DIGITS, decimal_places=0)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["month"] = f"{instance.month.year:04d}-{instance.month.month:02d}"
        return data


class StatisticsSerializer(serializers.Serializer):
    """Figures over the logged interactions in scope (canceled and postponed ones left out),
    with `months`: count, cost and duration per `bucket` (month, quarter, year; decade,
    century or millennium for very long ranges), for a chart: never more than 36 of them."""

    no_of_interactions = serializers.IntegerField()
    cost = serializers.DecimalField(max_digits=COST_DIGITS, decimal_places=COST_PLACES)
    duration = serializers.DecimalField(max_digits=DURATION_DIGITS, decimal_places=0)
    months = MonthFiguresSerializer(many=True)
    bucket = serializers.ChoiceField(
        choices=["month", "quarter", "year", "decade", "century", "millennium"],
        help_text="What one item of `months` covers, from its `month` on.",
    )


class ContactStatisticsSerializer(StatisticsSerializer):
    """A contact's figures (a company's include its persons'), with the date of its last
    successful interaction and the last date we tried (both regardless of the date filter)."""

    date_of_last_interaction = serializers.DateField(allow_null=True)
    last_date_attempted = serializers.DateField(allow_null=True)
