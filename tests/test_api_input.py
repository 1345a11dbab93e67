"""Bad input to every API write gets the 400 error shape, never a 500.

The write operations and their fields come from the OpenAPI schema, so a new endpoint is covered
as soon as it is routed. For every field of every request body the test sends a NUL byte, an
over-long text, values of the wrong type and an unknown code. Where the operation works on one
object (`/api/v1/salespeople/{code}/`), the test first creates one through the API with a body
made from the schema, so that the bad values reach the validation (and, on PostgreSQL, would
reach the database if nothing refused them).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.apischema import PATH_PARAMETER, WRITE_METHODS, body_schema, example, resolve, schema
from tests.support import assert_error_shape

pytestmark = pytest.mark.django_db


def operations() -> list[Any]:
    cases = []
    for path, item in schema()["paths"].items():
        for method, operation in item.items():
            if method in WRITE_METHODS and body_schema(operation) is not None:
                cases.append(pytest.param(path, method, id=f"{method} {path}"))
    return cases


def bad_values(node: dict[str, Any]) -> list[tuple[str, Any, bool]]:
    """(label, value, must be refused) for one property."""
    node = resolve(node)
    kind = node.get("type")
    values: list[tuple[str, Any, bool]] = [
        ("an object", {"x": 1}, True),
        ("a list of objects", [{"x": 1}], kind != "array"),
    ]
    if kind in ("string", None) or "enum" in node:
        values += [
            ("a NUL byte", "A\x00B", True),
            ("a NUL byte only", "\x00", True),
            ("an unknown code", "ZZ-UNKNOWN-9", "enum" in node),
            ("over-long text", "x" * (node.get("maxLength", 10_000) + 1), "maxLength" in node),
        ]
    if kind in ("integer", "number", "boolean"):
        values += [("text", "not a number", True), ("a huge number", 10**30, kind == "boolean")]
    if node.get("format") in ("date", "date-time"):
        values += [("an impossible date", "2026-02-30", True)]
    return values


def seed(client: Any, path: str) -> str:
    """Creates the object a detail path works on, through the API; returns the path with its
    key filled in ("X", which does not exist, when creating it was not possible)."""
    parameters = PATH_PARAMETER.findall(path)
    if not parameters:
        return path
    list_path = path[: path.index("{")]
    key = "X"
    post = schema()["paths"].get(list_path, {}).get("post")
    if post is not None and len(parameters) == 1:
        body = example(body_schema(post) or {})
        response = client.post(list_path, body, format="json")
        if response.status_code == 201 and parameters[0] in response.json():
            key = str(response.json()[parameters[0]])
    return PATH_PARAMETER.sub(key, path)


def stored(response: Any, name: str, value: Any) -> bool:
    try:
        body = response.json()
    except (ValueError, TypeError):
        return True
    if not isinstance(body, dict) or name not in body:
        return False
    echoed = body[name]
    if echoed == value:
        return True
    # NUL bytes silently dropped count as accepted too: they must be refused with a message.
    return isinstance(value, str) and bool(echoed) and echoed == value.replace("\x00", "")


@pytest.mark.parametrize(("path", "method"), operations())
def test_bad_input_gets_the_400_error_shape(api_client: Any, path: str, method: str) -> None:
    client = api_client()
    target = seed(client, path)
    client.raise_request_exception = False  # a 500 is a finding to list, not the end of the test
    request_schema = body_schema(schema()["paths"][path][method]) or {}
    base = {} if method == "patch" else example(request_schema)
    problems = []
    for name, node in request_schema.get("properties", {}).items():
        if node.get("readOnly"):
            continue
        for label, value, must_refuse in bad_values(node):
            response = getattr(client, method)(target, {**base, name: value}, format="json")
            what = f"{method.upper()} {target} with {name} = {label}"
            if response.status_code >= 500:
                exc_info = getattr(response, "exc_info", None)
                error = f" ({exc_info[1]!r})" if exc_info else ""
                problems.append(f"{what}: {response.status_code}{error}")
            elif response.status_code >= 400:
                try:
                    assert_error_shape(response, response.status_code)
                except AssertionError as error:
                    problems.append(f"{what}: not the error shape: {error}")
            elif must_refuse and stored(response, name, value):
                # A read-only field (a key on update, say) may be ignored; storing it may not.
                problems.append(f"{what}: accepted ({response.status_code})")
    assert not problems, "\n".join(problems)


def test_there_are_write_operations() -> None:
    assert len(operations()) >= 3


@pytest.mark.parametrize(("path", "method"), operations())
def test_a_body_that_is_not_json_gets_400(api_client: Any, path: str, method: str) -> None:
    client = api_client()
    target = seed(client, path)
    response = client.generic(method.upper(), target, "{not json", content_type="application/json")
    if response.status_code != 404:
        assert_error_shape(response, 400, "invalid")


# ---------------------------------------------------------------------------------------------
# Input no endpoint can handle is refused at the door (rapport/core/api/parsers.py, exceptions.py)


def _nested(depth: int) -> str:
    return '{"description": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


@pytest.mark.parametrize("depth", [33, 1_000, 10_000, 100_000])
def test_deeply_nested_json_gets_400_and_changes_nothing(api_client: Any, depth: int) -> None:
    from rapport.contacts.models import Salesperson

    client = api_client()
    client.raise_request_exception = False
    before = Salesperson.objects.count()
    body = '{"code": "DEEP", "name": ' + "[" * depth + "]" * depth + "}"
    for path in ("/api/v1/salespeople/", "/api/v1/interactions/delete-canceled/"):
        response = client.generic("POST", path, body, content_type="application/json")
        error = assert_error_shape(response, 400, "invalid")
        assert error["message"] == "The JSON body is nested deeper than 32 levels.", error
    # The token endpoint (no login) too: it used DRF's own parser.
    response = api_client(None).generic(
        "POST", "/api/v1/auth/token/", body, content_type="application/json"
    )
    assert_error_shape(response, 400, "invalid")
    assert Salesperson.objects.count() == before


def test_json_up_to_the_depth_limit_is_parsed(api_client: Any) -> None:
    from rapport.core.api.parsers import json_depth

    assert json_depth('{"a": "[[[[{{{", "b": [[1], {"c": []}]}') == 4
    assert json_depth('"[[["') == 0
    response = api_client().generic(
        "POST", "/api/v1/salespeople/", _nested(32), content_type="application/json"
    )
    # Parsed (32 levels), then refused by the serializer for its content, not for its depth.
    error = assert_error_shape(response, 400)
    assert error["message"] != "The JSON body is nested deeper than 32 levels."


def test_a_lone_surrogate_in_a_segment_filter_gets_400(api_client: Any) -> None:
    from rapport.segments.models import SegmentLine

    client = api_client()
    response = client.post("/api/v1/segments/", {"no": "SUR1", "description": "x"}, format="json")
    assert response.status_code == 201, response.content
    body = '{"filters": {"contact": {"name": "\\ud800*"}}}'
    for action in ("add-contacts", "reduce-contacts", "refine-contacts"):
        response = client.generic(
            "POST", f"/api/v1/segments/SUR1/{action}/", body, content_type="application/json"
        )
        error = assert_error_shape(response, 400, "invalid")
        assert error["fields"] == {
            "filters.contact.name": ["Lone surrogate characters (such as \\ud800) are not allowed."]
        }, error
    assert SegmentLine.objects.count() == 0


@pytest.mark.parametrize("content_type", ["json", "form"])
def test_a_body_over_the_upload_limit_gets_the_json_error_shape(
    api_client: Any, content_type: str
) -> None:
    from rapport.contacts.models import Salesperson

    client = api_client()
    big = "x" * 2_700_000
    if content_type == "json":
        response = client.post("/api/v1/salespeople/", {"code": "BIG", "name": big}, format="json")
    else:
        response = client.post("/api/v1/salespeople/", {"code": "BIG", "name": big})
    error = assert_error_shape(response, 400, "invalid")
    assert error["message"] == "The request body is larger than 2621440 bytes."
    assert not Salesperson.objects.filter(code="BIG").exists()


def test_too_many_fields_get_the_json_error_shape(api_client: Any) -> None:
    response = api_client().post("/api/v1/salespeople/", {f"f{i}": "1" for i in range(1_001)})
    error = assert_error_shape(response, 400, "invalid")
    assert error["message"] == "The request has more than 1000 fields."


def test_handler400_answers_the_json_error_shape_under_api_only() -> None:
    from django.core.exceptions import SuspiciousOperation, TooManyFieldsSent
    from django.test import RequestFactory

    from config import urls
    from rapport.core.api.exceptions import api_aware_bad_request

    assert urls.handler400 == "rapport.core.api.exceptions.api_aware_bad_request"
    request = RequestFactory().post("/api/v1/contacts/")
    response = api_aware_bad_request(request, TooManyFieldsSent())
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "error": {
            "code": "invalid",
            "message": "The request has more than 1000 fields.",
            "fields": {},
        }
    }
    page = api_aware_bad_request(RequestFactory().post("/contacts/"), SuspiciousOperation())
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")


# ---------------------------------------------------------------------------------------------
# Every action refuses keys it does not know (400 unknown_field): rapport/core/api/serializers.py


def action_operations() -> list[Any]:
    """POST operations on paths without a GET: the actions (not a create on a list)."""
    cases = []
    for path, item in schema()["paths"].items():
        if "post" in item and "get" not in item and not path.endswith("/auth/token/"):
            cases.append(pytest.param(path, id=path))
    return cases


def test_the_known_actions_are_walked() -> None:
    paths = {param.values[0] for param in action_operations()}
    for action in (
        "/api/v1/interactions/delete-canceled/",
        "/api/v1/interactions/{entry_no}/cancel/",
        "/api/v1/interactions/{entry_no}/resume/",
        "/api/v1/logged-segments/delete-canceled/",
        "/api/v1/segments/{no}/add-contacts/",
        "/api/v1/segments/{no}/go-back/",
        "/api/v1/segments/{no}/log/",
        "/api/v1/number-series/{code}/draw/",
    ):
        assert action in paths


@pytest.mark.parametrize("path", action_operations())
def test_every_action_refuses_an_unknown_key(api_client: Any, path: str) -> None:
    client = api_client()
    target = seed(client, path)
    operation = schema()["paths"][path]["post"]
    base = example(body_schema(operation) or {}) if body_schema(operation) else {}
    response = client.post(target, {**base, "dryrun": True}, format="json")
    if response.status_code == 404 and "{" in path:
        pytest.skip(f"no object to try {path} on")  # the explicit tests below cover those
    error = assert_error_shape(response, 400, "unknown_field")
    assert error["fields"] == {"dryrun": ["Unknown field."]}, error
    assert error["message"] == "dryrun: Unknown field."


def test_the_schema_says_actions_take_no_other_keys() -> None:
    """drf-spectacular shows the rule: `additionalProperties: false` on every action's body."""
    open_bodies = []
    for param in action_operations():
        operation = schema()["paths"][param.values[0]]["post"]
        body = body_schema(operation)
        if body is not None and body.get("additionalProperties") is not False:
            open_bodies.append(param.values[0])
    assert not open_bodies
