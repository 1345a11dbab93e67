"""The attachment pages: card (preview), editor, import, export and delete, in English and
Dutch; the user's HTML only ever shows inside a sandboxed frame."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rapport.attachments import hooks, services
from rapport.attachments.models import Attachment
from rapport.attachments.tests.conftest import PNG

pytestmark = pytest.mark.django_db

EVIL = '<p onclick="x()">Hi &amp; bye</p><script>alert("owned")</script>'


def url(name: str, attachment: Attachment) -> str:
    return reverse(f"attachments:attachment-{name}", args=[attachment.no])


def dutch(client_for, user):
    user.language = "nl"
    user.save()
    return client_for(user)


def test_email_card_previews_in_a_sandboxed_frame(admin_client) -> None:
    mail = services.attachment_create(kind="email", subject="Welcome", body_html=EVIL)
    response = admin_client.get(url("detail", mail))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<script>alert("owned")</script>' not in page
    assert 'onclick="x()"' not in page
    assert 'sandbox="" referrerpolicy="no-referrer"' in page
    assert f'src="{url("body", mail)}"' in page
    assert "srcdoc" not in page and "style=" not in page
    # The frame's page: the HTML as written, under its own policy (no script, inline styles).
    body = admin_client.get(url("body", mail))
    assert body.status_code == 200
    assert body.content.decode() == EVIL
    assert body["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
        "form-action 'none'; base-uri 'none'; frame-ancestors 'self'; sandbox"
    )
    assert body["X-Frame-Options"] == "SAMEORIGIN"
    assert "Hi &amp; bye" in page  # the text part, escaped
    assert 'data-field="preview-subject">Welcome<' in page
    for name in ("edit", "import", "content", "delete"):
        assert f'href="{url(name, mail)}"' in page


def test_file_card_shows_name_type_size_and_download(admin_client) -> None:
    logo = services.attachment_create(kind="file", file_name="logo.png", content=PNG)
    page = admin_client.get(url("detail", logo)).content.decode()
    assert "image/png" in page
    assert f"{len(PNG)}\xa0bytes" in page
    assert f'href="{url("content", logo)}"' in page
    assert f'href="{url("edit", logo)}"' not in page  # no editor for a file
    assert admin_client.get(url("edit", logo)).status_code == 404


def test_dutch_card_and_editor(client_for, admin_user) -> None:
    mail = services.attachment_create(kind="email", subject="Welkom", body_html="<p>Hoi</p>")
    client = dutch(client_for, admin_user)
    page = client.get(url("detail", mail)).content.decode()
    assert "Voorbeeld" in page
    assert "Tekstgedeelte" in page
    assert "Importeren" in page and "Exporteren" in page
    page = client.get(url("edit", mail)).content.decode()
    assert "Tekstgedeelte met de hand schrijven" in page
    letter = services.attachment_create(kind="pdf", body_html="<p>Brief</p>")
    assert "Brief (HTML, afgedrukt als PDF)" in client.get(url("detail", letter)).content.decode()


def test_read_only_card_offers_open_and_export_only(admin_client) -> None:
    mail = services.attachment_create(kind="email", subject="Logged", read_only=True)
    page = admin_client.get(url("detail", mail)).content.decode()
    assert "cannot be changed, replaced or deleted" in page
    assert f'href="{url("content", mail)}"' in page
    for name in ("edit", "import", "delete"):
        assert f'href="{url(name, mail)}"' not in page
    response = admin_client.post(url("edit", mail), {"body_html": "<p>x</p>"})
    assert "is read-only" in response.content.decode()
    assert Attachment.objects.get(pk=mail.pk).body_html == ""


def test_editor_saves_and_shows_the_registered_panels(admin_client, monkeypatch) -> None:
    monkeypatch.setattr(hooks, "_panels", {})
    hooks.register_editor_panel(
        "fields", lambda request, attachment, kind: f"<p id='merge-fields'>Fields for {kind}</p>"
    )
    mail = services.attachment_create(kind="email", subject="Old")
    page = admin_client.get(url("edit", mail)).content.decode()
    assert "<p id='merge-fields'>Fields for email</p>" in page
    response = admin_client.post(
        url("edit", mail),
        {"subject": "New", "body_html": "<p>Hello</p>", "body_text": "", "next": "/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    mail.refresh_from_db()
    assert (mail.subject, mail.body_html, mail.body_text) == ("New", "<p>Hello</p>", "Hello")
    admin_client.post(
        url("edit", mail),
        {"subject": "New", "body_html": "<p>Hello</p>", "body_text_manual": "on",
         "body_text": "Typed"},
    )  # fmt: skip
    mail.refresh_from_db()
    assert (mail.body_text, mail.body_text_manual) == ("Typed", True)


def test_import_replaces_the_file_and_export_downloads_it(admin_client) -> None:
    attachment = services.attachment_create(kind="file", file_name="a.txt", content=b"old")
    response = admin_client.post(
        url("import", attachment), {"file": SimpleUploadedFile("logo.png", PNG)}
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    download = admin_client.get(url("content", attachment))
    assert download.content == PNG
    assert download["Content-Disposition"] == 'attachment; filename="logo.png"'
    refused = admin_client.post(
        url("import", attachment), {"file": SimpleUploadedFile("logo.txt", PNG)}
    )
    assert "does not end in .png" in refused.content.decode()
    mail = services.attachment_create(kind="email", subject="x")
    admin_client.post(
        url("import", mail), {"file": SimpleUploadedFile("mail.html", b"<p>Imported</p>")}
    )
    assert Attachment.objects.get(pk=mail.pk).body_html == "<p>Imported</p>"


def test_delete_asks_then_deletes(admin_client) -> None:
    mail = services.attachment_create(kind="email", subject="Bye")
    page = admin_client.get(url("delete", mail)).content.decode()
    assert "Delete attachment" in page
    response = admin_client.post(url("delete", mail), {"next": "/setup/"})
    assert (response.status_code, response["Location"]) == (302, "/setup/")
    assert not Attachment.objects.filter(pk=mail.pk).exists()
    assert admin_client.get(url("detail", mail)).status_code == 404


def test_roles(client_for, read_only_user) -> None:
    mail = services.attachment_create(kind="email", subject="Hi")
    reader = client_for(read_only_user)
    assert reader.get(url("detail", mail)).status_code == 200
    assert reader.get(url("content", mail)).status_code == 200
    for name in ("edit", "import", "delete"):
        assert reader.get(url(name, mail)).status_code == 403
    assert reader.post(url("delete", mail)).status_code == 403
    assert Attachment.objects.filter(pk=mail.pk).exists()


def test_editor_opens_with_what_is_stored(admin_client) -> None:
    """Saving the editor unchanged keeps the e-mail: it opens with the stored subject, HTML
    and hand-written text (the view always passes `initial`, which once hid them)."""
    mail = services.attachment_create(
        kind="email",
        subject="Offer & more",
        body_html="<p>Dear {{ contact.name }}</p>",
        body_text="Typed by hand",
        body_text_manual=True,
    )
    response = admin_client.get(url("edit", mail))
    form = response.context["form"]
    assert (form["subject"].value(), form["body_html"].value(), form["body_text"].value()) == (
        "Offer & more",
        "<p>Dear {{ contact.name }}</p>",
        "Typed by hand",
    )
    assert form["body_text_manual"].value() is True
    page = response.content.decode()
    assert 'value="Offer &amp; more"' in page
    assert "&lt;p&gt;Dear {{ contact.name }}&lt;/p&gt;</textarea>" in page
