"""What a file may be (sniffed from its bytes), the upload limit, the e-mail's text part,
registered validators, and the read-only rule."""

from __future__ import annotations

import pytest

from rapport.attachments import hooks, services
from rapport.attachments.models import Attachment
from rapport.attachments.tests.conftest import EXE, PNG, stored_files
from rapport.core.errors import ConflictError, ValidationFailed

pytestmark = pytest.mark.django_db

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def refused(**kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as info:
        services.attachment_create(**kwargs)
    return info.value.errors


def test_a_real_docx_is_a_word_letter(disk, docx) -> None:
    letter = services.attachment_create(kind="word", file_name="Letter.DOCX", content=docx)
    assert (letter.content_type, letter.file_size) == (DOCX_TYPE, len(docx))
    assert services.attachment_content(letter) == docx


@pytest.mark.parametrize("kind", ["word", "file"])
def test_an_exe_renamed_docx_is_refused_and_nothing_is_written(disk, kind) -> None:
    errors = refused(kind=kind, file_name="letter.docx", content=EXE)
    assert errors["content"] == ["Programs and scripts cannot be stored as attachments."]
    assert not Attachment.objects.exists()
    assert stored_files(disk) == []


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 60, "report.pdf"),  # Linux program
        (b"\xcf\xfa\xed\xfe" + b"\x00" * 60, "notes.txt"),  # Mach-O program
        (b"#!/bin/sh\nrm -rf /\n", "notes.txt"),  # a script
        (b"plain text", "setup.exe"),  # a program's name
        (b"echo hi", "run.bat"),
    ],
)
def test_programs_and_scripts_are_refused(disk, content, name) -> None:
    errors = refused(kind="file", file_name=name, content=content)
    assert errors == {"content": ["Programs and scripts cannot be stored as attachments."]}
    assert stored_files(disk) == []


def test_a_word_letter_must_be_a_docx(docx) -> None:
    errors = refused(kind="word", file_name="letter.docx", content=b"PK\x03\x04 not a zip")
    assert errors["content"] == [
        "A Word letter must be a Word document (.docx); this file is not one "
        "(save it as .docx in Word first)."
    ]
    assert refused(kind="word", file_name="letter.doc", content=docx) == {
        "file_name": ["A Word letter's file name must end in .docx."]
    }


def test_the_name_must_agree_with_the_sniffed_type() -> None:
    assert refused(kind="file", file_name="logo.txt", content=PNG) == {
        "file_name": [
            "The file is of type image/png (.png), but its name 'logo.txt' does not end in .png."
        ]
    }
    assert refused(kind="file", file_name="logo", content=PNG)
    assert services.attachment_create(kind="file", file_name="logo.PNG", content=PNG)


def test_an_unknown_type_takes_the_type_of_its_name() -> None:
    text = services.attachment_create(kind="file", file_name="notes.txt", content=b"hello")
    blob = services.attachment_create(kind="file", file_name="data.qqq", content=b"\x01\x02")
    assert (text.content_type, blob.content_type) == ("text/plain", "application/octet-stream")


def test_too_big_is_refused_naming_the_limit_and_nothing_is_written(disk, settings) -> None:
    settings.RAPPORT_MAX_ATTACHMENT_BYTES = 3 * 1024 * 1024
    errors = refused(kind="file", file_name="big.bin", content=b"\x01" * (3 * 1024 * 1024 + 1))
    assert errors == {
        "content": [
            "The file is 3.0\xa0MB; an attachment can be at most 3.0\xa0MB "
            "(RAPPORT_MAX_ATTACHMENT_MB)."
        ]
    }
    assert stored_files(disk) == []
    assert not Attachment.objects.exists()


def test_the_limit_comes_from_the_environment_setting() -> None:
    from django.conf import settings

    assert settings.RAPPORT_MAX_ATTACHMENT_BYTES == 25 * 1024 * 1024


def test_the_text_part_is_derived_from_the_html_unless_written_by_hand() -> None:
    mail = services.attachment_create(
        kind="email",
        subject="News",
        body_html="<h1>News</h1><p>Dear reader,<br>hello.</p><script>x()</script>",
        body_text="ignored",
    )
    assert mail.body_text == "News\n\nDear reader,\nhello."
    assert mail.content_type == "text/html"
    assert mail.file_size == len(mail.body_html.encode())
    services.attachment_update(attachment=mail, body_html="<p>Changed</p>")
    assert mail.body_text == "Changed"
    services.attachment_update(attachment=mail, body_text="By hand", body_text_manual=True)
    services.attachment_update(attachment=mail, body_html="<p>Again</p>")
    assert (mail.body_text, mail.body_text_manual) == ("By hand", True)


def test_an_html_letter_holds_html_only() -> None:
    letter = services.attachment_create(kind="pdf", body_html="<p>Dear {{ salutation }}</p>")
    assert (letter.body_text, letter.content_type) == ("", "text/html")
    assert refused(kind="pdf", body_html="<p>x</p>", body_text="x") == {
        "body_text": ["Only an e-mail has a text part."]
    }


def test_registered_validators_are_called_on_create_and_update(monkeypatch) -> None:
    seen = []

    def no_bad_word(kind, values, errors):
        seen.append(kind)
        if "{{ bad" in values["body_html"]:
            errors.add("body_html", "Line 1: unknown field bad.")

    monkeypatch.setattr(hooks, "_validators", {})
    hooks.register_content_validator("merge", no_bad_word)
    assert refused(kind="email", body_html="<p>{{ bad }}</p>") == {
        "body_html": ["Line 1: unknown field bad."]
    }
    mail = services.attachment_create(kind="email", body_html="<p>fine</p>")
    with pytest.raises(ValidationFailed):
        services.attachment_update(attachment=mail, body_html="{{ bad }}")
    mail.refresh_from_db()
    assert mail.body_html == "<p>fine</p>"
    assert seen == ["email", "email", "email"]


def test_read_only_cannot_be_changed_replaced_or_deleted(disk, docx) -> None:
    letter = services.attachment_create(
        kind="word", file_name="letter.docx", content=docx, read_only=True
    )
    for change in ({"content": docx}, {"file_name": "other.docx"}, {"read_only": False}):
        with pytest.raises(ConflictError) as info:
            services.attachment_update(attachment=letter, **change)
        assert info.value.code == "read_only"
        assert info.value.message == (
            f"Attachment {letter.no} is read-only: a logged interaction uses it, "
            "so it cannot be changed."
        )
    with pytest.raises(ConflictError) as info:
        services.attachment_delete(attachment=letter)
    assert info.value.message.endswith("so it cannot be deleted.")
    assert Attachment.objects.filter(pk=letter.pk, file_name="letter.docx").exists()
    # Nothing refers to it any more: releasing it removes it.
    assert services.attachment_release(letter) is True
