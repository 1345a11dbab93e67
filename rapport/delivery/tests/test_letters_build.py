"""letters_build: a delivery's hard-copy entries become one PDF (a page per contact, with the
contact's name) and a zip of merged Word letters, stored on the Delivery; a plain file fails
its entry with the reason."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from docx import Document
from pypdf import PdfReader

from rapport.attachments.models import Attachment
from rapport.attachments.services import attachment_content, attachment_create
from rapport.contacts.models import Contact
from rapport.delivery.letters import letters_build
from rapport.delivery.models import OutboxMessage
from rapport.delivery.services import delivery_requested
from rapport.delivery.tests.outbox_data import log_entries, outbox_world
from rapport.interactions.models import InteractionLogEntry

pytestmark = pytest.mark.django_db


def _docx(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def world(admin_user: Any) -> Any:
    return outbox_world(admin_user)


def _attach(entry_nos: list[int], attachment: Any) -> None:
    InteractionLogEntry.objects.filter(entry_no__in=entry_nos).update(attachment=attachment)


def _pdf_texts(attachment: Any) -> list[str]:
    return [
        page.extract_text() for page in PdfReader(io.BytesIO(attachment_content(attachment))).pages
    ]


def test_hard_copies_become_one_pdf_page_per_contact_and_a_zip_of_word_letters(world: Any):
    letter = attachment_create(
        kind="pdf",
        body_html="<html><body><h1>Dear {{ contact.name }}</h1><p>Our offer.</p></body></html>",
        read_only=True,
    )
    word = attachment_create(
        kind="word",
        file_name="offer.docx",
        content=_docx("Dear {{ contact.name }}, our Word offer."),
        read_only=True,
    )
    loose = attachment_create(kind="file", file_name="price.csv", content=b"a;b\n", read_only=True)
    nos = log_entries(world, 6, correspondence_type="hard_copy", logged_segment_entry_no=7)
    _attach(nos[:3], letter)  # C1, C2, C3
    _attach(nos[3:4], world.mail)  # an e-mail body printed: C1
    _attach(nos[4:5], word)  # C2
    _attach(nos[5:], loose)  # C3: a plain file cannot be merged
    delivery = delivery_requested(actor=world.user, logged_segment_entry_no=7)

    printed = letters_build(delivery)

    assert printed == nos[:5]
    delivery.refresh_from_db()
    assert _pdf_texts(delivery.letters_pdf) == [
        "Dear Company 1\nOur offer.",
        "Dear Company 2\nOur offer.",
        "Dear Company 3\nOur offer.",
        "Our spring offer.",
    ]
    assert delivery.letters_pdf.read_only and delivery.letters_pdf.kind == "file"
    assert delivery.letters_pdf.file_name == "letters-7.pdf"
    with zipfile.ZipFile(io.BytesIO(attachment_content(delivery.letters_docx))) as archive:
        assert archive.namelist() == [f"{nos[4]}-Company-2.docx"]
        merged = Document(io.BytesIO(archive.read(archive.namelist()[0])))
    assert [p.text for p in merged.paragraphs] == ["Dear Company 2, our Word offer."]
    failed = OutboxMessage.objects.get(entry__entry_no=nos[5])
    assert failed.state == "failed"
    assert failed.error.startswith(f"Attachment {loose.no} is a file, which cannot be merged")
    entry = InteractionLogEntry.objects.get(entry_no=nos[5])
    assert (entry.delivery_status, entry.delivery_error) == ("failed", failed.error)


def test_e_mail_entries_are_not_printed_and_a_delivery_without_hard_copies_prints_nothing(
    world: Any,
):
    nos = log_entries(world, 2)
    delivery = delivery_requested(actor=world.user, entry_nos=nos)

    assert letters_build(delivery) == []

    delivery.refresh_from_db()
    assert (delivery.letters_pdf, delivery.letters_docx) == (None, None)


def test_an_entry_without_attachment_fails_with_the_reason(world: Any):
    nos = log_entries(world, 1, correspondence_type="hard_copy")
    _attach(nos, None)
    delivery = delivery_requested(actor=world.user, entry_nos=nos)

    assert letters_build(delivery) == []

    assert OutboxMessage.objects.get(entry__entry_no=nos[0]).error == (
        "The interaction has no attachment to print."
    )


def test_rebuilding_replaces_the_letters_and_keeps_the_printed_ones(world: Any):
    letter = attachment_create(
        kind="pdf", body_html="<p>Dear {{ contact.name }}</p>", read_only=True
    )
    nos = log_entries(world, 2, correspondence_type="hard_copy")
    _attach(nos, letter)
    delivery = delivery_requested(actor=world.user, entry_nos=nos)
    letters_build(delivery)
    delivery.refresh_from_db()
    first = delivery.letters_pdf
    OutboxMessage.objects.filter(entry__entry_no=nos[0]).update(state="delivered")
    Contact.objects.filter(pk=world.contacts[1].pk).update(name="Renamed 2")

    assert letters_build(delivery) == [nos[1]]

    delivery.refresh_from_db()
    assert delivery.letters_pdf.pk != first.pk
    assert not Attachment.objects.filter(pk=first.pk).exists()  # released: nothing uses it
    assert _pdf_texts(delivery.letters_pdf) == ["Dear Company 1", "Dear Renamed 2"]


def test_the_worker_prints_the_letters_and_marks_them_delivered_or_failed(world: Any):
    from rapport.delivery.services import delivery_progress, delivery_run

    letter = attachment_create(
        kind="pdf", body_html="<p>Dear {{ contact.name }}</p>", read_only=True
    )
    loose = attachment_create(kind="file", file_name="a.csv", content=b"a;b\n", read_only=True)
    nos = log_entries(world, 3, correspondence_type="hard_copy", logged_segment_entry_no=3)
    _attach(nos[:2], letter)
    _attach(nos[2:], loose)
    delivery = delivery_requested(actor=world.user, logged_segment_entry_no=3)

    delivery_run(delivery_id=delivery.pk, worker_id="w1")

    progress = delivery_progress(delivery)
    assert (progress["delivered"], progress["failed"], progress["done"]) == (2, 1, 3)
    statuses = dict(
        InteractionLogEntry.objects.filter(entry_no__in=nos).values_list(
            "entry_no", "delivery_status"
        )
    )
    assert [statuses[no] for no in nos] == ["delivered", "delivered", "failed"]
    assert (
        "is a file, which cannot be merged"
        in OutboxMessage.objects.get(entry__entry_no=nos[2]).error
    )
    delivery.refresh_from_db()
    assert _pdf_texts(delivery.letters_pdf) == ["Dear Company 1", "Dear Company 2"]
