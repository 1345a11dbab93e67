"""The checks of plain values (texts, e-mail addresses) that the contacts operations share. Their
messages name no field: the pages and the API show them next to the field they are filed under."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from rapport.core.errors import ValidationFailed


def _check_text(field: str, value: str, max_length: int, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed({field: [_("This field must have a value.")]})
    if "\x00" in text:
        raise ValidationFailed({field: [_("Null characters are not allowed.")]})
    if len(text) > max_length:
        raise ValidationFailed(
            {field: [_("Use at most %(max)s characters.") % {"max": max_length}]}
        )
    return text


def _check_email(value: str) -> str:
    email = _check_text("email", value, 80)
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationFailed(
                {"email": [_("'%(email)s' is not a valid e-mail address.") % {"email": email}]}
            ) from exc
    return email
