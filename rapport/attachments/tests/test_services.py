"""Attachments: numbering, what each kind holds, the read-only rule and reference counting."""

from __future__ import annotations

import pytest
from django.db import connection

from rapport.attachments import services
from rapport.attachments.models import Attachment
from rapport.attachments.testing import docx_bytes
from rapport.core.errors import ConflictError, ValidationFailed

pytestmark = pytest.mark.django_db


def email(**kwargs):
    kwargs.setdefault("kind", "email")
    kwargs.setdefault("subject", "Welcome")
    kwargs.setdefault("body_html", "<p>Hello</p>")
    return services.attachment_create(**kwargs)


def word(**kwargs):
    kwargs.setdefault("kind", "word")
    kwargs.setdefault("file_name", "letter.docx")
    kwargs.setdefault("content", DOCX)
    return services.attachment_create(**kwargs)


DOCX = docx_bytes("Dear {{ salutation }}")


def snapshot() -> list[tuple]:
    return list(
        Attachment.objects.order_by("no").values_list(
            "no", "kind", "file_name", "subject", "body_html", "body_text", "read_only"
        )
    )


def test_numbers_are_highest_plus_one() -> None:
    first = email()
    second = word()
    assert (first.no, second.no) == (1, 2)
    Attachment.objects.filter(no=2).update(no=41)
    assert email().no == 42
    services.attachment_delete(attachment=Attachment.objects.get(no=42))
    # SQLite: highest + 1, as NAV (a deleted last number is used again); PostgreSQL: reserved
    # from a sequence in a short step (rapport.core.entry_numbers), never given twice.
    assert word().no == (42 if connection.vendor == "sqlite" else 43)


