"""The delivery API: resend (an interaction, a logged segment, a selection) and the letters
(PDF, Word zip; 409 while printing, 404 without hard copies)."""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

import pytest
from pypdf import PdfReader

from rapport.attachments.services import attachment_create
from rapport.delivery.letters import letters_build
from rapport.delivery.models import OutboxMessage
from rapport.delivery.services import delivery_requested
from rapport.delivery.tests.outbox_data import log_entries, outbox_world
from rapport.interactions.models import InteractionLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user: Any) -> Any:
    return outbox_world(admin_user)


def _logged(entry_no: int, segment_no: str) -> Any:
    from rapport.segments.models import LoggedSegment

    return LoggedSegment.objects.create(
        entry_no=entry_no,
        segment_no=segment_no,
        description="Mailing",
        creation_date=datetime.date(2026, 3, 1),
    )


def _set(entry_nos: list[int], state: str, error: str = "") -> None:
    OutboxMessage.objects.filter(entry__entry_no__in=entry_nos).update(state=state, error=error)
    status = {"queued": "pending", "sending": "sending"}.get(state, state)
    InteractionLogEntry.objects.filter(entry_no__in=entry_nos).update(
        delivery_status=status, delivery_error=error
    )


def _states(entry_nos: list[int]) -> list[str]:
    return list(
        OutboxMessage.objects.filter(entry__entry_no__in=entry_nos)
        .order_by("entry__entry_no")
        .values_list("state", flat=True)
    )


def test_resend_an_interaction_queues_it_when_failed_and_never_when_delivered(
    world: Any, api_client: Any, marketing_user: Any
):
    nos = log_entries(world, 2)
    delivery = delivery_requested(actor=world.user, entry_nos=nos)
    _set(nos[:1], "failed", "550 mailbox unavailable")
    _set(nos[1:], "delivered")
    client = api_client(marketing_user)

    failed = client.post(f"/api/v1/interactions/{nos[0]}/resend/")
    delivered = client.post(f"/api/v1/interactions/{nos[1]}/resend/")

    assert failed.status_code == 200, failed.json()
    assert failed.json()["queued"] == 1
    job = failed.json()["job"]
    assert (job["id"], job["kind"], job["total"], job["done"]) == (
        f"delivery-{delivery.pk}",
        "delivery",
        2,
        1,
    )
    assert "user_id" not in job
    assert delivered.json()["queued"] == 0
    assert _states(nos) == ["queued", "delivered"]


def test_resend_an_interaction_never_delivered_is_404_and_read_only_users_may_not(
    world: Any, api_client: Any, read_only_user: Any
):
    nos = log_entries(world, 1)

    never = api_client().post(f"/api/v1/interactions/{nos[0]}/resend/")
    refused = api_client(read_only_user).post(f"/api/v1/interactions/{nos[0]}/resend/")
    unknown = api_client().post("/api/v1/interactions/999999/resend/")

    assert never.status_code == 404
    assert never.json()["error"]["message"] == (
        f"Interaction {nos[0]} was not delivered, so there is nothing to resend."
    )
    assert refused.status_code == 403
    assert unknown.status_code == 404


def test_resend_a_logged_segment_all_failed_or_a_selection(world: Any, api_client: Any):
    logged = _logged(5, "S1")
    nos = log_entries(world, 4, logged_segment_entry_no=logged.entry_no)
    other = log_entries(world, 1)
    delivery_requested(actor=world.user, logged_segment_entry_no=logged.entry_no)
    _set(nos[:3], "failed", "550 refused")
    _set(nos[3:], "delivered")
    client = api_client()

    chosen = client.post(
        "/api/v1/logged-segments/5/resend/", {"entry_nos": [nos[1], nos[3]]}, format="json"
    )
    assert chosen.status_code == 200, chosen.json()
    assert chosen.json()["queued"] == 1
    assert _states(nos) == ["failed", "queued", "failed", "delivered"]

    stranger = client.post(
        "/api/v1/logged-segments/5/resend/", {"entry_nos": [nos[0], other[0]]}, format="json"
    )
    assert stranger.status_code == 400
    assert stranger.json()["error"]["fields"]["entry_nos"] == [
        f"Not interactions of logged segment 5: {other[0]}."
    ]

    everything = client.post("/api/v1/logged-segments/5/resend/")
    assert everything.json()["queued"] == 2
    assert _states(nos) == ["queued", "queued", "queued", "delivered"]
    assert client.post("/api/v1/logged-segments/5/resend/").json()["queued"] == 0


def test_letters_409_while_printing_then_the_pdf_and_the_word_zip(world: Any, api_client: Any):
    from docx import Document

    _logged(8, "S2")
    letter = attachment_create(
        kind="pdf", body_html="<p>Dear {{ contact.name }}</p>", read_only=True
    )
    document = Document()
    document.add_paragraph("Hello {{ contact.name }}")
    out = io.BytesIO()
    document.save(out)
    word = attachment_create(
        kind="word", file_name="w.docx", content=out.getvalue(), read_only=True
    )
    nos = log_entries(world, 3, correspondence_type="hard_copy", logged_segment_entry_no=8)
    InteractionLogEntry.objects.filter(entry_no__in=nos[:2]).update(attachment=letter)
    InteractionLogEntry.objects.filter(entry_no=nos[2]).update(attachment=word)
    delivery = delivery_requested(actor=world.user, logged_segment_entry_no=8)
    client = api_client()

    waiting = client.get("/api/v1/logged-segments/8/letters/")
    assert waiting.status_code == 409
    assert waiting.json()["error"]["code"] == "letters_not_ready"
    assert waiting.json()["error"]["job"]["id"] == f"delivery-{delivery.pk}"

    letters_build(delivery)
    _set(nos, "delivered")
    pdf = client.get("/api/v1/logged-segments/8/letters/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="letters-8.pdf"'
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages]
    assert texts == ["Dear Company 1", "Dear Company 2"]
    docx = client.get("/api/v1/logged-segments/8/letters/?format=docx")
    assert docx.status_code == 200
    assert docx["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
        assert archive.namelist() == [f"{nos[2]}-Company-3.docx"]
    single = client.get(f"/api/v1/interactions/{nos[0]}/letters/")
    assert single.status_code == 200
    assert client.get("/api/v1/logged-segments/8/letters/?format=rtf").status_code == 400


def test_letters_404_without_hard_copies(world: Any, api_client: Any):
    _logged(9, "S3")
    nos = log_entries(world, 2, logged_segment_entry_no=9)
    delivery_requested(actor=world.user, logged_segment_entry_no=9)
    _logged(10, "S4")

    mail_only = api_client().get("/api/v1/logged-segments/9/letters/")
    never = api_client().get("/api/v1/logged-segments/10/letters/")
    entry = api_client().get(f"/api/v1/interactions/{nos[0]}/letters/")

    assert mail_only.status_code == 404
    assert mail_only.json()["error"]["message"] == (
        "Logged segment 9 has no hard-copy interactions."
    )
    assert never.status_code == 404
    assert entry.status_code == 404
