from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from rapport.core.api.exceptions import UNKNOWN_FIELD
from rapport.core.choices import UILanguage
from rapport.core.dates import APIDateField
from rapport.core.models import User


class MeSerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="effective_role", read_only=True)
    work_date = APIDateField(
        allow_null=True,
        required=False,
        help_text="The work date (NAV's WORKDATE). null resets it to today; reads give today then.",
    )
    language = serializers.ChoiceField(choices=UILanguage.choices, required=False)

    class Meta:
        model = User
        fields = ["username", "role", "work_date", "language"]
        read_only_fields = ["username"]

    def to_representation(self, instance):  # type: ignore[no-untyped-def]
        data = super().to_representation(instance)
        data["work_date"] = instance.effective_work_date.isoformat()
        return data


# --- Unknown keys ---------------------------------------------------------------------------------
# Every action refuses keys it does not know (API.md), so that a typo never widens a filter or
# turns a dry run into a real delete: 400 with `code` "unknown_field" and each key in `fields`.


def unknown_keys_error(keys: Iterable[Any]) -> serializers.ValidationError:
    message = _("Unknown field.")
    return serializers.ValidationError(
        {str(key): [ErrorDetail(message, code=UNKNOWN_FIELD)] for key in keys}
    )


def refuse_unknown_keys(data: Any, known: Iterable[str]) -> None:
    """Raises the 400 `unknown_field` error when the body `data` (an object) has a key not in
    `known`; a body that is not an object is left to the serializer to refuse."""
    if isinstance(data, Mapping):
        names = set(known)
        unknown = sorted(str(key) for key in data if key not in names)
        if unknown:
            raise unknown_keys_error(unknown)


def refuse_body(request: Any) -> None:
    """For an action that takes no body (cancel, uncancel, go-back): any key is unknown; an
    empty body or `{}` is fine, anything else (a list, a string) is refused."""
    data = request.data
    if isinstance(data, Mapping):
        refuse_unknown_keys(data, ())
    elif data not in (None, "", b"") and data != []:
        raise serializers.ValidationError(
            {"non_field_errors": [_("This action takes no request body.")]}
        )


class StrictFieldsMixin:
    """For a serializer: refuses (400 `unknown_field`) input keys that are none of its fields.
    Read-only fields count as known (a client may send back what it read)."""

    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        refuse_unknown_keys(data, self.fields)
        return super().to_internal_value(data)  # type: ignore[misc]


class ActionSerializer(StrictFieldsMixin, serializers.Serializer):
    """The body of a POST action: only its own fields."""


class StrictSchemaExtension(OpenApiSerializerExtension):
    """Request bodies of strict serializers say so in the schema: `additionalProperties:
    false`."""

    target_class = StrictFieldsMixin
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema["additionalProperties"] = False
        return schema
