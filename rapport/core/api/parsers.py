"""Request parsers that refuse, at the door, input no endpoint can handle, naming the field:

- NUL characters anywhere (PostgreSQL cannot store NUL in text, and a NUL in a lookup value
  would reach the database as a query parameter);
- lone surrogates (`"\\ud800"`: valid JSON escapes that are no character, so they cannot be
  encoded, stored or compared);
- JSON nested deeper than `API_JSON_MAX_DEPTH` levels (32 unless settings say otherwise): no
  request body needs more, and the decoder would otherwise recurse until Python's limit.

Every check is iterative, so no input can exhaust the stack."""

from __future__ import annotations

import codecs
import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.settings import api_settings
from rest_framework.utils import json

DEFAULT_MAX_DEPTH = 32
_SURROGATE = re.compile("[\ud800-\udfff]")
# A JSON string (escapes included) or a bracket: what the depth check needs to see.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


def max_depth() -> int:
    return int(getattr(settings, "API_JSON_MAX_DEPTH", DEFAULT_MAX_DEPTH))


def _bad_text(text: str) -> str | None:
    if "\x00" in text:
        return _("Null characters are not allowed.")
    if _SURROGATE.search(text):
        return _("Lone surrogate characters (such as \\ud800) are not allowed.")
    return None


def _printable(path: str) -> str:
    return _SURROGATE.sub("?", path.replace("\x00", "\\x00"))


def bad_text_paths(data: Any) -> dict[str, str]:
    """The dotted path of every string (key or value) in `data` that holds a NUL character or a
    lone surrogate, with the message saying which. Walks the data with a stack, not recursion."""
    found: dict[str, str] = {}
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        prefix, value = stack.pop()
        if isinstance(value, str):
            message = _bad_text(value)
            if message:
                found[prefix or "non_field_errors"] = message
        elif isinstance(value, dict):
            for key, item in value.items():
                path = f"{prefix}.{key}" if prefix else str(key)
                message = _bad_text(str(key))
                if message:
                    found[path] = message
                else:
                    stack.append((path, item))
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                stack.append((f"{prefix}.{index}" if prefix else str(index), item))
    return found


def refuse_bad_text(data: Any) -> Any:
    found = bad_text_paths(data)
    if found:
        raise ValidationError(
            {_printable(path): [message] for path, message in sorted(found.items())}
        )
    return data


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in the JSON `text` (brackets inside strings do not
    count); 0 for a scalar."""
    depth = deepest = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in ("]", "}"):
            depth -= 1
    return deepest


def refuse_deep_json(text: str) -> None:
    limit = max_depth()
    if json_depth(text) > limit:
        raise ParseError(
            _("The JSON body is nested deeper than %(limit)s levels.") % {"limit": limit}
        )


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):  # type: ignore[no-untyped-def]
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
        except (ValueError, LookupError) as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from exc
        refuse_deep_json(text)
        parse_constant = json.strict_constant if api_settings.STRICT_JSON else None
        try:
            data = json.loads(text, parse_constant=parse_constant)
        except RecursionError as exc:  # a limit set higher than Python's own
            raise ParseError(
                _("The JSON body is nested deeper than %(limit)s levels.") % {"limit": max_depth()}
            ) from exc
        except ValueError as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from exc
        return refuse_bad_text(data)


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):  # type: ignore[no-untyped-def]
        data = super().parse(stream, media_type, parser_context)
        refuse_bad_text({key: data.getlist(key) for key in data})
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):  # type: ignore[no-untyped-def]
        result = super().parse(stream, media_type, parser_context)
        refuse_bad_text({key: result.data.getlist(key) for key in result.data})
        return result
