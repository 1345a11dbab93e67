"""Helpers for the test suites of every app (no pytest dependency, so apps can share them)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from rapport.core.models import User
from rapport.core.services import user_create


def make_user(role: str = "administrator", username: str | None = None, **extra: Any) -> User:
    return user_create(
        username=username or f"{role}-user",
        role=role,
        password="pw",  # noqa: S106
        validate=False,
        **extra,
    )


def api_client_for(user: User | None) -> APIClient:
    """An API client that authenticates with the user's token, as an integration would."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def web_client_for(user: User, *, enforce_csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.force_login(user)
    return client


def assert_error_shape(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The uniform API error body: {"error": {"code", "message", "fields"}}."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) >= {"error"}, body
    error = body["error"]
    assert {"code", "message", "fields"} <= set(error), error
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code, error
    return error
