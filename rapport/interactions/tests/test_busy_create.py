"""A create that meets a busy database (SQLite's `database is locked` after the busy timeout,
e.g. behind a big segment being logged) answers "busy, try again" and writes nothing: 503 with
Retry-After in the API, the 503 message page in the UI (`rapport.core.busy`)."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from rapport.core import entry_numbers
from rapport.interactions.models import InteractionLogEntry

from .conftest import log_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(world, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reserving the entry number (inside the create's transaction) meets a locked database."""

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(entry_numbers, "reserve_numbers", locked)


def test_the_api_create_answers_503_with_retry_after_and_writes_nothing(
    busy, world, api_client
) -> None:
    before = log_snapshot()
    response = api_client(world.admin).post(
        "/api/v1/interactions/", {"contact_no": "P2", "template_code": "NEWS"}, format="json"
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["error"]["code"] == "busy"
    assert response.json()["error"]["fields"] == {}
    assert log_snapshot() == before
    assert not InteractionLogEntry.objects.exists()


def test_the_dialogs_finish_answers_the_503_page(busy, world, client_for) -> None:
    from django.urls import reverse

    from .test_dialog_views import form_data

    before = log_snapshot()
    response = client_for(world.mila).post(
        reverse("interactions:interaction-create") + "?contact_no=P2",
        form_data(template="NEWS", description="Newsletter", salesperson="MV", language="NL"),
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "The database is busy" in html and "Nothing was changed." in html
    assert log_snapshot() == before
