"""Bad input to every API write gets the 400 error shape, never a 500.

The write operations and their fields come from the OpenAPI schema, so a new endpoint is covered
as soon as it is routed. For every field of every request body the test sends a NUL byte, an
over-long text, values of the wrong type and an unknown code. Where the operation works on one
object (`/api/v1/salespeople/{code}/`), the test first creates one through the API with a body
made from the schema, so that the bad values reach the validation (and, on PostgreSQL, would
reach the database if nothing refused them).
"""

from __future__ import annotations

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
