"""Campaign entries pages: the list with filters (reached from the campaign card), the entry
card with its interactions, Cancel / Uncancel, and Delete canceled campaign entries (the count
first, then the deletion), with the role rules of the interaction log."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import translation

from rapport.campaigns.models import CampaignEntry
from rapport.campaigns.services import campaign_create
from rapport.core.services import user_update_preferences
from rapport.interactions import services
from rapport.interactions.models import InteractionLogEntry

from .conftest import log_snapshot

pytestmark = pytest.mark.django_db

WORK_DATE = datetime.date(2026, 3, 16)
LIST = "/interactions/campaign-entries/"
DELETE = "/interactions/campaign-entries/delete-canceled/"


@pytest.fixture
def w(world):
    for user in (world.admin, world.mila, world.sven, world.reader):
        user_update_preferences(user=user, work_date=WORK_DATE)
    return world


def log(w, **kwargs):
    kwargs.setdefault("actor", w.admin)
    kwargs.setdefault("contact", w.p1)
    kwargs.setdefault("template", w.news)
    return services.interaction_create(**kwargs)


def card(entry_no: int) -> str:
    return f"{LIST}{entry_no}/"


def list_rows(response) -> list[int]:
    assert response.status_code == 200
    return [row["object"].entry_no for row in response.context["rows"]]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_campaign_card_opens_the_list_filtered_on_the_campaign(w, client_for) -> None:
    log(w)
    campaign_create(no="CP2", description="Autumn")
    log(w, campaign="CP2")
    client = client_for(w.reader)
    content = client.get("/campaigns/CP2/").content.decode()
    assert f'href="{LIST}?campaign_no=CP2"' in content
    assert f'href="{card(2)}"' in content  # the entry numbers link to the entry card
    assert list_rows(client.get(LIST)) == [2, 1]
    response = client.get(LIST, {"campaign_no": "cp2"})
    assert list_rows(response) == [2]
    assert response.context["campaign_url"] == "/campaigns/CP2/"
    services.campaign_entry_cancel(actor=w.admin, entry=CampaignEntry.objects.get(entry_no=1))
    assert list_rows(client.get(LIST, {"canceled": "true"})) == [1]
    assert list_rows(client.get(LIST, {"canceled": "false"})) == [2]
    # Read-only: no Delete canceled button.
    assert DELETE not in client.get(LIST).content.decode()


def test_entry_card_lists_its_interactions_and_offers_cancel(w, client_for) -> None:
    first = log(w)
    content_of = client_for(w.admin).get(card(1))
    assert content_of.status_code == 200
    content = content_of.content.decode()
    assert re.findall(r'<tr data-entry="(\d+)"', content) == [str(first.entry_no)]
    assert f'href="/interactions/{first.entry_no}/"' in content
    assert 'action="/interactions/campaign-entries/1/cancel/"' in content
    assert "Cancel campaign entry 1 and its 1 interaction?" in content
    assert client_for(w.admin).get(card(99)).status_code == 404
    # Read-only sees the card without actions.
    content = client_for(w.reader).get(card(1)).content.decode()
    assert "/cancel/" not in content


def test_cancel_and_uncancel_from_the_card(w, client_for) -> None:
    entry = log(w)
    client = client_for(w.mila)
    response = client.post(card(1) + "cancel/", follow=True)
    assert response.redirect_chain[-1][0] == card(1)
    assert "Campaign entry 1 and its interactions are canceled." in messages_of(response)
    entry.refresh_from_db()
    assert entry.canceled is True
    assert 'action="/interactions/campaign-entries/1/uncancel/"' in response.content.decode()
    response = client.post(card(1) + "uncancel/", follow=True)
    assert "Campaign entry 1 and its interactions are no longer canceled." in messages_of(response)
    entry.refresh_from_db()
    assert entry.canceled is False
    assert client.get(card(1) + "cancel/").status_code == 405


def test_read_only_and_other_salespeople_cannot_change(w, client_for) -> None:
    log(w, salesperson=w.mv)
    before = log_snapshot()
    assert client_for(w.reader).post(card(1) + "cancel/").status_code == 403
    assert client_for(w.reader).get(DELETE).status_code == 403
    response = client_for(w.sven).post(card(1) + "cancel/", follow=True)
    assert any("another salesperson" in message for message in messages_of(response))
    assert "/cancel/" not in client_for(w.sven).get(card(1)).content.decode()
    assert log_snapshot() == before


def test_delete_canceled_counts_first_then_deletes(w, client_for) -> None:
    gone = log(w)
    kept = log(w)
    campaign_create(no="CP2", description="Autumn")
    other = log(w, campaign="CP2")
    for entry in (gone, other):
        services.campaign_entry_cancel(actor=w.admin, entry=entry.campaign_entry)
    client = client_for(w.admin)
    response = client.get(DELETE)
    assert response.context["count"] == 2
    response = client.get(DELETE, {"campaign_no": "cp1"})
    assert response.context["count"] == 1
    content = response.content.decode()
    assert "1 canceled campaign entry matches; it will be deleted with its interactions." in content
    before = log_snapshot()
    response = client.post(DELETE, {"campaign_no": "CP1", "preview": "1"})
    assert response.context["count"] == 1
    signature = response.context["signature"]
    assert log_snapshot() == before  # a preview deletes nothing
    response = client.post(
        DELETE, {"campaign_no": "CP1", "confirm": "1", "previewed": signature}, follow=True
    )
    assert response.redirect_chain[0][0] == f"{LIST}?campaign_no=CP1"
    assert "1 campaign entry has been deleted." in messages_of(response)
    assert sorted(CampaignEntry.objects.values_list("entry_no", flat=True)) == [
        kept.campaign_entry.entry_no,
        other.campaign_entry.entry_no,
    ]
    assert sorted(InteractionLogEntry.objects.values_list("pk", flat=True)) == [kept.pk, other.pk]


def test_delete_canceled_with_changed_filters_previews_again(w, client_for) -> None:
    services.campaign_entry_cancel(actor=w.admin, entry=log(w).campaign_entry)
    before = log_snapshot()
    response = client_for(w.admin).post(
        DELETE, {"campaign_no": "", "confirm": "1", "previewed": "campaign_no=CP1"}
    )
    assert response.status_code == 200
    assert response.context["count"] == 1
    assert log_snapshot() == before


def test_pages_speak_dutch(w, client_for) -> None:
    log(w)
    services.campaign_entry_cancel(actor=w.admin, entry=CampaignEntry.objects.get())
    user_update_preferences(user=w.admin, language="nl")
    client = client_for(w.admin)
    try:
        content = client.get(LIST, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        assert "Campagneposten" in content
        assert "Geannuleerde campagneposten verwijderen" in content
        content = client.get(card(1), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        assert "Campagnepost 1" in content
        assert "Annulering ongedaan maken" in content or "Annuleren ongedaan" in content
        content = client.get(DELETE, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        assert "Geannuleerde campagneposten verwijderen" in content
        assert "1 geannuleerde campagnepost" in content
    finally:
        translation.activate("en")


def test_list_and_card_queries_do_not_grow_with_the_rows(w, client_for) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    log(w)
    client = client_for(w.reader)

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries.captured_queries)

    list_one, card_one = count(LIST), count(card(1))
    entry = CampaignEntry.objects.get()
    for _ in range(4):
        log(w)
        other = log(w)
        InteractionLogEntry.objects.filter(pk=other.pk).update(campaign_entry=entry)
    assert count(LIST) == list_one
    assert count(card(1)) == card_one


def test_htmx_refresh_of_the_list_answers_the_table_only(w, client_for) -> None:
    """The search and filter panel refreshes `#object-table` with htmx: the list answers the
    table of the page framework's list template, not a missing partial (a 500)."""
    log(w)
    campaign_create(no="CP2", description="Autumn")
    log(w, campaign="CP2")
    client = client_for(w.admin)
    assert "Delete canceled campaign entries" in client.get(LIST).content.decode()
    response = client.get(
        f"{LIST}?campaign_no=CP2", headers={"HX-Request": "true", "HX-Target": "object-table"}
    )
    assert list_rows(response) == [CampaignEntry.objects.get(campaign__no="CP2").entry_no]
    content = response.content.decode()
    assert "<table" in content
    assert "<html" not in content
    assert "Delete canceled campaign entries" not in content  # the page's toolbar is not in it
