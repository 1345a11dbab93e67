"""A write that times out on a busy database (SQLite: `database is locked`) answers "busy, try
again": 503 with Retry-After in the API's error body, a 503 message page, a clear exit status
on the command line; never a 500 (`rapport.core.busy`)."""

from __future__ import annotations

import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.test import RequestFactory
from django.test.utils import override_settings
from django.utils import translation

from rapport.core import services
from rapport.core.busy import BUSY_EXIT_STATUS, is_busy

BUSY_EN = (
    "The database is busy with another change (for example a big segment being logged), so this "
    "one could not be saved. Nothing was changed. Try again in a few seconds."
)
BUSY_NL = (
    "De database is bezig met een andere wijziging (bijvoorbeeld een groot segment dat wordt "
    "vastgelegd), zodat deze niet kon worden opgeslagen. Er is niets gewijzigd. Probeer het over "
    "enkele seconden opnieuw."
)


def real_busy_error(tmp_path: Path) -> OperationalError:
    """The error Django raises for a write that waited past the busy timeout: a file database
    with a 0.2 s timeout whose write lock another connection holds."""
    name = str(tmp_path / "busy.sqlite3")
    holder = sqlite3.connect(name, isolation_level=None)
    holder.execute("CREATE TABLE t (x integer)")
    holder.execute("BEGIN IMMEDIATE")
    wrapper = DatabaseWrapper(
        {
            "NAME": name,
            "OPTIONS": {"timeout": 0.2, "transaction_mode": "IMMEDIATE"},
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "TEST": {},
        },
        alias="busy",
    )
    try:
        with wrapper.cursor() as cursor:  # BEGIN IMMEDIATE waits 0.2 s for the write lock
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("INSERT INTO t VALUES (1)")
    except OperationalError as error:
        return error
    finally:
        wrapper.close()
        holder.close()
    raise AssertionError("the second writer was not refused")


@pytest.fixture
def real_busy(tmp_path: Path, django_db_blocker) -> OperationalError:
    with django_db_blocker.unblock():
        return real_busy_error(tmp_path)


def test_a_real_sqlite_lock_timeout_is_recognised_as_busy(real_busy) -> None:
    error = real_busy
    assert str(error) == "database is locked"
    assert is_busy(error)
    assert is_busy(OperationalError("database is busy"))
    assert not is_busy(OperationalError("no such table: t"))
    assert not is_busy(ValueError("database is locked"))


@pytest.fixture
def busy(monkeypatch: pytest.MonkeyPatch, real_busy) -> OperationalError:
    """Saving the user's preferences meets a busy database (the real error of a lock)."""
    error = real_busy

    def refuse(**kwargs):
        raise error

    monkeypatch.setattr(services, "user_update_preferences", refuse)
    return error


def test_the_api_answers_503_with_retry_after_in_the_error_body(busy, api_client) -> None:
    response = api_client().patch("/api/v1/me/", {"language": "nl"}, format="json")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {"error": {"code": "busy", "message": BUSY_EN, "fields": {}}}


def test_the_api_message_is_translated(busy, api_client) -> None:
    response = api_client().patch(
        "/api/v1/me/", {"work_date": None}, format="json", HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert response.status_code == 503
    assert response.json()["error"]["message"] == BUSY_NL


def test_a_page_answers_the_503_message_page(busy, admin_user, client_for) -> None:
    client = client_for(admin_user)
    response = client.post("/profile/", {"work_date": "", "language": "en"})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "<h1" in html and "The database is busy" in html
    assert BUSY_EN in html
    assert "Go back and send the form again." in html
    assert 'href="#main"' in html  # the site's layout: skip link and navigation
    assert "Main navigation" in html


def test_a_form_posted_by_htmx_gets_the_message_in_the_message_area(
    busy, admin_user, client_for
) -> None:
    """The dialogs and the line editor post with htmx: the message goes to #messages (the
    form, with what the user typed, stays), still 503 with Retry-After; base.html lets htmx
    swap a 503."""
    client = client_for(admin_user)
    response = client.post(
        "/profile/", {"work_date": "", "language": "en"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["HX-Retarget"] == "#messages"
    assert response["HX-Reswap"] == "innerHTML"
    html = response.content.decode()
    assert html.startswith('<div class="alert alert-warning" role="alert" data-testid="busy">')
    assert BUSY_EN in html and "<h1" not in html
    page = client.get("/profile/").content.decode()
    assert '{"code":"503","swap":true}' in page  # htmx-config in base.html


def test_the_page_is_in_the_users_language_and_offers_try_again_after_a_get(
    monkeypatch: pytest.MonkeyPatch, real_busy, make_user, client_for
) -> None:
    error = real_busy

    def refuse(self, *args, **kwargs):
        raise error

    from rapport.core import views

    monkeypatch.setattr(views.ProfileView, "get_initial", refuse)
    client = client_for(make_user(role="administrator", username="anna", language="nl"))
    response = client.get("/profile/?x=1")
    assert response.status_code == 503
    html = response.content.decode()
    assert BUSY_NL in html
    assert 'href="/profile/?x=1"' in html and "Opnieuw proberen" in html


@override_settings(DEBUG=False)
def test_a_busy_database_outside_a_view_answers_503_not_500(busy) -> None:
    """handler500: an error a middleware meets (e.g. saving the session) is a 503 too."""
    from rapport.core.views import api_aware_server_error

    request = RequestFactory().get("/api/v1/me/")
    try:
        raise busy
    except OperationalError:
        response = api_aware_server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    try:
        raise OperationalError("disk I/O error")
    except OperationalError:
        assert api_aware_server_error(request).status_code == 500


def test_the_command_line_ends_with_the_message_and_exit_status_75(
    monkeypatch: pytest.MonkeyPatch, real_busy, db
) -> None:
    error = real_busy

    def refuse(**kwargs):
        raise error

    monkeypatch.setattr(services, "user_create", refuse)
    monkeypatch.setattr("sys.stdin", StringIO("secret-pw-123\n"))
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("create_user", "anna", "--role", "administrator", "--password-stdin")
    assert str(refused.value) == BUSY_EN
    assert refused.value.returncode == BUSY_EXIT_STATUS == 75


def test_other_database_errors_are_not_called_busy(monkeypatch: pytest.MonkeyPatch, db) -> None:
    def fail(**kwargs):
        raise OperationalError("no such table: core_user")

    monkeypatch.setattr(services, "user_create", fail)
    monkeypatch.setattr("sys.stdin", StringIO("secret-pw-123\n"))
    with pytest.raises(OperationalError):
        call_command("create_user", "anna", "--role", "administrator", "--password-stdin")
