"""Delivery on the interaction pages: the log entry card shows the delivery status and error
and what apps above register for card "interaction" (rapport.core.cards); the log filters on
the delivery status; the Create interaction dialog's Deliver checkbox (on by default with a
correspondence type, disabled while asking to postpone), in English and Dutch."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.template import Template
from django.urls import reverse
from django.utils import translation

from rapport.core import cards, permissions
from rapport.core.services import user_update_preferences
from rapport.interactions import services
from rapport.interactions.models import InteractionLogEntry

from .test_dialog_views import checked, form_data

pytestmark = pytest.mark.django_db

WORK_DATE = datetime.date(2026, 3, 2)
CREATE = reverse("interactions:interaction-create")


@pytest.fixture
def w(world: Any) -> Any:
    for user in (world.mila, world.admin):
        user_update_preferences(user=user, work_date=WORK_DATE)
    return world


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the test's registrations on the cards (the apps' own come back after it)."""
    monkeypatch.setattr(cards, "_actions", {})
    monkeypatch.setattr(cards, "_panels", {})


def failed_entry(w: Any) -> InteractionLogEntry:
    entry = services.interaction_create(actor=w.admin, contact=w.p1, template=w.news)
    InteractionLogEntry.objects.filter(pk=entry.pk).update(
        delivery_status="failed", delivery_error="550 5.1.1 <anna@acme.example>: no such user"
    )
    return entry


def card_url(entry: InteractionLogEntry) -> str:
    return reverse("interactions:entry-detail", args=[entry.entry_no])


# --- The log entry card ------------------------------------------------------------------------


def test_card_shows_the_delivery_status_and_error(w, client_for, requests_made) -> None:
    entry = failed_entry(w)
    content = client_for(w.reader).get(card_url(entry)).content.decode()
    assert (
        '<span class="badge fs-6 text-bg-danger" data-testid="delivery-status">Failed</span>'
        in (content)
    )
    assert "Delivery failed: 550 5.1.1 &lt;anna@acme.example&gt;: no such user" in content
    assert re.search(r'data-field="delivery_status">Failed<', content)
    assert re.search(
        r'data-field="delivery_error">550 5.1.1 &lt;anna@acme.example&gt;: no such user<', content
    )
    # An entry without delivery shows neither.
    plain = services.interaction_create(actor=w.admin, contact=w.p1, template=w.news, deliver=False)
    content = client_for(w.reader).get(card_url(plain)).content.decode()
    assert 'data-testid="delivery-status"' not in content
    assert 'data-field="delivery_error"' not in content


def test_card_shows_what_is_registered_for_it(w, client_for, registry, requests_made) -> None:
    entry = failed_entry(w)
    cards.register_action(
        cards.CardAction(
            card="interaction",
            name="resend",
            order=10,
            label="Resend",
            url=lambda request, subject: f"/resend/{subject.entry_no}/",
            capability=permissions.INTERACTIONS,
        )
    )
    cards.register_panel(
        cards.CardPanel(
            card="interaction",
            name="delivery",
            order=10,
            template=Template('<div data-testid="fake-panel">{{ fake.status }}</div>'),
            context=lambda request, subject: {"fake": {"status": subject.delivery_status}},
        )
    )
    cards.register_panel(
        cards.CardPanel(
            card="contact",
            name="elsewhere",
            order=10,
            template=Template('<div data-testid="other-card">x</div>'),
            context=lambda request, subject: {},
        )
    )
    content = client_for(w.mila).get(card_url(entry)).content.decode()
    assert f'href="/resend/{entry.entry_no}/"' in content
    assert '<div data-testid="fake-panel">failed</div>' in content
    assert "other-card" not in content
    # The read-only role sees the panel, not the action its role may not take.
    content = client_for(w.reader).get(card_url(entry)).content.decode()
    assert "/resend/" not in content
    assert 'data-testid="fake-panel"' in content


def test_card_in_dutch(w, client_for, requests_made) -> None:
    entry = failed_entry(w)
    user_update_preferences(user=w.admin, language="nl")
    try:
        content = client_for(w.admin).get(card_url(entry), HTTP_ACCEPT_LANGUAGE="nl")
        text = content.content.decode()
        assert "Levering mislukt: 550 5.1.1" in text
        assert "Leveringsstatus" in text
        assert "Leveringsfout" in text
        assert ">Mislukt</span>" in text
    finally:
        translation.activate("en")


