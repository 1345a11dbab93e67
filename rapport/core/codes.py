"""NAV's Code fields: short keys stored in upper case, compared exactly."""

from __future__ import annotations

from rapport.core.errors import ValidationFailed


def normalize_code(
    value: object, *, field: str = "code", label: str = "Code", max_length: int = 20
) -> str:
    """Upper-case and trim a code; refuse blanks, control characters and over-long codes."""
    text = str(value or "").strip().upper()
    if not text:
        raise ValidationFailed({field: [f"{label} must have a value."]})
    if any(ord(char) < 32 for char in text):
        raise ValidationFailed({field: [f"{label} may not contain control characters."]})
    if len(text) > max_length:
        raise ValidationFailed({field: [f"{label} can have at most {max_length} characters."]})
    return text
