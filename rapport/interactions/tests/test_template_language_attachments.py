"""A template language's attachment (reference 1.5, 1.6): create an e-mail or HTML letter,
import or replace a file, edit (a read-only one through a copy), remove (reference-counted),
through the services, the API (`interaction-templates/<code>/languages/<language>/attachment/`)
and the template card's row actions, in English and Dutch."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from rapport.attachments.models import Attachment
from rapport.attachments.services import attachment_content
from rapport.attachments.testing import docx_bytes
from rapport.core.errors import NotFoundError, ValidationFailed
from rapport.core.services import user_update_preferences
from rapport.interactions import services
from rapport.interactions.models import InteractionTemplateLanguage
from tests.support import assert_error_shape

from .conftest import snapshot

pytestmark = pytest.mark.django_db

DOCX = docx_bytes("Dear {{ contact.name }},")
TEXT = b"Opening hours: 9 to 5.\n"


@pytest.fixture
def memo(make_template, languages) -> Any:
    """Template MEMO (description "Memo template") with languages EN (default) and NL, no
    attachments."""
    template = make_template("MEMO", language_default="EN")
    services.interaction_template_language_create(template=template, language="NL")
    return template


def row_of(template: Any, code: str) -> InteractionTemplateLanguage:
    return InteractionTemplateLanguage.objects.select_related("attachment").get(
        template=template, language__code=code
    )


def read_only_attachment() -> Attachment:
    """A read-only attachment (as a logged interaction's), which something else uses too:
    here the DE row of template SENT stands in for the logged interaction."""
    from rapport.attachments.services import attachment_create

    attachment = attachment_create(
        kind="email", subject="Sent", body_html="<p>As sent</p>", read_only=True
    )
    services.interaction_template_language_create(
        template=services.interaction_template_create(code="SENT", group="LETTER"),
        language="DE",
        attachment=attachment,
    )
    return attachment


# --- Services ----------------------------------------------------------------------------------


def test_create_an_email_and_an_html_letter(memo) -> None:
    en = row_of(memo, "EN")
    email = services.template_language_attachment_create(template_language=en, kind="email")
    assert row_of(memo, "EN").attachment == email
    assert (email.kind, email.subject, email.body_html) == ("email", "Memo template", "")
    letter = services.template_language_attachment_create(
        template_language=row_of(memo, "NL"), kind="pdf", body_html="<p>Beste klant</p>"
    )
    assert (letter.kind, letter.body_html) == ("pdf", "<p>Beste klant</p>")
    # Creating again replaces: the e-mail nothing else used is deleted.
    again = services.template_language_attachment_create(template_language=en, kind="pdf")
    assert row_of(memo, "EN").attachment == again
    assert not Attachment.objects.filter(pk=email.pk).exists()


def test_import_makes_a_word_letter_of_a_docx_and_a_file_of_anything_else(memo) -> None:
    word = services.template_language_attachment_import(
        template_language=row_of(memo, "EN"), file_name="Letter.DOCX", content=DOCX
    )
    assert (word.kind, word.file_name) == ("word", "Letter.DOCX")
    assert attachment_content(word) == DOCX
    other = services.template_language_attachment_import(
        template_language=row_of(memo, "NL"), file_name="hours.txt", content=TEXT
    )
    assert other.kind == "file"
    assert attachment_content(other) == TEXT


def test_replace_keeps_a_document_something_else_still_uses(memo, make_template) -> None:
    shared = services.template_language_attachment_import(
        template_language=row_of(memo, "EN"), file_name="hours.txt", content=TEXT
    )
    services.interaction_template_language_create(
        template=make_template("OTHER"), language="EN", attachment=shared
    )
    services.template_language_attachment_import(
        template_language=row_of(memo, "EN"), file_name="letter.docx", content=DOCX
    )
    assert row_of(memo, "EN").attachment.kind == "word"
    assert Attachment.objects.filter(pk=shared.pk).exists()


def test_a_refused_file_changes_nothing(memo) -> None:
    email = services.template_language_attachment_create(
        template_language=row_of(memo, "EN"), kind="email"
    )
    before = snapshot()
    with pytest.raises(ValidationFailed) as info:
        services.template_language_attachment_import(
            template_language=row_of(memo, "EN"), file_name="letter.docx", content=TEXT + b"x"
        )
    assert "content" in info.value.errors
    assert snapshot() == before
    assert Attachment.objects.filter(pk=email.pk).exists()


def test_remove_deletes_the_attachment_unless_it_is_still_used(memo) -> None:
    en = row_of(memo, "EN")
    email = services.template_language_attachment_create(template_language=en, kind="email")
    assert services.template_language_attachment_remove(template_language=en) is True
    assert row_of(memo, "EN").attachment is None
    assert not Attachment.objects.filter(pk=email.pk).exists()
    used = read_only_attachment()
    services.interaction_template_language_update(template_language=en, attachment=used)
    assert services.template_language_attachment_remove(template_language=en) is False
    assert Attachment.objects.filter(pk=used.pk).exists()
    with pytest.raises(NotFoundError) as info:
        services.template_language_attachment_remove(template_language=en)
    assert info.value.message == "Interaction template MEMO has no attachment for language EN."


def test_remove_is_refused_while_wizard_action_merge_needs_it(memo) -> None:
    en = row_of(memo, "EN")
    services.template_language_attachment_create(
        template_language=en, kind="email", body_html="<p>Hi</p>"
    )
    services.interaction_template_update(template=memo, wizard_action="merge")
    before = snapshot()
    with pytest.raises(ValidationFailed) as info:
        services.template_language_attachment_remove(template_language=en)
    assert "Wizard Action Merge" in info.value.errors["attachment"][0]
    assert snapshot() == before


def test_editing_a_read_only_attachment_gives_the_row_a_copy(memo) -> None:
    en = row_of(memo, "EN")
    own = services.template_language_attachment_create(template_language=en, kind="email")
    assert services.template_language_attachment_editable(template_language=en) == (own, False)
    used = read_only_attachment()
    services.interaction_template_language_update(template_language=en, attachment=used)
    copy, copied = services.template_language_attachment_editable(template_language=en)
    assert copied is True
    assert copy.pk != used.pk and copy.read_only is False
    assert (copy.kind, copy.subject, copy.body_html) == ("email", "Sent", "<p>As sent</p>")
    assert row_of(memo, "EN").attachment == copy
    used.refresh_from_db()  # the logged document is untouched
    assert (used.read_only, used.body_html) == (True, "<p>As sent</p>")


# --- API ---------------------------------------------------------------------------------------


def api_url(code: str = "MEMO", language: str = "EN") -> str:
    return f"/api/v1/interaction-templates/{code}/languages/{language}/attachment/"


@pytest.fixture
def api(api_client, admin_user) -> Any:
    return api_client(admin_user)


def test_api_upload_download_delete(api, memo) -> None:
    upload = SimpleUploadedFile("offer.docx", DOCX)
    response = api.post(api_url(), {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    no = row_of(memo, "EN").attachment.no
    assert body == {"language_code": "EN", "description": "", "attachment_no": no, "default": True}
    response = api.get(api_url())
    assert response.status_code == 200
    assert b"".join(response) == DOCX  # byte for byte
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert 'filename="offer.docx"' in response["Content-Disposition"]
    response = api.delete(api_url())
    assert response.status_code == 204
    assert row_of(memo, "EN").attachment is None
    assert not Attachment.objects.filter(no=no).exists()
    assert_error_shape(api.get(api_url()), 404)
    assert_error_shape(api.delete(api_url()), 404)


def test_api_writes_an_email_in_json_and_patches_attachment_no(api, memo) -> None:
    response = api.post(
        api_url(language="NL"),
        {"kind": "email", "subject": "Nieuws", "body_html": "<p>Beste {{ contact.name }}</p>"},
        format="json",
    )
    assert response.status_code == 201, response.content
    email = row_of(memo, "NL").attachment
    assert (email.kind, email.subject) == ("email", "Nieuws")
    response = api.get(api_url(language="NL"))
    assert b"".join(response) == b"<p>Beste {{ contact.name }}</p>"
    # attachment_no of the language row is writable: point EN at the same document.
    response = api.patch(
        "/api/v1/interaction-templates/MEMO/languages/EN/",
        {"attachment_no": email.no},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["attachment_no"] == email.no
    assert b"".join(api.get(api_url())) == b"<p>Beste {{ contact.name }}</p>"


def test_api_refusals(api, api_client, memo, read_only_user) -> None:
    before = snapshot()
    response = api.post(api_url(), {}, format="json")
    assert_error_shape(response, 400)
    assert list(response.json()["error"]["fields"]) == ["file"]
    response = api.post(api_url(), {"kind": "email", "colour": "red"}, format="json")
    assert_error_shape(response, 400)
    assert response.json()["error"]["code"] == "unknown_field"
    response = api.post(api_url(), {"file": SimpleUploadedFile("a.docx", TEXT)}, format="multipart")
    assert_error_shape(response, 400)
    assert "content" in response.json()["error"]["fields"]
    assert_error_shape(api.post(api_url(language="DE"), {"kind": "email"}, format="json"), 404)
    assert_error_shape(api.post(api_url(code="NONE"), {"kind": "email"}, format="json"), 404)
    reader = api_client(read_only_user)
    assert_error_shape(reader.post(api_url(), {"kind": "email"}, format="json"), 403)
    assert_error_shape(reader.delete(api_url()), 403)
    assert snapshot() == before


# --- The template card -------------------------------------------------------------------------


def card(code: str = "MEMO") -> str:
    return reverse("interactions:template-detail", args=[code])


def row_url(name: str, language: str = "EN", code: str = "MEMO") -> str:
    return reverse(f"interactions:template-language-attachment-{name}", args=[code, language])


def actions_of(content: str, language: str) -> list[str]:
    """The data-action names of a language row's attachment buttons, in order."""
    import re

    cell = content.split(f'data-testid="attachment-{language}"', 1)[1].split("</td>", 1)[0]
    return re.findall(r'data-action="([\w-]+)"', cell)


def test_card_rows_offer_the_attachment_actions(admin_client, client_for, memo, read_only_user):
    services.template_language_attachment_create(
        template_language=row_of(memo, "NL"), kind="email", body_html="<p>Hoi</p>"
    )
    content = admin_client.get(card()).content.decode()
    assert actions_of(content, "EN") == ["create-email", "create-letter", "import"]
    assert actions_of(content, "NL") == [
        "open",
        "edit",
        "preview",
        "export",
        "replace",
        "remove",
    ]
    no = row_of(memo, "NL").attachment.no
    assert reverse("attachments:attachment-content", args=[no]) in content
    assert f"/attachments/{no}/preview/?template=MEMO&amp;language=NL" in content or (
        "template=MEMO&amp;language=NL" in content
    )
    reader = client_for(read_only_user).get(card()).content.decode()
    assert actions_of(reader, "EN") == []
    assert actions_of(reader, "NL") == ["open", "export"]


def test_create_email_opens_the_editor_bound_to_the_row(admin_client, memo) -> None:
    response = admin_client.post(row_url("create") + "?kind=email")
    attachment = row_of(memo, "EN").attachment
    assert attachment is not None and attachment.kind == "email"
    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("attachments:attachment-edit", args=[attachment.no]) + "?next="
    )
    response = admin_client.post(row_url("create", "NL") + "?kind=pdf", follow=True)
    assert row_of(memo, "NL").attachment.kind == "pdf"
    assert admin_client.post(row_url("create", "NL") + "?kind=word").status_code == 404
    assert admin_client.get(row_url("create")).status_code == 405