def test_create_stores_the_values() -> None:
    attachment = word(subject="  Offer ")
    attachment.refresh_from_db()
    assert attachment.kind == "word"
    assert attachment.file_name == "letter.docx"
    assert attachment.subject == "Offer"
    assert bytes(attachment.content) == DOCX
    assert attachment.size == attachment.file_size == len(DOCX)
    assert attachment.content_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert attachment.storage_type == "embedded"
    assert attachment.read_only is False
    assert attachment.created_at == attachment.modified_at
    assert str(attachment) == f"{attachment.no} – letter.docx"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "video"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"kind": "email", "content": b"x"}, "content"),
        ({"kind": "word", "file_name": ""}, "file_name"),
        ({"kind": "pdf", "body_html": "<p>x</p>", "body_text": "x"}, "body_text"),
        ({"kind": "pdf", "file_name": "a.pdf", "content": b"%PDF-1.4"}, "content"),
        ({"kind": "word", "file_name": "a.docx", "body_html": "<p>x</p>"}, "body_html"),
        ({"kind": "file", "file_name": "a.txt", "body_text": "x"}, "body_text"),
        ({"kind": "file", "file_name": "../etc/passwd"}, "file_name"),
        ({"kind": "file", "file_name": "a\\b.txt"}, "file_name"),
        ({"kind": "file", "file_name": "x" * 251}, "file_name"),
        ({"kind": "email", "subject": "s" * 101}, "subject"),
        ({"kind": "email", "subject": "a\x00b"}, "subject"),
        ({"kind": "email", "body_html": "a\x00b"}, "body_html"),
        ({"kind": "email", "body_text": 12}, "body_text"),
        ({"kind": "file", "file_name": "a", "content": "text, not bytes"}, "content"),
        ({"kind": "email", "read_only": "yes"}, "read_only"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_stored(kwargs, field) -> None:
    with pytest.raises(ValidationFailed) as info:
        services.attachment_create(**kwargs)
    assert field in info.value.errors
    assert not Attachment.objects.exists()


def test_a_file_may_be_at_most_the_limit(settings) -> None:
    settings.RAPPORT_MAX_ATTACHMENT_BYTES = 10
    with pytest.raises(ValidationFailed) as info:
        services.attachment_create(kind="file", file_name="a.txt", content=b"x" * 11)
    assert info.value.errors["content"] == [
        "The file is 11\xa0bytes; an attachment can be at most 10\xa0bytes "
        "(RAPPORT_MAX_ATTACHMENT_MB)."
    ]
    assert not Attachment.objects.exists()
    assert services.attachment_create(kind="file", file_name="a.txt", content=b"x" * 10).size == 10


def test_update_changes_given_fields_only() -> None:
    attachment = email(body_text="plain", body_text_manual=True)
    before = attachment.modified_at
    services.attachment_update(attachment=attachment, subject="New subject")
    attachment.refresh_from_db()
    assert attachment.subject == "New subject"
    assert attachment.body_html == "<p>Hello</p>"
    assert attachment.body_text == "plain"
    assert attachment.body_text_manual is True
    assert attachment.modified_at >= before


def test_update_checks_the_kind_rules_on_the_result() -> None:
    attachment = email()
    with pytest.raises(ValidationFailed) as info:
        services.attachment_update(attachment=attachment, kind="word")
    assert set(info.value.errors) >= {"file_name", "body_html"}
    attachment.refresh_from_db()
    assert attachment.kind == "email"
    services.attachment_update(
        attachment=attachment, kind="word", file_name="a.docx", body_html="", content=DOCX
    )
    attachment.refresh_from_db()
    assert (attachment.kind, bytes(attachment.content)) == ("word", DOCX)
    assert (attachment.body_text, attachment.file_size) == ("", len(DOCX))


def test_a_read_only_attachment_cannot_be_changed_or_deleted() -> None:
    attachment = word()
    services.attachment_update(attachment=attachment, read_only=True)
    before = snapshot()
    with pytest.raises(ConflictError) as info:
        services.attachment_update(attachment=attachment, subject="Changed")
    assert info.value.status == 409
    assert "read-only" in info.value.message
    with pytest.raises(ConflictError):
        services.attachment_update(attachment=attachment, read_only=False)
    with pytest.raises(ConflictError) as info:
        services.attachment_delete(attachment=attachment)
    assert "cannot be deleted" in info.value.message
    assert snapshot() == before


def test_create_read_only() -> None:
    attachment = email(read_only=True)
    assert attachment.read_only is True


def test_delete() -> None:
    attachment = email()
    services.attachment_delete(attachment=attachment)
    assert not Attachment.objects.exists()


def test_a_number_taken_meanwhile_makes_create_try_the_next(monkeypatch) -> None:
    """Two creates at once read the same highest number; the unique number refuses the later
    insert, which then takes the next number."""
    email()
    real = Attachment.objects.aggregate
    stale = iter([{"highest": 0}])

    def aggregate(*args, **kwargs):
        return next(stale, None) or real(*args, **kwargs)

    monkeypatch.setattr(Attachment.objects, "aggregate", aggregate)
    assert email().no == 2
    assert sorted(Attachment.objects.values_list("no", flat=True)) == [1, 2]


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"kind": "email", "file_name": 12}, "file_name", "File name must be text."),
        (
            {"kind": "file", "file_name": "x" * 251},
            "file_name",
            "File name can have at most 250 characters.",
        ),
        (
            {"kind": "email", "subject": "a\x07b"},
            "subject",
            "Subject may not contain control characters.",
        ),
        ({"kind": "email", "body_text": 12}, "body_text", "Text body must be text."),
        ({"kind": "email", "body_html": "a\x00b"}, "body_html", "Null characters are not allowed."),
        ({"kind": "email", "read_only": "yes"}, "read_only", "Read only must be true or false."),
    ],
)
def test_each_refusal_names_its_field(kwargs, field, message) -> None:
    """The shared cleaners (`rapport.core.cleaners`) name the field in their messages."""
    with pytest.raises(ValidationFailed) as info:
        services.attachment_create(**kwargs)
    assert info.value.errors[field] == [message]


def test_a_too_long_body_names_its_limit(monkeypatch) -> None:
    monkeypatch.setattr("rapport.attachments.services.cleaning.MAX_BODY_LENGTH", 1000)
    with pytest.raises(ValidationFailed) as info:
        email(body_html="x" * 1001)
    assert info.value.errors["body_html"] == ["HTML body can have at most 1,000 characters."]
