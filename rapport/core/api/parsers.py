"""Request parsers that refuse NUL characters anywhere in the input, naming the field.

PostgreSQL cannot store NUL in text, and a NUL in a lookup value (a code, a user name) would
reach the database as a query parameter; refusing it at the door keeps every endpoint safe."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ValidationError


def nul_paths(data: Any, prefix: str = "") -> list[str]:
    """The dotted paths of every string (key or value) in `data` that holds a NUL character."""
    found: list[str] = []
    if isinstance(data, str):
        if "\x00" in data:
            found.append(prefix or "non_field_errors")
    elif isinstance(data, dict):
        for key, value in data.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if "\x00" in str(key):
                found.append(path)
            else:
                found.extend(nul_paths(value, path))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            found.extend(nul_paths(value, f"{prefix}.{index}" if prefix else str(index)))
    return found


def refuse_nul(data: Any) -> Any:
    paths = nul_paths(data)
    if paths:
        message = _("Null characters are not allowed.")
        raise ValidationError({path.replace("\x00", "\\x00"): [message] for path in paths})
    return data


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):  # type: ignore[no-untyped-def]
        return refuse_nul(super().parse(stream, media_type, parser_context))


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):  # type: ignore[no-untyped-def]
        data = super().parse(stream, media_type, parser_context)
        refuse_nul({key: data.getlist(key) for key in data})
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):  # type: ignore[no-untyped-def]
        result = super().parse(stream, media_type, parser_context)
        refuse_nul({key: result.data.getlist(key) for key in result.data})
        return result
