"""Deliver on create and on resume (reference 2.1.6 steps 5 and 7): when a single interaction
is delivered, that the request is made exactly once inside the logging transaction, and the
e-mail-needs-an-attachment check (2.1.5) naming the template language without one. A fake
requester stands in for the delivery app (registered by the `requests_made` fixture)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from rapport.attachments.services import attachment_create
from rapport.core.errors import DomainError, ValidationFailed
from rapport.core.notices import collect_notices
from rapport.core.services import user_update_preferences
from rapport.interactions import services
from rapport.interactions.models import InteractionLogEntry
from rapport.interactions.services import delivery_hooks
from tests.support import assert_error_shape

from .conftest import log_snapshot

pytestmark = pytest.mark.django_db

WORK_DATE = datetime.date(2026, 3, 16)
URL = "/api/v1/interactions/"


@pytest.fixture
def w(world):
    for user in (world.admin, world.mila, world.sven):
        user_update_preferences(user=user, work_date=WORK_DATE)
    return world


def log(w, **kwargs):
    kwargs.setdefault("actor", w.admin)
    kwargs.setdefault("contact", w.p1)
    kwargs.setdefault("template", w.news)
    return services.interaction_create(**kwargs)


# --- When an interaction is delivered ----------------------------------------------------------


def test_create_with_a_correspondence_type_delivers_once_inside_the_transaction(
    w, requests_made
) -> None:
    depth = len(connection.atomic_blocks)
    entry = log(w)  # NEWS: e-mail, P1 has an address
    assert entry.correspondence_type == "email"
    assert len(requests_made) == 1
    call = requests_made[0]
    assert call["actor"] == w.admin
    assert call["entry_nos"] == [entry.entry_no]
    assert call["logged_segment_entry_no"] is None
    # Inside interaction_create's own transaction, after the entry was written (logged).
    assert call["depth"] > depth
    assert call["stored"] == [(entry.entry_no, False)]
    # The returned entry shows the state the requester set.
    assert entry.delivery_status == "pending"


def test_a_failing_request_undoes_the_interaction(w, requests_made) -> None:
    """The request is part of the logging transaction: when it fails, nothing is logged."""

    def refuse(**kwargs):
        raise DomainError("The outbox is full.")

    delivery_hooks.register_delivery_requester(refuse)
    before = log_snapshot()
    with pytest.raises(DomainError, match=r"The outbox is full\."):
        log(w)
    assert log_snapshot() == before


def test_deliver_false_and_a_blank_correspondence_type_deliver_nothing(w, requests_made) -> None:
    assert log(w, deliver=False).delivery_status == ""
    assert log(w, correspondence_type="").delivery_status == ""
    assert log(w, template=w.call, correspondence_type="hard_copy").delivery_status == "pending"
    assert [call["entry_nos"] for call in requests_made] == [[3]]


def test_a_postponed_interaction_is_never_delivered(w, requests_made) -> None:
    draft = log(w, postpone=True)
    assert draft.correspondence_type == "email"
    assert draft.delivery_status == ""
    before = log_snapshot()
    with pytest.raises(ValidationFailed) as info:
        log(w, postpone=True, deliver=True)
    assert "A postponed interaction is not delivered" in info.value.errors["deliver"][0]
    assert log_snapshot() == before
    assert requests_made == []
    # Finishing it delivers it, as creating does: the same entry.
    finished = services.interaction_resume(actor=w.admin, entry=draft)
    assert finished.postponed is False
    assert [call["entry_nos"] for call in requests_made] == [[draft.entry_no]]
    assert InteractionLogEntry.objects.get(pk=draft.pk).delivery_status == "pending"


def test_resume_with_deliver_false_or_postponed_again_delivers_nothing(w, requests_made) -> None:
    first, second = log(w, postpone=True), log(w, postpone=True)
    services.interaction_resume(actor=w.admin, entry=first, postpone=True)
    services.interaction_resume(actor=w.admin, entry=second, deliver=False)
    assert requests_made == []


def test_deliver_true_with_a_blank_correspondence_type_is_refused(w, requests_made) -> None:
    before = log_snapshot()
    with pytest.raises(ValidationFailed) as info:
        log(w, template=w.call, correspondence_type="", deliver=True)
    assert info.value.errors["deliver"] == [
        "Only an interaction with a correspondence type (Email, Hard Copy, Fax) can be "
        "delivered. Choose one, or do not deliver."
    ]
    assert log_snapshot() == before
    assert requests_made == []


def test_a_correspondence_type_cleared_by_the_downgrade_is_not_delivered(w, requests_made) -> None:
    """P2 has no e-mail address: Email becomes blank (with a notice), and nothing is sent."""
    with collect_notices() as notices:
        entry = log(w, contact=w.p2, deliver=True)
    assert entry.correspondence_type == ""
    assert notices == [
        "Contact P2 has no e-mail address, so the correspondence type Email was cleared.",
        "The interaction is not delivered: its correspondence type is blank.",
    ]
    assert requests_made == []


def test_a_refused_create_requests_nothing(w, requests_made) -> None:
    before = log_snapshot()
    with pytest.raises(ValidationFailed):
        log(w, template=w.call)  # CALL takes P1's Email, and has no attachment
    with pytest.raises(ValidationFailed):
        log(w, description="x" * 101)
    assert log_snapshot() == before
    assert requests_made == []


def test_without_the_delivery_app(w, requests_made) -> None:
    """Nothing registered: NAV's default delivers nothing; asking for it is refused."""
    delivery_hooks._requester.clear()
    assert log(w).delivery_status == ""
    with pytest.raises(ValidationFailed) as info:
        log(w, deliver=True)
    assert info.value.errors["deliver"] == ["Delivery is not available in this installation."]