def test_import_and_replace_pages(admin_client, memo) -> None:
    page = admin_client.get(row_url("import"))
    assert page.status_code == 200
    assert "Import a file for language EN of interaction template MEMO" in page.content.decode()
    response = admin_client.post(
        row_url("import"), {"file": SimpleUploadedFile("letter.docx", DOCX)}, follow=True
    )
    word = row_of(memo, "EN").attachment
    assert word.kind == "word"
    assert f"letter.docx is now attachment {word.no} of language EN." in [
        str(message) for message in response.context["messages"]
    ]
    page = admin_client.get(row_url("import")).content.decode()
    assert "Replace the attachment of language EN of template MEMO" in page
    response = admin_client.post(
        row_url("import"), {"file": SimpleUploadedFile("letter.docx", TEXT)}
    )
    assert response.status_code == 200  # the form again, with the refusal
    assert "A Word letter must be a Word document" in response.content.decode()
    assert row_of(memo, "EN").attachment == word


def test_edit_of_a_read_only_attachment_says_it_made_a_copy(admin_client, memo) -> None:
    used = read_only_attachment()
    services.interaction_template_language_update(
        template_language=row_of(memo, "EN"), attachment=used
    )
    content = admin_client.get(card()).content.decode()
    assert "A logged interaction uses this attachment: it is not changed in place." in content
    assert "Edit a copy" in content
    response = admin_client.post(row_url("edit"))
    copy = row_of(memo, "EN").attachment
    assert copy.pk != used.pk
    assert response["Location"].startswith(reverse("attachments:attachment-edit", args=[copy.no]))
    shown = [str(message) for message in admin_client.get(card()).context["messages"]]
    assert shown == [
        f"Attachment {used.no} is read-only: a logged interaction uses it. Language EN now has "
        f"its own copy, attachment {copy.no}, which you edit here."
    ]


