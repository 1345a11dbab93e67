"""What the OpenAPI schema says beyond each view's own annotations, for every operation at once.

`postprocess` (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]) runs on the finished schema:

- every operation documents the error responses the API platform can give, all in the one
  error body of `rapport.core.api.exceptions` (component `Error`): 400, 401 (not for the token
  exchange, which needs no login), 403, 404, 409 for writes, 429 where the view is throttled;
- a path parameter is listed only on the operations whose path has it (a viewset-wide
  `parameters=[ENTRY_NO]` would otherwise make the list and its actions need an `entry_no`);
- descriptions lose the pointers to internal documents ("reference 2.8", "API.md").
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiSerializerFieldExtension

ERROR_COMPONENT = "Error"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The one error body of every refused request.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {
                    "type": "string",
                    "description": "What went wrong, for programs: `invalid`, "
                    "`unknown_field`, `not_authenticated`, `permission_denied`, `not_found`, "
                    "`conflict`, `throttled` or an operation's own code.",
                },
                "message": {"type": "string", "description": "What went wrong, for people."},
                "fields": {
                    "type": "object",
                    "description": "The messages per field (`name`, `name.0.sub`).",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["code", "message", "fields"],
            "additionalProperties": True,
        }
    },
    "required": ["error"],
}
ERROR_DESCRIPTIONS = {
    "400": "The request is not valid (a field, a query parameter or the body).",
    "401": "No valid credentials: sign in or send `Authorization: Token <key>`.",
    "403": "Signed in, but the role does not allow this.",
    "404": "No such object (or page).",
    "409": "Refused in the object's current state.",
    "429": "Too many requests: try again later (`Retry-After`).",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
PATH_PARAMETER = re.compile(r"\{([^}/]+)\}")

# "(reference 1.7, 2.7)", "(reference 2.8; a company's …)", "(its history, reference 1.11)",
# "(API.md's field names)": pointers into documents a client does not have.
_REFERENCE = re.compile(r"reference \d+(?:\.\d+)*(?:(?:, | and )\d+(?:\.\d+)*)*")
_INTERNAL_DOCUMENT = re.compile(r"\s*\([A-Z]+\.md[^)]*\)")


def clean_description(text: str) -> str:
    text = _INTERNAL_DOCUMENT.sub("", text)
    text = _REFERENCE.sub("", text)
    text = re.sub(r"\(\s*[;,]\s*", "(", text)
    text = re.sub(r"\s*[;,]\s*\)", ")", text)
    text = re.sub(r"\s*\(\s*\)", "", text)
    return text


def _throttled_operations(generator: Any) -> set[tuple[str, str]]:
    """(path, method) of the operations whose view has throttles."""
    default = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_CLASSES") or []
    found: set[tuple[str, str]] = set()
    for path, _regex, method, view in getattr(generator, "endpoints", None) or []:
        view_class = getattr(view, "cls", None)
        throttles = getattr(view_class, "throttle_classes", default)
        if throttles:
            found.add((path, method.lower()))
    return found


def _needs_login(operation: dict[str, Any]) -> bool:
    security = operation.get("security")
    return not (security is not None and all(not item for item in security))


def postprocess(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    reference = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    throttled = _throttled_operations(generator)
    for path, item in result.get("paths", {}).items():
        names = set(PATH_PARAMETER.findall(path))
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            operation["parameters"] = [
                parameter
                for parameter in operation.get("parameters", [])
                if parameter.get("in") != "path" or parameter.get("name") in names
            ]
            if not operation["parameters"]:
                del operation["parameters"]
            if "description" in operation:
                operation["description"] = clean_description(operation["description"])
            codes = ["400", "404"]
            if _needs_login(operation):
                codes += ["401", "403"]
                if method in WRITE_METHODS:
                    codes.append("409")
            if (path, method) in throttled:
                codes.append("429")
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                responses.setdefault(
                    code,
                    {
                        "description": ERROR_DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    for component in result["components"]["schemas"].values():
        _clean_schema_descriptions(component)
    _describe_times(result)
    _key_from_path_on_put(result)
    return result


# A time of day as the API reads and writes it ("16:30:00", "16:30"): OpenAPI's `format: time`
# is RFC 3339's full-time, which needs a UTC offset the API never has.
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


def _describe_times(result: dict[str, Any]) -> None:
    stack: list[Any] = [result]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("format") == "time" and item.get("type") == "string":
                del item["format"]
                item["pattern"] = TIME_PATTERN
                item.setdefault("example", "16:30:00")
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _key_from_path_on_put(result: dict[str, Any]) -> None:
    """A PUT or PATCH to `.../{code}/` takes the key from the path (the body's `code` is not
    read, the key does not change): its body is the create body without the key, as its own
    component (PATCH's `Patched...` component is its own already)."""
    schemas = result["components"]["schemas"]
    for path, item in result.get("paths", {}).items():
        for method in ("put", "patch"):
            if item.get(method):
                _drop_key(schemas, path, item[method], in_place=method == "patch")


def _drop_key(
    schemas: dict[str, Any], path: str, operation: dict[str, Any], *, in_place: bool
) -> None:
    names = PATH_PARAMETER.findall(path)
    key = names[-1] if names else None
    for media in operation.get("requestBody", {}).get("content", {}).values():
        reference = media.get("schema", {}).get("$ref", "")
        name = reference.rsplit("/", 1)[-1]
        component = schemas.get(name)
        if not component or key not in component.get("properties", {}):
            continue
        update_name = name if in_place else name.removesuffix("Request") + "UpdateRequest"
        if in_place or update_name not in schemas:
            update = {**component, "properties": dict(component["properties"])}
            del update["properties"][key]
            required = [field for field in component.get("required", []) if field != key]
            if required:
                update["required"] = required
            else:
                update.pop("required", None)
            schemas[update_name] = update
        media["schema"] = {"$ref": f"#/components/schemas/{update_name}"}


def _clean_schema_descriptions(node: Any) -> None:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("description"), str):
                item["description"] = clean_description(item["description"])
            stack.extend(value for key, value in item.items() if key != "description")
        elif isinstance(item, list):
            stack.extend(item)


class EmptyRelationExtension(OpenApiSerializerFieldExtension):
    """A relation by key (`salesperson_code`, `user`) that may be empty takes `""` as well as
    null (DRF reads "" as none for every relation that allows null): no `minLength` then."""

    target_class = "rest_framework.relations.SlugRelatedField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        node = dict(auto_schema._map_serializer_field(self.target, direction, True))
        if self.target.allow_null:
            node.pop("minLength", None)
        return node
