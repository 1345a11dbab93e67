"""The platform every app stands on: token auth, /api/v1/me/, roles, login and logout, the
user's language, pagination, and every page opening without an error."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from rapport.core import permissions
from rapport.core.api.permissions import RolePermission
from rapport.core.views import CapabilityRequiredMixin
from tests.support import assert_error_shape, assert_login_redirect
from tests.urlwalk import WRITE_METHODS, Endpoint, api_endpoints, params, ui_endpoints

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/me/"
HTML_LANG = re.compile(r'<html[^>]*\blang="([^"]+)"')


def html_lang(response: Any) -> str:
    match = HTML_LANG.search(response.content.decode())
    assert match, response.content[:300]
    return match.group(1)


# ---------------------------------------------------------------------------------------------
# Token authentication


def test_token_for_good_credentials(admin_user: Any, password: str) -> None:
    client = Client()
    response = client.post(
        TOKEN_URL, {"username": "admin", "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"token"}
    assert body["token"] == Token.objects.get(user=admin_user).key
    # The token works, and it is the same one the next time.
    me = client.get(ME_URL, HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert me.status_code == 200
    assert me.json()["username"] == "admin"
    again = client.post(TOKEN_URL, {"username": "admin", "password": password})
    assert again.json()["token"] == body["token"]


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "admin", "password": "wrong"},
        {"username": "nobody", "password": "wrong"},
        {"username": "admin"},
        {},
        {"username": "admin\x00", "password": "x"},
    ],
    ids=["bad-password", "unknown-user", "no-password", "nothing", "nul-byte"],
)
def test_no_token_for_bad_credentials(admin_user: Any, credentials: dict[str, str]) -> None:
    response = Client().post(TOKEN_URL, credentials, content_type="application/json")
    assert_error_shape(response, 400, "invalid")
    assert not Token.objects.exists()


def test_bad_token_gives_401(db: None) -> None:
    response = Client().get(ME_URL, HTTP_AUTHORIZATION="Token not-a-token")
    assert_error_shape(response, 401, "not_authenticated")


def test_inactive_user_gets_no_token(admin_user: Any, password: str) -> None:
    admin_user.is_active = False
    admin_user.save()
    response = Client().post(TOKEN_URL, {"username": "admin", "password": password})
    assert_error_shape(response, 400, "invalid")


# ---------------------------------------------------------------------------------------------
# /api/v1/me/


def test_me_defaults(api_client: Any) -> None:
    response = api_client().get(ME_URL)
    assert response.status_code == 200
    assert response.json() == {
        "username": "admin",
        "role": "administrator",
        "work_date": timezone.localdate().isoformat(),
        "language": "en",
    }


def test_me_work_date_is_set_and_reset(api_client: Any, admin_user: Any) -> None:
    client = api_client()
    response = client.patch(ME_URL, {"work_date": "2027-01-31"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["work_date"] == "2027-01-31"
    assert client.get(ME_URL).json()["work_date"] == "2027-01-31"
    admin_user.refresh_from_db()
    assert admin_user.work_date == datetime.date(2027, 1, 31)

    response = client.patch(ME_URL, {"work_date": None}, format="json")
    assert response.status_code == 200
    assert response.json()["work_date"] == timezone.localdate().isoformat()
    admin_user.refresh_from_db()
    assert admin_user.work_date is None


def test_me_language(api_client: Any) -> None:
    client = api_client()
    for language in ("nl", "en"):
        response = client.patch(ME_URL, {"language": language}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["language"] == language
        assert client.get(ME_URL).json()["language"] == language


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"work_date": "31-01-2027"}, "work_date"),
        ({"work_date": "2027-02-30"}, "work_date"),
        ({"work_date": 20270131}, "work_date"),
        ({"work_date": "2027\x00-01-31"}, "work_date"),
        ({"language": "fr"}, "language"),
        ({"language": ""}, "language"),
        ({"language": None}, "language"),
        ({"language": ["nl"]}, "language"),
        ({"language": "n\x00l"}, "language"),
        ({"language": "x" * 10_000}, "language"),
    ],
)
def test_me_refuses_bad_values(api_client: Any, body: dict[str, Any], field: str) -> None:
    client = api_client()
    error = assert_error_shape(client.patch(ME_URL, body, format="json"), 400, "invalid")
    assert field in error["fields"], error
    assert client.get(ME_URL).json()["language"] == "en"


def test_me_refuses_a_body_that_is_not_json(api_client: Any) -> None:
    response = api_client().generic("PATCH", ME_URL, "{not json", content_type="application/json")
    assert_error_shape(response, 400)


def test_me_cannot_change_username_or_role(api_client: Any, admin_user: Any) -> None:
    client = api_client()
    client.patch(ME_URL, {"username": "root", "role": "read_only"}, format="json")
    admin_user.refresh_from_db()
    assert (admin_user.username, admin_user.role) == ("admin", "administrator")


def test_me_has_no_put(api_client: Any) -> None:
    response = api_client().put(ME_URL, {"language": "nl"}, format="json")
    assert_error_shape(response, 405, "method_not_allowed")


def test_read_only_user_may_change_own_preferences(api_client: Any, read_only_user: Any) -> None:
    client = api_client(read_only_user)
    response = client.patch(ME_URL, {"language": "nl", "work_date": "2027-03-01"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "read_only"
    read_only_user.refresh_from_db()
    assert read_only_user.language == "nl"
    assert read_only_user.work_date == datetime.date(2027, 3, 1)


# ---------------------------------------------------------------------------------------------
# Roles


def role_guarded_writes() -> list[Any]:
    """(role, endpoint, method) for every API write a role is not allowed to make."""
    cases = []
    for endpoint in api_endpoints():
        cls = endpoint.view_class
        if cls is None or RolePermission not in getattr(cls, "permission_classes", ()):
            continue
        capability = getattr(cls, "write_capability", permissions.SETUP)
        for role, allowed in permissions.CAPABILITIES.items():
            if capability is None or capability in allowed:
                continue
            for method in sorted(endpoint.methods() & set(WRITE_METHODS)):
                cases.append(
                    pytest.param(role, endpoint, method, id=f"{role}-{method}-{endpoint.id}")
                )
    return cases


@pytest.mark.parametrize(("role", "endpoint", "method"), role_guarded_writes())
def test_api_write_refused_to_roles_without_the_capability(
    make_user: Any, api_client: Any, role: str, endpoint: Endpoint, method: str
) -> None:
    client = api_client(make_user(role=role))
    response = getattr(client, method)(endpoint.path, {}, format="json")
    assert_error_shape(response, 403, "permission_denied")


def test_there_are_role_guarded_api_writes() -> None:
    """The parametrised test above is not empty: at least the setup endpoints are guarded."""
    assert role_guarded_writes(), "no API endpoint declares a write_capability"


def capability_pages() -> list[Any]:
    return [
        endpoint
        for endpoint in ui_endpoints()
        if endpoint.view_class and issubclass(endpoint.view_class, CapabilityRequiredMixin)
    ]


@pytest.mark.parametrize("endpoint", params(capability_pages()))
def test_edit_pages_refuse_read_only_users(
    client_for: Any, read_only_user: Any, endpoint: Endpoint
) -> None:
    capability = endpoint.view_class.write_capability  # type: ignore[union-attr]
    if permissions.user_can(read_only_user, capability):
        pytest.skip(f"read-only users hold {capability}")
    client = client_for(read_only_user)
    assert client.get(endpoint.path).status_code == 403
    assert client.post(endpoint.path, {}).status_code == 403


# ---------------------------------------------------------------------------------------------
# Login, logout, the user's language


def test_login_page(client: Client) -> None:
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert 'type="submit"' in html
    assert html_lang(response) == "en"


def test_login_and_logout(client: Client, admin_user: Any, password: str) -> None:
    response = client.post("/login/", {"username": "admin", "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "admin" in home.content.decode()

    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert_login_redirect(client.get("/"), "/")


def test_login_goes_back_to_next(client: Client, admin_user: Any, password: str) -> None:
    assert_login_redirect(client.get("/profile/"), "/profile/")
    response = client.post(
        "/login/?next=/profile/",
        {"username": "admin", "password": password, "next": "/profile/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/profile/"


def test_login_refuses_an_outside_next(client: Client, admin_user: Any, password: str) -> None:
    response = client.post(
        "/login/", {"username": "admin", "password": password, "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_login_with_a_bad_password(client: Client, admin_user: Any) -> None:
    response = client.post("/login/", {"username": "admin", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert 'role="alert"' in response.content.decode()


def test_profile_language_makes_the_next_page_dutch(admin_client: Client, admin_user: Any) -> None:
    response = admin_client.get("/profile/")
    assert response.status_code == 200
    assert html_lang(response) == "en"

    response = admin_client.post("/profile/", {"language": "nl", "work_date": ""})
    assert response.status_code == 302, response.content[:500]
    admin_user.refresh_from_db()
    assert admin_user.language == "nl"

    home = admin_client.get("/")
    assert html_lang(home) == "nl"
    assert home["Content-Language"] == "nl"
    # The language follows the user, not the browser.
    assert html_lang(admin_client.get("/profile/", HTTP_ACCEPT_LANGUAGE="en")) == "nl"

    admin_client.post("/profile/", {"language": "en", "work_date": ""})
    assert html_lang(admin_client.get("/")) == "en"


def test_profile_sets_the_work_date(admin_client: Client, admin_user: Any) -> None:
    response = admin_client.post("/profile/", {"language": "en", "work_date": "2027-01-31"})
    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.work_date == datetime.date(2027, 1, 31)
    response = admin_client.post("/profile/", {"language": "en", "work_date": ""})
    admin_user.refresh_from_db()
    assert admin_user.work_date is None


@pytest.mark.parametrize(
    "data",
    [
        {"language": "fr", "work_date": ""},
        {"language": "en", "work_date": "31-31-2027"},
        {"language": "en\x00", "work_date": ""},
    ],
    ids=["unknown-language", "bad-date", "nul-byte"],
)
def test_profile_shows_field_errors(
    admin_client: Client, admin_user: Any, data: dict[str, str]
) -> None:
    response = admin_client.post("/profile/", data)
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.language == "en"


# ---------------------------------------------------------------------------------------------
# Pagination


def list_endpoints() -> list[Endpoint]:
    return [
        endpoint
        for endpoint in api_endpoints()
        if endpoint.url_name.endswith("-list") and "get" in endpoint.methods()
    ]


@pytest.mark.parametrize("endpoint", params(list_endpoints()))
def test_lists_are_paginated(api_client: Any, endpoint: Endpoint) -> None:
    client = api_client()
    response = client.get(endpoint.path)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}, body
    assert isinstance(body["count"], int)
    assert isinstance(body["results"], list)
    assert body["previous"] is None
    response = client.get(endpoint.path, {"page_size": 1, "page": 1})
    assert response.status_code == 200
    assert len(response.json()["results"]) <= 1
    assert_error_shape(client.get(endpoint.path, {"page": 999}), 404, "not_found")


def test_there_are_paginated_lists() -> None:
    assert list_endpoints(), "no API list endpoint found"


# ---------------------------------------------------------------------------------------------
# Every page opens


def pages_without_parameters() -> list[Endpoint]:
    return [
        endpoint
        for endpoint in ui_endpoints()
        if not endpoint.has_parameters and "get" in endpoint.methods()
    ]


def assert_page_opens(client: Client, endpoint: Endpoint, response: Any) -> None:
    if endpoint.path.startswith("/admin/"):
        # Django's admin answers 403 for what its model admins refuse (adding task results,
        # autocomplete without parameters, ...): anything but an error will do.
        assert response.status_code < 500, (endpoint.path, response.status_code)
    elif endpoint.url_name == "logout":  # signing out is a POST
        assert response.status_code == 405
    else:
        assert response.status_code in (200, 302), (endpoint.path, response.status_code)
    if response.status_code == 302:  # e.g. the login page for someone signed in
        assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("endpoint", params(pages_without_parameters()))
def test_every_page_opens_for_an_administrator(admin_client: Client, endpoint: Endpoint) -> None:
    assert_page_opens(admin_client, endpoint, admin_client.get(endpoint.path))


@pytest.mark.parametrize("endpoint", params(pages_without_parameters()))
def test_every_page_opens_in_dutch(client_for: Any, make_user: Any, endpoint: Endpoint) -> None:
    client = client_for(make_user(role="administrator", username="anne", language="nl"))
    response = client.get(endpoint.path)
    assert_page_opens(client, endpoint, response)
    if response.status_code == 200 and b"<html" in response.content:
        assert html_lang(response) == "nl"


@pytest.mark.parametrize(
    "endpoint",
    params([e for e in ui_endpoints() if e.has_parameters and "get" in e.methods()]),
)
def test_pages_for_an_unknown_key_give_404(admin_client: Client, endpoint: Endpoint) -> None:
    response = admin_client.get(endpoint.path)
    if endpoint.path.startswith("/admin/"):
        # Django's admin redirects to its index for an unknown object, or refuses (403).
        assert response.status_code < 500, (endpoint.path, response.status_code)
    else:
        assert response.status_code == 404, (endpoint.path, response.status_code)


def test_api_responses_are_json(api_client: Any) -> None:
    response = api_client().get(ME_URL)
    assert response["Content-Type"].startswith("application/json")
    json.loads(response.content)
