"""API shapes of segments and their lines (API.md: `segments`, `segments/<no>/lines/`).

Reads are serializers over the models; writes are plain objects of API names that
`service_values` maps to the services' arguments (the services check the values)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from rest_framework import serializers

from rapport.core.api.serializers import refuse_unknown_keys
from rapport.core.dates import APIDateField
from rapport.core.errors import DomainError, ValidationFailed
from rapport.segments.models import Segment, SegmentLine

# API name → service argument, for the header and for a line.
HEADER_NAMES = {
    "description": "description",
    "date": "date",
    "salesperson_code": "salesperson",
    "campaign_no": "campaign",
    "template_code": "template",
    "language_code_default": "language",
    "subject_default": "subject",
    "correspondence_type_default": "correspondence_type",
    "unit_cost": "cost",
    "unit_duration": "duration",
    "information_flow": "information_flow",
    "initiated_by": "initiated_by",
    "campaign_target": "campaign_target",
    "campaign_response": "campaign_response",
}
LINE_NAMES = {
    "description": "description",
    "date": "date",
    "time": "time",
    "salesperson_code": "salesperson",
    "campaign_no": "campaign",
    "template_code": "template",
    "language_code": "language",
    "subject": "subject",
    "correspondence_type": "correspondence_type",
    "cost": "cost",
    "duration": "duration",
    "information_flow": "information_flow",
    "initiated_by": "initiated_by",
    "evaluation": "evaluation",
    "attempt_failed": "attempt_failed",
    "campaign_target": "campaign_target",
    "campaign_response": "campaign_response",
}
RELATIONS = {"salesperson", "campaign", "template", "language"}


def body_object(data: Any, known: Iterable[str]) -> dict[str, Any]:
    """The request body, which must be an object (400 otherwise) with no key outside `known`
    (400 `unknown_field`, the API's one rule)."""
    if not isinstance(data, dict):
        raise ValidationFailed({"non_field_errors": ["Send a JSON object."]})
    refuse_unknown_keys(data, known)
    return data


def validated_body(
    serializer_class: Any, data: Any, names: dict[str, str], extra: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The body (`body_object`) checked for types by `serializer_class`: the values given."""
    body_object(data, [*names, *extra])
    serializer = serializer_class(data=data, partial=True)
    serializer.is_valid(raise_exception=True)
    return {key: serializer.validated_data[key] for key in data if key in serializer.validated_data}


def service_values(data: Any, names: dict[str, str]) -> dict[str, Any]:
    """The request body as service arguments (`body_object`); null is blank for a relation
    ("")."""
    values: dict[str, Any] = {}
    for key, value in body_object(data, names).items():
        name = names[key]
        values[name] = "" if value is None and name in RELATIONS else value
    return values


def api_error(error: DomainError, names: dict[str, str]) -> DomainError:
    """The service's error with its field names as the API's."""
    if not isinstance(error, ValidationFailed):
        return error
    back = {service: api for api, service in names.items()}
    fields = {back.get(name, name): messages for name, messages in error.fields().items()}
    return ValidationFailed(fields, code=error.code)


def _related(source: str) -> serializers.CharField:
    """A read-only value of a related row (`source`, e.g. "campaign.no"); null without one."""
    return serializers.CharField(source=source, default=None, allow_null=True, read_only=True)


class SegmentSerializer(serializers.ModelSerializer):
    salesperson_code = _related("salesperson.code")
    campaign_no = _related("campaign.no")
    template_code = _related("template.code")
    group_code = _related("group.code")
    language_code_default = _related("language.code")
    subject_default = serializers.CharField(source="subject")
    correspondence_type_default = serializers.CharField(source="correspondence_type")
    unit_cost = serializers.DecimalField(source="cost", max_digits=18, decimal_places=2)
    unit_duration = serializers.DecimalField(source="duration", max_digits=18, decimal_places=0)
    no_of_lines = serializers.IntegerField(read_only=True)
    cost = serializers.DecimalField(
        source="total_cost", max_digits=20, decimal_places=2, read_only=True, default=Decimal(0)
    )
    duration = serializers.DecimalField(
        source="total_duration", max_digits=20, decimal_places=0, read_only=True, default=Decimal(0)
    )

    class Meta:
        model = Segment
        fields = [
            "no",
            "description",
            "date",
            "salesperson_code",
            "campaign_no",
            "template_code",
            "group_code",
            "language_code_default",
            "subject_default",
            "correspondence_type_default",
            "unit_cost",
            "unit_duration",
            "information_flow",
            "initiated_by",
            "campaign_target",
            "campaign_response",
            "ignore_contact_corres_type",
            "no_of_lines",
            "no_of_criteria_actions",
            "cost",
            "duration",
        ]
        read_only_fields = fields


class SegmentLineSerializer(serializers.ModelSerializer):
    contact_no = _related("contact.no")
    contact_name = _related("contact.name")
    contact_company_no = _related("contact_company.no")
    salesperson_code = _related("salesperson.code")
    campaign_no = _related("campaign.no")
    template_code = _related("template.code")
    group_code = _related("group.code")
    language_code = _related("language.code")
    attachment_no = serializers.IntegerField(
        source="attachment.no",
        default=None,
        allow_null=True,
        read_only=True,
        help_text="The line's own (unique) attachment; null: it inherits its language row's.",
    )

    class Meta:
        model = SegmentLine
        fields = [
            "line_no",
            "contact_no",
            "contact_name",
            "contact_company_no",
            "template_code",
            "group_code",
            "description",
            "subject",
            "salesperson_code",
            "cost",
            "duration",
            "correspondence_type",
            "language_code",
            "evaluation",
            "attempt_failed",
            "date",
            "time",
            "information_flow",
            "initiated_by",
            "campaign_no",
            "campaign_target",
            "campaign_response",
            "attachment_no",
        ]
        read_only_fields = fields


class SegmentHeaderSerializer(serializers.Serializer):
    """The header fields a client may give on create and on update."""

    description = serializers.CharField(required=False)
    date = APIDateField(required=False)
    salesperson_code = serializers.CharField(required=False, allow_null=True)
    campaign_no = serializers.CharField(required=False, allow_null=True)
    template_code = serializers.CharField(required=False, allow_null=True)
    language_code_default = serializers.CharField(required=False, allow_null=True)
    subject_default = serializers.CharField(required=False)
    correspondence_type_default = serializers.CharField(required=False)
    unit_cost = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    unit_duration = serializers.DecimalField(max_digits=18, decimal_places=0, required=False)
    information_flow = serializers.CharField(required=False)
    initiated_by = serializers.CharField(required=False)
    campaign_target = serializers.BooleanField(required=False)
    campaign_response = serializers.BooleanField(required=False)


class SegmentCreateSerializer(SegmentHeaderSerializer):
    """The body of create: the header, and `no` when the number is typed."""

    no = serializers.CharField(required=False, help_text="Typed number (else Segment Nos.).")


class SegmentUpdateSerializer(SegmentHeaderSerializer):
    """The body of a header change: the fields to change, and `apply_to_lines`."""

    apply_to_lines = serializers.BooleanField(
        required=False,
        help_text="Write the changes to the affected lines (true) or not (false). "
        "Left out while lines are affected: 409 with `affected_lines`.",
    )


class SegmentLineAddSerializer(serializers.Serializer):
    """The body that adds a line by hand."""

    contact_no = serializers.CharField(help_text="The contact of the new line.")


class SegmentLineWriteSerializer(serializers.Serializer):
    """The body that personalises a line (PATCH): the fields to change."""

    template_code = serializers.CharField(required=False, allow_null=True)
    description = serializers.CharField(required=False)
    salesperson_code = serializers.CharField(required=False, allow_null=True)
    cost = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    duration = serializers.DecimalField(max_digits=18, decimal_places=0, required=False)
    evaluation = serializers.CharField(required=False)
    attachment_no = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Set the line's own attachment (an attachment no.); null clears it (the "
        "line inherits its language row's again).",
    )
