"""The project's OpenAPI schema, and request bodies made from it, for the input tests."""

from __future__ import annotations

import datetime
import re
from functools import cache
from typing import Any

WRITE_METHODS = ("post", "put", "patch")
PATH_PARAMETER = re.compile(r"\{([^}]+)\}")


@cache
def schema() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema()["components"]["schemas"][name]
    for key in ("allOf", "oneOf", "anyOf"):
        if key in node and "type" not in node:
            return resolve(node[key][0])
    return node


def body_schema(operation: dict[str, Any]) -> dict[str, Any] | None:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    return resolve(content["application/json"]["schema"])


def example(node: dict[str, Any]) -> Any:
    """A plausible valid value for a schema node (only required properties of objects)."""
    node = resolve(node)
    if "enum" in node:
        values = [value for value in node["enum"] if value not in ("", None)]
        return values[0] if values else node["enum"][0]
    kind = node.get("type")
    if kind == "object":
        properties = node.get("properties", {})
        return {
            name: example(properties[name])
            for name in node.get("required", [])
            if name in properties and not properties[name].get("readOnly")
        }
    if kind == "array":
        return [example(node["items"])] if node.get("minItems") else []
    if kind == "boolean":
        return False
    if kind in ("integer", "number"):
        return max(1, node.get("minimum", 1))
    fmt = node.get("format")
    if fmt == "date":
        return datetime.date.today().isoformat()
    if fmt == "date-time":
        return datetime.datetime.now(datetime.UTC).isoformat()
    if fmt == "email":
        return "test@example.com"
    if fmt == "uri":
        return "https://example.com/"
    if fmt == "decimal":
        return "1.00"
    return "T1"[: node.get("maxLength", 2)]
