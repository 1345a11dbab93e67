"""The attachments API: multipart upload, JSON e-mail, download, replace, delete, roles."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rapport.attachments import services
from rapport.attachments.models import Attachment
from rapport.attachments.tests.conftest import EXE, PNG
from tests.support import assert_error_shape

pytestmark = pytest.mark.django_db

URL = "/api/v1/attachments/"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_multipart_upload_and_download_identical_bytes(api_client, docx) -> None:
    client = api_client()
    response = client.post(
        URL, {"kind": "word", "file": upload("Offer letter.docx", docx)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "word"
    assert body["file_name"] == "Offer letter.docx"
    assert body["file_size"] == len(docx)
    assert body["read_only"] is False
    assert body["storage_type"] == "embedded"
    assert body["content_url"] == f"{URL}{body['no']}/content/"
    download = client.get(body["content_url"])
    assert download.status_code == 200
    assert b"".join(download) == docx
    assert download["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert download["Content-Disposition"] == 'attachment; filename="Offer letter.docx"'


def test_json_email_and_its_html_download(api_client) -> None:
    client = api_client()
    response = client.post(
        URL,
        {"kind": "email", "subject": "Welcome", "body_html": "<p>Hello <b>you</b></p>"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["subject"], body["body_text"], body["body_text_manual"]) == (
        "Welcome",
        "Hello you",
        False,
    )
    download = client.get(f"{URL}{body['no']}/content/")
    assert download["Content-Type"] == "text/html; charset=utf-8"
    assert download.content == b"<p>Hello <b>you</b></p>"
    assert download["Content-Disposition"].startswith("attachment;")


def test_patch_multipart_replaces_the_file(api_client) -> None:
    client = api_client()
    attachment = services.attachment_create(kind="file", file_name="a.txt", content=b"old")
    response = client.patch(
        f"{URL}{attachment.no}/", {"file": upload("logo.png", PNG)}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["file_name"], response.json()["content_type"]) == (
        "logo.png",
        "image/png",
    )
    assert client.get(f"{URL}{attachment.no}/content/").content == PNG
    response = client.put(
        f"{URL}{attachment.no}/", {"kind": "file", "subject": "Logo"}, format="json"
    )
    assert (response.status_code, response.json()["subject"]) == (200, "Logo")


def test_refusals_name_the_file_field(api_client, settings) -> None:
    client = api_client()
    error = assert_error_shape(
        client.post(URL, {"kind": "file", "file": upload("x.docx", EXE)}, format="multipart"),
        400,
        "invalid",
    )
    assert error["fields"] == {"file": ["Programs and scripts cannot be stored as attachments."]}
    settings.RAPPORT_MAX_ATTACHMENT_BYTES = 10
    error = assert_error_shape(
        client.post(URL, {"kind": "file", "file": upload("a.txt", b"x" * 11)}, format="multipart"),
        400,
    )
    assert error["fields"]["file"] == [
        "The file is 11\xa0bytes; an attachment can be at most 10\xa0bytes "
        "(RAPPORT_MAX_ATTACHMENT_MB)."
    ]
    assert not Attachment.objects.exists()


def test_unknown_keys_and_missing_kind_are_refused(api_client) -> None:
    client = api_client()
    error = assert_error_shape(
        client.post(URL, {"kind": "email", "colour": "red"}, format="json"), 400, "unknown_field"
    )
    assert list(error["fields"]) == ["colour"]
    error = assert_error_shape(client.post(URL, {"subject": "x"}, format="json"), 400)
    assert list(error["fields"]) == ["kind"]


def test_list_filters_and_search(api_client) -> None:
    services.attachment_create(kind="email", subject="Spring news")
    services.attachment_create(kind="email", subject="Autumn news", read_only=True)
    services.attachment_create(kind="file", file_name="spring.txt", content=b"x")
    client = api_client()

    def subjects(query: str) -> list[str]:
        response = client.get(URL + query)
        assert response.status_code == 200, response.content
        return [row["subject"] or row["file_name"] for row in response.json()["results"]]

    assert subjects("?kind=email") == ["Spring news", "Autumn news"]
    assert subjects("?read_only=true") == ["Autumn news"]
    assert subjects("?search=spring") == ["Spring news", "spring.txt"]
    assert_error_shape(client.get(URL + "?read_only=maybe"), 400)


def test_roles_and_missing(api_client, read_only_user, salesperson_user, marketing_user) -> None:
    attachment = services.attachment_create(kind="email", subject="Hi")
    reader = api_client(read_only_user)
    assert reader.get(f"{URL}{attachment.no}/").status_code == 200
    assert reader.get(f"{URL}{attachment.no}/content/").status_code == 200
    for user in (read_only_user, salesperson_user, marketing_user):
        client = api_client(user)
        assert_error_shape(client.post(URL, {"kind": "email"}, format="json"), 403)
        assert_error_shape(
            client.patch(f"{URL}{attachment.no}/", {"subject": "x"}, format="json"), 403
        )
        assert_error_shape(client.delete(f"{URL}{attachment.no}/"), 403)
    assert_error_shape(api_client(None).get(URL), 401)
    admin = api_client()
    assert_error_shape(admin.get(f"{URL}999/"), 404, "not_found")
    assert_error_shape(admin.get(f"{URL}999/content/"), 404)
    assert Attachment.objects.get(pk=attachment.pk).subject == "Hi"


def test_read_only_and_in_use_answer_409(api_client) -> None:
    attachment = services.attachment_create(kind="email", subject="Logged", read_only=True)
    client = api_client()
    error = assert_error_shape(
        client.patch(f"{URL}{attachment.no}/", {"subject": "x"}, format="json"), 409, "read_only"
    )
    assert "read-only" in error["message"]
    assert_error_shape(client.delete(f"{URL}{attachment.no}/"), 409, "read_only")
    other = services.attachment_create(kind="email")
    assert client.delete(f"{URL}{other.no}/").status_code == 204
    assert not Attachment.objects.filter(pk=other.pk).exists()
