from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rapport.audit.models import AuditEntry
from rapport.core.acting import Source

CHANGES_SCHEMA = {
    "type": "object",
    "description": "Per changed field its value before and after (`null`: none, e.g. a created "
    "record has no value before).",
    "additionalProperties": {
        "type": "object",
        "properties": {"before": {}, "after": {}},
        "required": ["before", "after"],
    },
}
DETAILS_SCHEMA = {
    "type": "object",
    "description": "What a bulk operation did (counts) and how it was asked (filters, options).",
    "additionalProperties": {},
}


@extend_schema_field(CHANGES_SCHEMA)
class ChangesField(serializers.JSONField):
    pass


@extend_schema_field(DETAILS_SCHEMA)
class DetailsField(serializers.JSONField):
    pass


class AuditEntrySerializer(serializers.ModelSerializer):
    """One entry of the audit trail (read-only)."""

    user = serializers.CharField(
        source="username", read_only=True, help_text='The user name; "" when none (a system job).'
    )
    source = serializers.ChoiceField(  # type: ignore[assignment]  # a field, not Field.source
        choices=Source.choices,
        read_only=True,
        help_text="Where the change came from: web, api, cli, worker or system.",
    )
    changes = ChangesField(read_only=True)
    details = DetailsField(read_only=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "user",
            "source",
            "operation",
            "object_type",
            "object_key",
            "changes",
            "details",
        ]
        read_only_fields = fields
