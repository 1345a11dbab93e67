"""Every URL needs a login; CSRF holds; hostile input gets 400, never 500; the schema is valid.

The URLs are discovered from the URL configuration (tests/urlwalk.py): a new page or endpoint
is covered the moment it is routed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import resolve

from tests.support import assert_error_shape, assert_login_redirect
from tests.urlwalk import Endpoint, api_endpoints, endpoints, params, ui_endpoints

pytestmark = pytest.mark.django_db

# Pages a signed-out person must reach: the login pages and the JavaScript translation catalogue.
PUBLIC_UI = {"login", "admin:login", "javascript-catalog"}
# API views that are not behind authentication.
TOKEN_ENDPOINT = "api-token"
# Django's admin sends signed-out people to its own login page from the views it guards itself
# (index, app lists, logout, ...), to ours from the others.
ADMIN_LOGINS = ("/login/", "/admin/login/")

API_METHODS = ("get", "post", "put", "patch", "delete")


# ---------------------------------------------------------------------------------------------
# The URL catalogue itself


def test_the_url_walk_finds_the_known_urls() -> None:
    names = {endpoint.name for endpoint in endpoints()}
    assert {"home", "login", "logout", "profile", "api-token", "api-me", "api-schema"} <= names
    assert len(api_endpoints()) >= 4
    assert len(ui_endpoints()) >= 5


@pytest.mark.parametrize("endpoint", params(list(endpoints())))
def test_each_example_path_resolves_to_its_own_pattern(endpoint: Endpoint) -> None:
    match = resolve(endpoint.path)
    assert match.func is endpoint.callback, (
        f"{endpoint.path} (for {endpoint.route}) resolves to {match.view_name} instead"
    )


# ---------------------------------------------------------------------------------------------
# Anonymous requests


@pytest.mark.parametrize("endpoint", params(ui_endpoints()))
@pytest.mark.parametrize("method", ["get", "post"])
def test_ui_url_needs_a_login(client: Client, endpoint: Endpoint, method: str) -> None:
    response = getattr(client, method)(endpoint.path)
    assert response.status_code != 500
    if endpoint.name in PUBLIC_UI:
        if method == "get":
            assert response.status_code == 200, f"{endpoint.path} must be public"
        return
    if endpoint.path.startswith("/admin/"):
        assert_login_redirect(response, endpoint.path, ADMIN_LOGINS)
    else:
        assert_login_redirect(response, endpoint.path)


@pytest.mark.parametrize("endpoint", params(api_endpoints()))
@pytest.mark.parametrize("method", API_METHODS)
def test_api_url_answers_401_to_anonymous_requests(
    client: Client, endpoint: Endpoint, method: str
) -> None:
    if endpoint.name == "api-docs":
        # The browsable docs are an HTML page for people: it refuses signed-out people (401 or
        # a login redirect), in HTML.
        if method == "get":
            response = client.get(endpoint.path, HTTP_ACCEPT="text/html")
            assert response.status_code in (401, 302), response.status_code
        return
    response = getattr(client, method)(
        endpoint.path, content_type="application/json", HTTP_ACCEPT="application/json"
    )
    if endpoint.name == TOKEN_ENDPOINT:
        # Signing in is the one thing an anonymous client may do.
        if method == "post":
            assert_error_shape(response, 400, "invalid")  # no credentials in the body
        else:
            assert response.status_code in (401, 405)
            assert_error_shape(response, response.status_code)
        return
    assert_error_shape(response, 401, "not_authenticated")


def test_the_login_page_and_static_files_are_public(client: Client) -> None:
    assert client.get("/login/").status_code == 200
    response = client.get("/static/vendor/bootstrap/css/bootstrap.min.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert client.get("/static/rapport/rapport.css").status_code == 200


def test_the_javascript_catalogue_is_public(client: Client) -> None:
    response = client.get("/jsi18n/")
    assert response.status_code == 200, (
        f"/jsi18n/ must be public (login page translations); got {response.status_code} "
        f"{response.get('Location', '')}"
    )


def test_unknown_api_url_gives_404_in_the_error_shape(client: Client, api_client: Any) -> None:
    assert_error_shape(client.get("/api/v1/nope/"), 404, "not_found")
    assert_error_shape(api_client().get("/api/v1/nope/"), 404, "not_found")


@pytest.mark.parametrize(
    "endpoint", params([e for e in api_endpoints() if e.has_parameters and "get" in e.methods()])
)
def test_unknown_key_gives_404_in_the_error_shape(api_client: Any, endpoint: Endpoint) -> None:
    assert_error_shape(api_client().get(endpoint.path), 404, "not_found")


# ---------------------------------------------------------------------------------------------
# CSRF


def csrf_client(user: Any) -> tuple[Client, str]:
    """A client that checks CSRF like a browser, signed in as `user`, with its CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.get("/profile/")
    assert response.status_code == 200
    return client, client.cookies["csrftoken"].value


