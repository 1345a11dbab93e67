"""Input that the database cannot take is refused before it reaches it: an over-long user name
on the token endpoint (django-axes records failed attempts in a 255-character column), and a NUL
character in a code that a page looks up (PostgreSQL cannot compare it)."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.forms import without_nul

pytestmark = pytest.mark.django_db


def test_an_over_long_user_name_gets_400_before_authentication(client: Any) -> None:
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "x" * 151, "password": "secret"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "username" in response.json()["error"]["fields"]


def test_without_nul_blanks_only_text_holding_nul() -> None:
    assert without_nul("CALL\x00") == ""
    assert without_nul(["A", "B\x00"]) == ["A", ""]
    assert without_nul("CALL") == "CALL"
    assert without_nul(None) is None