def test_remove_page(admin_client, memo) -> None:
    assert admin_client.get(row_url("remove")).status_code == 404  # nothing to remove
    email = services.template_language_attachment_create(
        template_language=row_of(memo, "EN"), kind="email"
    )
    page = admin_client.get(row_url("remove")).content.decode()
    assert f"Remove attachment {email.no} from language EN of interaction template MEMO?" in page
    response = admin_client.post(row_url("remove"), follow=True)
    assert [str(message) for message in response.context["messages"]] == [
        f"Attachment {email.no} was removed from language EN and deleted."
    ]
    assert row_of(memo, "EN").attachment is None


def test_the_setup_role_is_needed(client_for, memo, marketing_user) -> None:
    client = client_for(marketing_user)
    assert client.post(row_url("create") + "?kind=email").status_code == 403
    assert client.get(row_url("import")).status_code == 403
    assert row_of(memo, "EN").attachment is None


def test_card_rows_in_dutch(admin_client, admin_user, memo) -> None:
    services.template_language_attachment_create(
        template_language=row_of(memo, "NL"), kind="email", body_html="<p>Hoi</p>"
    )
    user_update_preferences(user=admin_user, language="nl")
    try:
        content = admin_client.get(card(), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        for text in (
            "E-mail maken",
            "HTML-brief maken",
            "Bestand importeren",
            "Bijlage bewerken",
            "Voorbeeld voor een contact",
            "Exporteren",
            "Vervangen",
            "Bijlage verwijderen",
        ):
            assert text in content, text
        content = admin_client.get(row_url("import"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        assert "Een bestand importeren voor taal EN van interactiesjabloon MEMO" in content
    finally:
        translation.activate("en")