# --- 2.1.5: e-mail needs an attachment, naming the language ------------------------------------


def test_email_without_an_attachment_names_the_template_language(w, requests_made) -> None:
    row = w.news.languages.get(language__code="NL")
    services.interaction_template_language_update(template_language=row, attachment=None)
    w.p2.email = "bram@acme.example"
    w.p2.save(update_fields=["email"])
    before = log_snapshot()
    with pytest.raises(ValidationFailed) as info:
        log(w, contact=w.p2)  # Dutch: the NL row, which has no attachment now
    assert info.value.errors["correspondence_type"] == [
        "Correspondence type Email needs an attachment to send. Interaction template NEWS has "
        "no attachment for language NL. Choose another correspondence type, or give that "
        "language an attachment."
    ]
    # An attachment without content counts as none (reference 2.1.5: "no attachment content").
    assert log_snapshot() == before
    empty = attachment_create(kind="email", subject="Hallo")
    services.interaction_template_language_update(template_language=row, attachment=empty)
    before = log_snapshot()
    with pytest.raises(ValidationFailed) as info:
        log(w, contact=w.p2)
    assert (
        "The attachment of interaction template NEWS for language NL is empty."
        in (info.value.errors["correspondence_type"][0])
    )
    assert log_snapshot() == before
    assert requests_made == []


# --- The API -----------------------------------------------------------------------------------


@pytest.fixture
def client(api_client, w):
    return api_client(w.admin)


def test_api_create_delivers_by_default_and_shows_the_delivery_state(
    client, w, requests_made
) -> None:
    response = client.post(URL, {"contact_no": "P1", "template_code": "NEWS"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["delivery_status"], body["delivery_error"]) == ("pending", "")
    assert [call["entry_nos"] for call in requests_made] == [[body["entry_no"]]]
    response = client.post(
        URL, {"contact_no": "P1", "template_code": "NEWS", "deliver": False}, format="json"
    )
    assert response.json()["delivery_status"] == ""
    response = client.post(
        URL, {"contact_no": "P1", "template_code": "NEWS", "deliver": None}, format="json"
    )
    assert response.json()["delivery_status"] == "pending"
    assert len(requests_made) == 2


def test_api_deliver_refusals(client, w, requests_made) -> None:
    before = log_snapshot()
    response = client.post(
        URL,
        {"contact_no": "P1", "template_code": "CALL", "correspondence_type": "", "deliver": True},
        format="json",
    )
    assert_error_shape(response, 400)
    assert list(response.json()["error"]["fields"]) == ["deliver"]
    response = client.post(
        URL,
        {"contact_no": "P1", "template_code": "NEWS", "postpone": True, "deliver": True},
        format="json",
    )
    assert_error_shape(response, 400)
    assert list(response.json()["error"]["fields"]) == ["deliver"]
    response = client.post(URL, {"contact_no": "P1", "delivr": True}, format="json")
    assert_error_shape(response, 400)
    assert response.json()["error"]["code"] == "unknown_field"
    response = client.post(URL, {"contact_no": "P1", "deliver": "often"}, format="json")
    assert_error_shape(response, 400)
    assert log_snapshot() == before
    assert requests_made == []


def test_api_resume_delivers(client, w, requests_made) -> None:
    draft = log(w, postpone=True)
    response = client.post(f"{URL}{draft.entry_no}/resume/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["delivery_status"] == "pending"
    assert [call["entry_nos"] for call in requests_made] == [[draft.entry_no]]


def test_api_delivery_error_and_the_delivery_status_filter(client, w, requests_made) -> None:
    sent, failed, plain = log(w), log(w), log(w, deliver=False)
    InteractionLogEntry.objects.filter(pk=sent.pk).update(delivery_status="delivered")
    InteractionLogEntry.objects.filter(pk=failed.pk).update(
        delivery_status="failed", delivery_error="550 5.1.1 Mailbox unknown"
    )
    body = client.get(f"{URL}{failed.entry_no}/").json()
    assert (body["delivery_status"], body["delivery_error"]) == (
        "failed",
        "550 5.1.1 Mailbox unknown",
    )

    def numbers(query: str) -> list[int]:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return [row["entry_no"] for row in response.json()["results"]]

    assert numbers("delivery_status=failed") == [failed.entry_no]
    assert numbers("delivery_status=delivered") == [sent.entry_no]
    assert plain.entry_no in numbers("")
    assert_error_shape(client.get(f"{URL}?delivery_status=lost"), 400)
    # Given blank, a choice filter is refused, not read as "no filter" (which a client could
    # take for "entries without a status").
    for query in ("delivery_status=", "evaluation="):
        response = client.get(f"{URL}?{query}")
        assert_error_shape(response, 400)
        assert "Choose one of:" in response.content.decode()
