"""The merge preview: `preview.attachment_preview`, `POST /api/v1/attachments/<no>/preview/`
and the page `delivery:attachment-preview`, in English and Dutch."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from rapport.attachments.services import attachment_create
from rapport.attachments.testing import docx_bytes
from rapport.core.testing import assert_error_shape
from rapport.delivery.preview import attachment_preview
from rapport.delivery.tests.test_merge_support import merge_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return merge_world()


def _url(no: int) -> str:
    return f"/api/v1/attachments/{no}/preview/"


def test_an_email_is_previewed_in_the_contacts_language(world, admin_user):
    preview = attachment_preview(
        attachment=world.mail_nl, contact_no="P2", template_code="MAIL", actor=admin_user
    )

    assert preview["subject"] == "Aanbod voor Jan"
    assert (
        '<p class="greeting" style="color: #123456;">Geachte heer/mevrouw de Vries,</p>'
        in (preview["html"])
    )
    assert preview["text"].startswith("Geachte heer/mevrouw de Vries,\n\nSmith & Sons te Utrecht, ")


def test_a_segment_line_gives_its_values(world, admin_user):
    from rapport.segments.services import segment_create, segment_line_add

    segment = segment_create(
        actor=admin_user, no="SEG1", description="Autumn", template=world.template
    )
    line = segment_line_add(actor=admin_user, segment=segment, contact=world.ann)

    preview = attachment_preview(
        attachment=attachment_create(
            kind="pdf", body_html="<p>{{ interaction.description }} for {{ contact.name }}</p>"
        ),
        contact_no="P1",
        segment_no="SEG1",
        line_no=line.line_no,
        actor=admin_user,
    )

    assert preview == {
        "subject": "",
        "html": "<p>Autumn for Ann Smith</p>",
        "text": "Autumn for Ann Smith",
    }


def test_a_word_letter_is_previewed_as_its_paragraphs(world, admin_user):
    word = attachment_create(
        kind="word", file_name="a.docx", content=docx_bytes("{{ salutation }},", "Bye & thanks")
    )

    preview = attachment_preview(attachment=word, contact_no="P1", actor=admin_user)

    assert preview == {
        "subject": "",
        "html": "<p>Dear Ann Smith,</p><p>Bye &amp; thanks</p>",
        "text": "Dear Ann Smith,\nBye & thanks",
    }


def test_the_api_previews_for_a_contact(world, api_client):
    response = api_client().post(
        _url(world.mail_en.no), {"contact_no": "P1", "template_code": "MAIL"}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"subject", "html", "text"}
    assert body["subject"] == "Offer for Ann"
    assert "Dear Ann Smith," in body["html"]
    assert body["text"].startswith("Dear Ann Smith,\n\nSmith & Sons in Utrecht, ")


def test_the_api_refuses_unknown_contacts_and_keys(world, api_client):
    client = api_client()

    unknown = client.post(_url(world.mail_en.no), {"contact_no": "NOPE"}, format="json")
    body = assert_error_shape(unknown, 400)
    assert body["fields"] == {"contact_no": ["There is no contact NOPE."]}

    typo = client.post(_url(world.mail_en.no), {"contact_no": "P1", "contct": 1}, format="json")
    assert_error_shape(typo, 400, "unknown_field")

    missing = client.post(_url(world.mail_en.no), {}, format="json")
    assert "contact_no" in assert_error_shape(missing, 400)["fields"]

    line = client.post(_url(world.mail_en.no), {"contact_no": "P1", "line_no": 1}, format="json")
    assert assert_error_shape(line, 400)["fields"] == {
        "line_no": ["A line no. needs a segment no."]
    }


def test_the_api_answers_404_for_an_unknown_attachment(world, api_client):
    response = api_client().post(_url(9999), {"contact_no": "P1"}, format="json")

    assert_error_shape(response, 404)


def test_the_api_refuses_read_only_users_and_anonymous_ones(world, api_client, read_only_user):
    response = api_client(read_only_user).post(
        _url(world.mail_en.no), {"contact_no": "P1"}, format="json"
    )
    assert_error_shape(response, 403)
    assert api_client(None).post(_url(world.mail_en.no), {"contact_no": "P1"}).status_code == 401


def test_the_api_speaks_dutch(world, api_client):
    response = api_client().post(
        _url(world.mail_en.no),
        {"contact_no": "NOPE"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="nl",
    )

    assert assert_error_shape(response, 400)["fields"] == {
        "contact_no": ["Contact NOPE bestaat niet."]
    }


def test_a_file_has_nothing_to_preview(world, api_client):
    plain = attachment_create(kind="file", file_name="a.txt", content=b"x")

    response = api_client().post(_url(plain.no), {"contact_no": "P1"}, format="json")

    assert assert_error_shape(response, 400)["message"] == (
        f"Attachment {plain.no} is a file, sent as it is: it has no merge fields to preview."
    )


def _page(client, attachment, **query):
    return client.get(reverse("delivery:attachment-preview", args=[attachment.no]), query)


def test_the_page_shows_the_merged_message_in_a_sandboxed_frame(world, admin_client):
    response = _page(admin_client, world.mail_en, contact="P1 – Ann Smith", template="MAIL")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="preview-subject">Offer for Ann</dd>' in page
    frame = page.split('data-testid="preview-html"')[0].rsplit("<iframe", 1)[1]
    assert 'sandbox=""' in frame
    assert "srcdoc" not in frame
    src = html.unescape(frame.split(' src="', 1)[1].split('"', 1)[0])
    assert src.startswith(reverse("delivery:attachment-preview", args=[world.mail_en.no]) + "?")
    assert "part=html" in src
    # The frame's page: the merged HTML alone, its inline styles allowed by its own policy.
    merged = admin_client.get(src)
    assert merged.status_code == 200
    assert merged["Content-Security-Policy"].startswith(
        "default-src 'none'; style-src 'unsafe-inline';"
    )
    body = merged.content.decode()
    assert '<p class="greeting" style="color: #123456;">Dear Ann Smith,</p>' in body
    assert "Smith &amp; Sons in Utrecht" in body
    assert "<form" not in body
    assert 'list="contact-options"' in page
    assert reverse("interactions:interaction-contact-options") in page


def test_the_frame_without_a_contact_is_not_found(world, admin_client):
    response = _page(admin_client, world.mail_en, template="MAIL", part="html")

    assert response.status_code == 404


def test_the_page_in_dutch_names_a_contact_that_does_not_exist(world, admin_user, client_for):
    admin_user.language = "nl"
    admin_user.save(update_fields=["language"])
    client = client_for(admin_user)

    response = _page(client, world.mail_nl, contact="Nobody at all")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Voorbeeld van bijlage" in page
    assert "Geen contact komt overeen met" in page
    assert 'data-testid="preview"' not in page

    merged = _page(client, world.mail_nl, contact="P2")
    assert "Samengevoegd voor contact P2" in merged.content.decode()
    assert "Aanbod voor Jan" in merged.content.decode()


def test_the_page_without_a_contact_asks_for_one_and_is_refused_to_readers(
    world, admin_client, client_for, read_only_user
):
    page = _page(admin_client, world.mail_en).content.decode()
    assert "Choose a contact to see the attachment merged" in page

    assert _page(client_for(read_only_user), world.mail_en).status_code == 403
    assert admin_client.get(reverse("delivery:attachment-preview", args=[9999])).status_code == 404


def test_the_attachment_card_links_the_preview_and_the_editor_lists_the_fields(
    world, admin_client, client_for, read_only_user
):
    card = admin_client.get(reverse("attachments:attachment-detail", args=[world.mail_en.no]))
    assert reverse("delivery:attachment-preview", args=[world.mail_en.no]) in card.content.decode()
    reader = client_for(read_only_user).get(
        reverse("attachments:attachment-detail", args=[world.mail_en.no])
    )
    assert reverse("delivery:attachment-preview", args=[world.mail_en.no]) not in (
        reader.content.decode()
    )

    editor = admin_client.get(reverse("attachments:attachment-edit", args=[world.mail_en.no]))
    page = editor.content.decode()
    assert 'data-testid="merge-fields"' in page
    assert '<code class="user-select-all">{{ contact.first_name }}</code>' in page


def test_the_line_pages_link_previews_the_lines_own_contact(world, admin_user, admin_client):
    from rapport.segments.services import segment_create, segment_line_add

    segment = segment_create(actor=admin_user, no="SEG2", template=world.template)
    line = segment_line_add(actor=admin_user, segment=segment, contact=world.jan)

    response = _page(admin_client, world.mail_nl, segment="SEG2", line=str(line.line_no))

    page = response.content.decode()
    assert 'data-testid="preview-subject">Aanbod voor Jan</dd>' in page
    assert 'value="P2"' in page
