from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rapport.attachments.models import Attachment
from rapport.interactions.services import MAX_ATTACHMENT_NO


@extend_schema_field(OpenApiTypes.INT)
class AttachmentNoField(serializers.RelatedField):
    """An attachment written and read as its entry number (`no`); null or "" for none."""

    default_error_messages = {
        "does_not_exist": _("There is no attachment %(no)s."),
        "invalid": _("An attachment no. is a whole number."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Attachment.objects.all())
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if data is None or data == "":
            if self.allow_null:
                return None
            self.fail("null")
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        try:
            number = int(str(data).strip())
        except ValueError:
            self.fail("invalid")
        attachment = (
            Attachment.objects.filter(no=number).first()
            if 1 <= number <= MAX_ATTACHMENT_NO
            else None
        )
        if attachment is None:
            self.fail("does_not_exist", no=number)
        return attachment

    def to_representation(self, value: Any) -> Any:
        return value.no
