"""Fixtures for the numbering tests."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from rapport.core.services import user_create
from rapport.numbering import services
from rapport.numbering.models import NumberSeries

DAY = datetime.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """PBKDF2 at production strength costs ~0.5 s per user; tests do not need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_person(db: Any) -> Any:
    return user_create(username="ada", role="administrator", password="pw-ada", validate=False)


@pytest.fixture
def reader(db: Any) -> Any:
    return user_create(username="rita", role="read_only", password="pw-rita", validate=False)


def _token_client(user: Any) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api(admin_person: Any) -> APIClient:
    return _token_client(admin_person)


@pytest.fixture
def reader_api(reader: Any) -> APIClient:
    return _token_client(reader)


@pytest.fixture
def admin_browser(client: Any, admin_person: Any) -> Any:
    client.force_login(admin_person)
    return client


@pytest.fixture
def reader_browser(client: Any, reader: Any) -> Any:
    client.force_login(reader)
    return client


@pytest.fixture
def make_series(db: Any) -> Callable[..., NumberSeries]:
    """make_series("SEG", starting_no="SEG00001", ending_no=..., ...) or lines=[...]."""

    def make(
        code: str = "SEG",
        *,
        lines: list[dict[str, Any]] | None = None,
        default_nos: bool = True,
        manual_nos: bool = False,
        date_order: bool = False,
        description: str = "",
        **line: Any,
    ) -> NumberSeries:
        if lines is None:
            line.setdefault("starting_no", f"{code}00001")
            lines = [line]
        return services.number_series_create(
            code=code,
            description=description or f"{code} numbers",
            default_nos=default_nos,
            manual_nos=manual_nos,
            date_order=date_order,
            lines=lines,
        )

    return make
