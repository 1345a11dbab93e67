"""Assertions shared by the tests of every app: `from tests.support import assert_error_shape`."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit


def assert_error_shape(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The API's one error body: {"error": {"code", "message", "fields"}}."""
    assert response.status_code == status, (
        f"{response.request['REQUEST_METHOD']} {response.request['PATH_INFO']}: "
        f"expected {status}, got {response.status_code}: {response.content[:300]!r}"
    )
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    assert set(body) - {"warnings"} == {"error"}, body
    error = body["error"]
    assert {"code", "message", "fields"} <= set(error), error
    assert isinstance(error["message"], str) and error["message"], error
    assert isinstance(error["fields"], dict), error
    if code is not None:
        assert error["code"] == code, error
    return error


def assert_login_redirect(
    response: Any, path: str, login_paths: tuple[str, ...] = ("/login/",)
) -> None:
    assert response.status_code == 302, (
        f"{path}: expected a redirect to {login_paths[0]}, got {response.status_code}"
    )
    target = urlsplit(response["Location"])
    assert target.path in login_paths, response["Location"]
    assert parse_qs(target.query).get("next") == [path], response["Location"]