def test_ui_form_post_without_csrf_token_is_refused(admin_user: Any) -> None:
    client, token = csrf_client(admin_user)
    data = {"language": "nl", "work_date": ""}
    assert client.post("/profile/", data).status_code == 403
    admin_user.refresh_from_db()
    assert admin_user.language == "en"
    response = client.post("/profile/", {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.language == "nl"


def test_login_form_post_without_csrf_token_is_refused(admin_user: Any, password: str) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "admin", "password": password})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_logout_without_csrf_token_is_refused(admin_user: Any) -> None:
    client, token = csrf_client(admin_user)
    assert client.post("/logout/").status_code == 403
    assert client.get("/profile/").status_code == 200  # still signed in
    response = client.post("/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert_login_redirect(client.get("/profile/"), "/profile/")


def test_session_api_write_needs_the_csrf_header(admin_user: Any) -> None:
    client, token = csrf_client(admin_user)
    body = json.dumps({"language": "nl"})
    response = client.patch("/api/v1/me/", body, content_type="application/json")
    error = assert_error_shape(response, 403, "permission_denied")
    assert "CSRF" in error["message"]
    admin_user.refresh_from_db()
    assert admin_user.language == "en"
    response = client.patch(
        "/api/v1/me/", body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200, response.content
    assert response.json()["language"] == "nl"


def test_token_api_write_needs_no_csrf_token(api_client: Any) -> None:
    client = api_client(enforce_csrf_checks=True)
    response = client.patch("/api/v1/me/", {"language": "nl"}, format="json")
    assert response.status_code == 200, response.content


# ---------------------------------------------------------------------------------------------
# NUL bytes


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_nul_byte_in_a_ui_query_string_gives_400(admin_user: Any, signed_in: bool) -> None:
    client = Client()
    if signed_in:
        client.force_login(admin_user)
    for path in ("/", "/profile/"):
        response = client.get(path, {"q": "a\x00b"})
        assert response.status_code == 400, (path, response.status_code)
        response = client.get(path, {"a\x00": "1"})
        assert response.status_code == 400, (path, response.status_code)


def test_nul_byte_in_a_ui_path_gives_400_not_500(admin_client: Client) -> None:
    assert admin_client.get("/salespeople/a%00b/").status_code == 400


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_nul_byte_in_an_api_query_string_gives_400(api_client: Any, signed_in: bool) -> None:
    client = api_client() if signed_in else api_client(None)
    assert_error_shape(client.get("/api/v1/me/", {"q": "a\x00b"}), 400, "invalid")
    assert_error_shape(client.get("/api/v1/me/?a%00=1"), 400, "invalid")


@pytest.mark.parametrize("endpoint", params([e for e in api_endpoints() if "get" in e.methods()]))
def test_nul_byte_in_any_api_query_string_gives_400(api_client: Any, endpoint: Endpoint) -> None:
    assert_error_shape(api_client().get(endpoint.path, {"search": "\x00"}), 400, "invalid")


# ---------------------------------------------------------------------------------------------
# OpenAPI


def test_openapi_schema_validates_without_warnings(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "schema.yml"
    try:
        # drf-spectacular prints its warnings and errors to sys.stderr (captured by capsys).
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    except (SystemExit, Exception) as exc:
        pytest.fail(
            f"spectacular --validate --fail-on-warn failed: {exc!r}\n{capsys.readouterr().err}"
        )
    schema = target.read_text()
    assert "/api/v1/me/" in schema
    assert "/api/v1/auth/token/" in schema


def test_openapi_schema_is_served_to_signed_in_users(admin_client: Client) -> None:
    response = admin_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/auth/token/" in schema["paths"]
    assert admin_client.get("/api/docs/").status_code == 200


# ---------------------------------------------------------------------------------------------
# Failed logins are throttled (django-axes): per user name and per address


TOKEN_URL = "/api/v1/auth/token/"


def _token_attempt(client: Client, username: str, password: str, address: str) -> Any:
    return client.post(
        TOKEN_URL,
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def test_the_token_endpoint_locks_out_after_five_failed_logins(
    make_user: Any, admin_user: Any, password: str
) -> None:
    from rest_framework.authtoken.models import Token

    other = make_user(username="other", role="read_only")
    client = Client()
    for _attempt in range(4):
        response = _token_attempt(client, "admin", "wrong", "10.0.0.1")
        assert_error_shape(response, 400, "invalid")
    # The fifth failure locks the name and the address out (429 in the error shape) ...
    assert_error_shape(_token_attempt(client, "admin", "wrong", "10.0.0.1"), 429, "locked_out")
    # ... and then even the right password gets 429, and no token.
    error = assert_error_shape(_token_attempt(client, "admin", password, "10.0.0.1"), 429)
    assert error["code"] == "locked_out"
    assert error["message"] == "Too many failed sign-in attempts. Try again in 15 minutes."
    # Per user name: from another address too; per address: another user name too.
    assert_error_shape(_token_attempt(client, "admin", password, "10.0.0.2"), 429, "locked_out")
    assert_error_shape(_token_attempt(client, "other", password, "10.0.0.1"), 429, "locked_out")
    assert Token.objects.count() == 0
    # Neither the name nor the address locked: fine.
    response = _token_attempt(client, "other", password, "10.0.0.3")
    assert response.status_code == 200, response.content
    assert Token.objects.filter(user=other).count() == 1


def test_the_login_page_locks_out_after_five_failed_logins(admin_user: Any, password: str) -> None:
    client = Client()
    for _attempt in range(4):
        response = client.post("/login/", {"username": "admin", "password": "wrong"})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        assert "Too many failed" not in response.content.decode()
    response = client.post("/login/", {"username": "admin", "password": "wrong"})
    assert response.status_code == 429
    response = client.post("/login/", {"username": "admin", "password": password})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts. Try again in 15 minutes." in response.content.decode()
    assert 'name="username"' in response.content.decode()  # the form, to try again later
    assert "_auth_user_id" not in client.session
    assert client.get("/profile/").status_code == 302


def test_a_successful_login_resets_the_failed_logins(admin_user: Any, password: str) -> None:
    client = Client()
    for _round in range(3):
        for _attempt in range(4):
            assert _token_attempt(client, "admin", "wrong", "10.0.0.1").status_code == 400
        assert _token_attempt(client, "admin", password, "10.0.0.1").status_code == 200


def test_the_lockout_is_in_dutch_for_a_dutch_client(admin_user: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    for _attempt in range(5):
        response = _token_attempt(client, "admin", "wrong", "10.0.0.1")
    error = assert_error_shape(response, 429, "locked_out")
    assert error["message"] == (
        "Te veel mislukte aanmeldpogingen. Probeer het over 15 minuten opnieuw."
    )
