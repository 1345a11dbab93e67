"""NAV's Code fields: short keys stored in upper case, compared exactly."""

from __future__ import annotations

from django.utils.translation import gettext as _

from rapport.core.errors import ValidationFailed


def normalize_code(
    value: object, *, field: str = "code", label: object = None, max_length: int = 20
) -> str:
    """Upper-case and trim a code; refuse blanks, control characters and over-long codes."""
    label = label or _("Code")
    text = str(value or "").strip().upper()
    if not text:
        raise ValidationFailed({field: [_("%(label)s must have a value.") % {"label": label}]})
    if any(ord(char) < 32 for char in text):
        raise ValidationFailed(
            {field: [_("%(label)s may not contain control characters.") % {"label": label}]}
        )
    if len(text) > max_length:
        raise ValidationFailed(
            {
                field: [
                    _("%(label)s can have at most %(max)s characters.")
                    % {"label": label, "max": max_length}
                ]
            }
        )
    return text
