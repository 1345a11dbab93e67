"""Delivery on the pages: the logged segment's and the interaction's panel (counts, the
progress bar that polls until finished, the no-worker notice, failed entries with reasons,
resend, letters), in English and Dutch; the Role Center tile "Failed deliveries"."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse

from rapport.core import cards
from rapport.delivery.models import OutboxMessage, WorkerHeartbeat
from rapport.delivery.services import delivery_requested
from rapport.delivery.tests.outbox_data import log_entries, outbox_world
from rapport.interactions.models import InteractionLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user: Any) -> Any:
    return outbox_world(admin_user)


def _logged(entry_no: int) -> Any:
    from rapport.segments.models import LoggedSegment

    return LoggedSegment.objects.create(
        entry_no=entry_no,
        segment_no="S1",
        description="Mailing",
        creation_date=datetime.date(2026, 3, 1),
    )


def _set(entry_nos: list[int], state: str, error: str = "") -> None:
    OutboxMessage.objects.filter(entry__entry_no__in=entry_nos).update(state=state, error=error)
    status = {"queued": "pending"}.get(state, state)
    InteractionLogEntry.objects.filter(entry_no__in=entry_nos).update(
        delivery_status=status, delivery_error=error
    )


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _count(html: str, name: str) -> str:
    found = re.search(rf'data-count="{name}">(\d+)<', html)
    assert found, name
    return found.group(1)


@pytest.fixture
def segment(world: Any) -> Any:
    """Logged segment 5 with four e-mail entries: one delivered, one failed, two queued."""
    _logged(5)
    nos = log_entries(world, 4, logged_segment_entry_no=5)
    delivery_requested(actor=world.user, logged_segment_entry_no=5)
    _set(nos[:1], "delivered")
    _set(nos[1:2], "failed", "550 5.1.1 Mailbox unknown")
    return nos


def test_the_panel_polls_every_second_while_sending_and_says_when_no_worker_runs(
    segment: list[int], client_for: Any, marketing_user: Any
):
    page = client_for(marketing_user).get("/logged-segments/5/delivery/")

    html = page.content.decode()
    assert page.status_code == 200
    assert [_count(html, name) for name in ("pending", "sending", "delivered", "failed")] == [
        "2",
        "0",
        "1",
        "1",
    ]
    assert "2 of 4 sent" in _text(html)
    assert 'hx-get="/logged-segments/5/delivery/" hx-trigger="every 1s"' in html
    assert 'aria-valuenow="2"' in html and 'aria-valuemax="4"' in html
    assert "Delivery is queued. Start the worker with rapport worker" in _text(html)
    assert "<script" not in html
    # While sending, the failed entries (and their checkboxes) wait for the end: no focus lost.
    assert 'data-testid="failed-entries"' not in html


def test_a_running_worker_hides_the_notice(segment: list[int], client_for: Any, admin_user: Any):
    WorkerHeartbeat.objects.create(worker_id="w1")

    html = client_for(admin_user).get("/logged-segments/5/delivery/").content.decode()

    assert "Start the worker" not in html


def test_when_finished_it_stops_polling_and_lists_the_failed_with_their_reasons(
    segment: list[int], client_for: Any, marketing_user: Any, read_only_user: Any
):
    _set(segment[2:], "delivered")

    html = client_for(marketing_user).get("/logged-segments/5/delivery/").content.decode()
    read_only = client_for(read_only_user).get("/logged-segments/5/delivery/").content.decode()

    assert "hx-trigger" not in html
    assert 'data-finished="true"' in html
    assert "4 of 4 sent" in _text(html)
    row = re.search(rf'<tr data-entry="{segment[1]}">.*?</tr>', html, re.S)
    assert row is not None
    assert "550 5.1.1 Mailbox unknown" in row.group(0)
    assert f'name="entry_no" value="{segment[1]}"' in row.group(0)
    assert 'data-testid="resend-failed"' in html
    assert 'data-testid="resend-failed"' not in read_only
    assert 'name="entry_no"' not in read_only
    assert "550 5.1.1 Mailbox unknown" in read_only


def test_the_panel_in_dutch(segment: list[int], client_for: Any, make_user: Any):
    dutch = make_user(role="marketing", username="nl-marketing", language="nl")

    text = _text(client_for(dutch).get("/logged-segments/5/delivery/").content.decode())

    assert "Leveringsstatus" in text
    assert "2 van 4 verzonden" in text
    assert "In behandeling" in text and "Afgeleverd" in text and "Mislukt" in text
    assert "De levering staat in de wachtrij." in text


def test_the_panels_are_registered_on_the_logged_segment_and_interaction_cards(
    segment: list[int], marketing_user: Any
):
    from rapport.segments.models import LoggedSegment

    request = RequestFactory().get("/")
    request.user = marketing_user

    logged = cards.card_panels("logged_segment", request, LoggedSegment.objects.get(entry_no=5))
    entry = cards.card_panels(
        "interaction", request, InteractionLogEntry.objects.get(entry_no=segment[1])
    )

    assert logged["card_panels"]["top"][0]["template"] == "delivery/cards/logged_segment.html"
    assert logged["delivery_panel"]["progress"]["sent"] == 2
    assert entry["delivery_panel"]["status"] == "failed"
    assert entry["delivery_panel"]["can_resend"] is True


def test_nothing_shows_for_an_undelivered_logged_segment(world: Any, admin_client: Any):
    _logged(6)

    page = admin_client.get("/logged-segments/6/delivery/")

    assert page.status_code == 200
    assert page.content.decode().strip() == ""


def test_resend_from_the_page_all_failed_or_the_selected(
    segment: list[int], client_for: Any, marketing_user: Any, read_only_user: Any
):
    _set(segment[2:3], "failed", "550 refused")
    _set(segment[3:], "delivered")
    client = client_for(marketing_user)

    refused = client_for(read_only_user).post("/logged-segments/5/delivery/resend/")
    chosen = client.post(
        "/logged-segments/5/delivery/resend/", {"entry_no": [segment[2]]}, follow=True
    )

    assert refused.status_code == 403
    card = reverse("segments:logged-segment-detail", args=[5])
    assert chosen.redirect_chain == [(f"{card}#delivery", 302)]
    assert "1 failed message is queued to be sent again." in _text(chosen.content.decode())
    states = dict(
        OutboxMessage.objects.filter(entry__entry_no__in=segment).values_list(
            "entry__entry_no", "state"
        )
    )
    assert [states[no] for no in segment] == ["delivered", "failed", "queued", "delivered"]
    client.post("/logged-segments/5/delivery/resend/")
    assert OutboxMessage.objects.filter(entry__entry_no=segment[1]).get().state == "queued"


def test_the_interaction_panel_shows_status_error_and_resend(
    segment: list[int], client_for: Any, marketing_user: Any
):
    client = client_for(marketing_user)

    failed = client.get(f"/interactions/{segment[1]}/delivery/").content.decode()
    pending = client.get(f"/interactions/{segment[2]}/delivery/").content.decode()

    assert 'data-status="failed"' in failed and "hx-trigger" not in failed
    assert "550 5.1.1 Mailbox unknown" in failed
    assert 'data-testid="resend"' in failed
    assert 'hx-trigger="every 1s"' in pending and 'data-testid="resend"' not in pending
    answer = client.post(f"/interactions/{segment[1]}/delivery/resend/")
    assert answer.status_code == 302
    assert answer["Location"].endswith(f"/interactions/{segment[1]}/#delivery")
    assert OutboxMessage.objects.get(entry__entry_no=segment[1]).state == "queued"


def test_the_failed_deliveries_tile_counts_and_links_to_the_filtered_log(
    segment: list[int], admin_client: Any
):
    tiles = {tile["label"]: tile for tile in admin_client.get("/").context["tiles"]}

    assert tiles["Failed deliveries"]["count"] == 1
    assert tiles["Failed deliveries"]["url"] == "/interactions/?delivery_status=failed"


def test_download_letters_from_the_page_or_back_to_the_card_with_the_reason(
    world: Any, client_for: Any, read_only_user: Any
):
    from pypdf import PdfReader

    from rapport.attachments.services import attachment_create
    from rapport.delivery.letters import letters_build

    _logged(8)
    letter = attachment_create(
        kind="pdf", body_html="<p>Dear {{ contact.name }}</p>", read_only=True
    )
    nos = log_entries(world, 2, correspondence_type="hard_copy", logged_segment_entry_no=8)
    InteractionLogEntry.objects.filter(entry_no__in=nos).update(attachment=letter)
    delivery = delivery_requested(actor=world.user, logged_segment_entry_no=8)
    client = client_for(read_only_user)  # reading: any signed-in user

    waiting = client.get("/logged-segments/8/delivery/letters/", follow=True)
    letters_build(delivery)
    _set(nos, "delivered")
    panel = client.get("/logged-segments/8/delivery/").content.decode()
    pdf = client.get("/logged-segments/8/delivery/letters/?format=pdf")
    no_word = client.get("/logged-segments/8/delivery/letters/?format=docx", follow=True)

    assert "The letters are not printed yet; follow the job." in _text(waiting.content.decode())
    assert 'href="/logged-segments/8/delivery/letters/?format=pdf"' in panel
    assert "?format=docx" not in panel
    assert pdf["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(pdf.content)).pages
    assert [page.extract_text() for page in pages] == ["Dear Company 1", "Dear Company 2"]
    assert no_word.redirect_chain[-1][0].endswith("/logged-segments/8/")
    assert "Logged segment 8 has no Word letters." in _text(no_word.content.decode())


def test_the_cards_show_the_delivery_panels_in_english_and_dutch(
    segment: list[int], client_for: Any, marketing_user: Any, make_user: Any
):
    dutch = make_user(role="marketing", username="nl-cards", language="nl")

    logged = client_for(marketing_user).get(reverse("segments:logged-segment-detail", args=[5]))
    entry = client_for(dutch).get(reverse("interactions:entry-detail", args=[segment[1]]))

    assert logged.status_code == 200
    html = logged.content.decode()
    assert 'data-testid="delivery-panel"' in html
    assert 'hx-get="/logged-segments/5/delivery/" hx-trigger="every 1s"' in html
    assert "2 of 4 sent" in _text(html)
    text = _text(entry.content.decode())
    assert entry.status_code == 200
    assert "Leveringsstatus" in text
    assert "550 5.1.1 Mailbox unknown" in text
    assert "Opnieuw verzenden" in text