# --- The log's filter --------------------------------------------------------------------------


def test_the_log_filters_on_the_delivery_status(w, client_for, requests_made) -> None:
    entry = failed_entry(w)
    other = services.interaction_create(actor=w.admin, contact=w.p1, template=w.news)
    client = client_for(w.reader)
    response = client.get(reverse("interactions:log-list") + "?delivery_status=failed")
    shown = [row["url"] for row in response.context["rows"]]
    assert shown == [card_url(entry)]
    response = client.get(reverse("interactions:log-list") + "?delivery_status=pending")
    assert [row["url"] for row in response.context["rows"]] == [card_url(other)]
    response = client.get(reverse("interactions:log-list") + "?delivery_status=lost")
    assert response.context["rows"] == []
    assert "delivery_status" in response.context["filter_form"].errors


# --- The Create interaction dialog -------------------------------------------------------------


def test_deliver_is_on_by_default_with_a_correspondence_type(w, client_for) -> None:
    client = client_for(w.mila)
    page = client.get(CREATE + "?contact_no=P1&template_code=NEWS").content.decode()
    assert checked(page, "deliver") is True
    assert "Deliver" in page
    page = client.get(CREATE + "?contact_no=P3&template_code=CALL").content.decode()
    assert checked(page, "deliver") is False


def test_finish_delivers_as_the_checkbox_says(w, client_for, requests_made) -> None:
    client = client_for(w.mila)
    values = {"contact": "P1", "template": "NEWS", "salesperson": "MV", "language": "EN"}
    values.update(correspondence_type="email", description="Newsletter")
    response = client.post(CREATE, form_data(**values, deliver="on"))
    assert response.status_code == 302
    response = client.post(CREATE, form_data(**values))  # unchecked
    assert response.status_code == 302
    entries = list(InteractionLogEntry.objects.order_by("entry_no"))
    assert [entry.delivery_status for entry in entries] == ["pending", ""]
    assert [call["entry_nos"] for call in requests_made] == [[entries[0].entry_no]]
    # Checked with a blank correspondence type: refused next to the checkbox.
    values["correspondence_type"] = ""
    response = client.post(CREATE, form_data(**values, deliver="on"))
    assert response.status_code == 422
    assert "can be delivered. Choose one, or do not deliver." in response.content.decode()
    assert InteractionLogEntry.objects.count() == 2


def test_postponing_never_delivers_and_the_checkbox_is_disabled_meanwhile(
    w, client_for, requests_made
) -> None:
    client = client_for(w.mila)
    values = {"contact": "P1", "template": "NEWS", "correspondence_type": "email"}
    page = client.post(CREATE, form_data(**values, deliver="on", action="cancel"))
    match = re.search(r'<input[^>]*name="deliver"[^>]*>', page.content.decode())
    assert match and "disabled" in match.group(0)
    response = client.post(CREATE, form_data(**values, deliver="on", action="postpone"))
    assert response.status_code == 302
    draft = InteractionLogEntry.objects.get()
    assert (draft.postponed, draft.delivery_status) == (True, "")
    assert requests_made == []
    # Resuming and finishing it delivers it (the dialog proposes Deliver for its Email).
    resume = reverse("interactions:interaction-resume", args=[draft.entry_no])
    assert checked(client.get(resume).content.decode(), "deliver") is True
    values.update(salesperson="MV", language="EN", description="Newsletter")
    response = client.post(resume, form_data(**values, deliver="on"))
    assert response.status_code == 302
    assert [call["entry_nos"] for call in requests_made] == [[draft.entry_no]]


def test_dialog_in_dutch(w, client_for) -> None:
    user_update_preferences(user=w.mila, language="nl")
    try:
        page = client_for(w.mila).get(
            CREATE + "?contact_no=P1&template_code=NEWS", HTTP_ACCEPT_LANGUAGE="nl"
        )
        text = page.content.decode()
        assert "Bezorgen" in text
        assert "De e-mail verzenden of de brief afdrukken" in text
    finally:
        translation.activate("en")
