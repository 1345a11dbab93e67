"""The API of a segment's interaction languages and the lines' own attachments (API.md:
`segments/<no>/languages/`, `attachment_no` on a line, the `attachment/` uploads), and
`deliver` on `POST segments/<no>/log/`."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rapport.attachments.models import Attachment
from rapport.attachments.services import attachment_create
from rapport.attachments.testing import docx_bytes
from rapport.interactions.models import InteractionLogEntry
from rapport.interactions.services import delivery_hooks
from rapport.segments.models import LoggedSegment, Segment, SegmentLanguage
from rapport.segments.tests.test_languages import add
from tests.support import assert_error_shape

pytestmark = pytest.mark.django_db

BASE = "/api/v1/segments/S1"


@pytest.fixture
def client(api_client: Any, world: Any) -> Any:
    return api_client(world.mila)


@pytest.fixture
def s1(world: Any, make_segment: Any) -> Segment:
    segment = make_segment("S1", template=world.news)
    add(segment, "CO1", "P1", "P2", "P3")
    return segment


def test_list_create_change_and_remove_languages(client: Any, s1: Segment, world: Any) -> None:
    news_en = world.news.languages.get(language__code="EN").attachment
    response = client.get(f"{BASE}/languages/")
    assert response.status_code == 200, response.content
    assert response.json() == [
        {
            "language_code": "EN",
            "description": "",
            "subject": "Newsletter",
            "attachment_no": news_en.no,
            "default": True,
        },
        {
            "language_code": "NL",
            "description": "",
            "subject": "Newsletter",
            "attachment_no": world.news.languages.get(language__code="NL").attachment.no,
            "default": False,
        },
    ]
    created = client.post(
        f"{BASE}/languages/",
        {"language_code": "de", "subject": "Neuigkeiten", "attachment_no": news_en.no},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json() == {
        "language_code": "DE",
        "description": "",
        "subject": "Neuigkeiten",
        "attachment_no": news_en.no,
        "default": False,
    }
    assert_error_shape(
        client.post(f"{BASE}/languages/", {"language_code": "DE"}, format="json"), 400, "duplicate"
    )
    assert_error_shape(client.post(f"{BASE}/languages/", {"colour": 1}, format="json"), 400)
    # A new subject asks about the NL line still carrying the old one.
    asked = client.patch(f"{BASE}/languages/NL/", {"subject": "Nieuwsbrief"}, format="json")
    body = assert_error_shape(asked, 409, "lines_affected")
    assert body["affected_lines"] == 1
    answered = client.patch(
        f"{BASE}/languages/NL/",
        {"subject": "Nieuwsbrief", "apply_to_lines": True},
        format="json",
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["subject"] == "Nieuwsbrief"
    assert s1.lines.get(contact__no="P2").subject == "Nieuwsbrief"
    cleared = client.patch(f"{BASE}/languages/DE/", {"attachment_no": None}, format="json")
    assert cleared.json()["attachment_no"] is None
    assert client.delete(f"{BASE}/languages/DE/").status_code == 204
    assert client.get(f"{BASE}/languages/DE/").status_code == 404
    assert client.get("/api/v1/segments/NOPE/languages/").status_code == 404


def test_a_reader_reads_but_does_not_change(api_client: Any, world: Any, s1: Segment) -> None:
    reader = api_client(world.reader)
    assert reader.get(f"{BASE}/languages/").status_code == 200
    assert reader.patch(f"{BASE}/languages/NL/", {"subject": "x"}, format="json").status_code == (
        403
    )
    assert reader.delete(f"{BASE}/lines/10000/attachment/").status_code == 403
    assert api_client(None).get(f"{BASE}/languages/").status_code == 401


def test_upload_download_and_remove_a_row_attachment(client: Any, s1: Segment, world: Any) -> None:
    template_attachment = world.news.languages.get(language__code="NL").attachment
    content = docx_bytes("Beste {{ contact.name }}")
    upload = SimpleUploadedFile("brief.docx", content)
    response = client.post(
        f"{BASE}/languages/NL/attachment/", {"kind": "word", "file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.content
    stored = response.json()
    assert (stored["kind"], stored["file_name"]) == ("word", "brief.docx")
    assert (
        SegmentLanguage.objects.get(segment=s1, language__code="NL").attachment.no
        == (  # type: ignore[union-attr]
            stored["no"]
        )
    )
    download = client.get(f"{BASE}/languages/NL/attachment/")
    assert download.status_code == 200
    assert download.content == content
    assert 'filename="brief.docx"' in download["Content-Disposition"]
    assert client.delete(f"{BASE}/languages/NL/attachment/").status_code == 204
    assert not Attachment.objects.filter(no=stored["no"]).exists()  # nothing else used it
    assert Attachment.objects.filter(pk=template_attachment.pk).exists()  # the template's
    assert_error_shape(client.get(f"{BASE}/languages/NL/attachment/"), 404)


def test_a_lines_own_attachment_by_upload_and_by_number(
    client: Any, s1: Segment, world: Any
) -> None:
    news_en = world.news.languages.get(language__code="EN").attachment
    line = f"{BASE}/lines/20000/"  # P1
    assert client.get(line).json()["attachment_no"] is None
    inherited = client.get(f"{line}attachment/")
    assert inherited.status_code == 200
    assert inherited.content == news_en.body_html.encode()
    response = client.post(
        f"{line}attachment/",
        {"kind": "email", "subject": "Just for Anna", "body_html": "<p>Dear Anna</p>"},
        format="json",
    )
    assert response.status_code == 201, response.content
    own_no = response.json()["no"]
    assert client.get(line).json()["attachment_no"] == own_no
    assert client.get(f"{line}attachment/").content == b"<p>Dear Anna</p>"
    other = attachment_create(kind="email", subject="Other", body_html="<p>Other</p>")
    patched = client.patch(line, {"attachment_no": other.no, "cost": "2"}, format="json")
    assert patched.status_code == 200, patched.content
    assert (patched.json()["attachment_no"], patched.json()["cost"]) == (other.no, "2.00")
    assert not Attachment.objects.filter(no=own_no).exists()  # replaced: released
    assert_error_shape(client.patch(line, {"attachment_no": 999999}, format="json"), 400)
    assert (
        client.patch(line, {"attachment_no": None}, format="json").json()["attachment_no"] is None
    )
    assert client.delete(f"{line}attachment/").status_code == 204


def test_log_with_deliver_over_the_api(
    client: Any, s1: Segment, world: Any, monkeypatch: Any
) -> None:
    asked: list[dict[str, Any]] = []
    monkeypatch.setattr(delivery_hooks, "_requester", [])
    delivery_hooks.register_delivery_requester(lambda **kwargs: asked.append(kwargs))
    dry = client.post(f"{BASE}/log/", {"dry_run": True}, format="json")
    assert (dry.json()["deliver"], dry.json()["deliveries"]) == (True, {"email": 3})
    assert asked == []
    response = client.post(f"{BASE}/log/", {"deliver": True}, format="json")
    assert response.status_code == 200, response.content
    logged = LoggedSegment.objects.get()
    assert response.json()["deliver"] is True
    assert [kwargs["logged_segment_entry_no"] for kwargs in asked] == [logged.entry_no]
    assert InteractionLogEntry.objects.filter(logged_segment_entry_no=logged.entry_no).count() == 4


def test_log_refuses_deliver_without_an_attachment(
    client: Any, s1: Segment, world: Any, monkeypatch: Any
) -> None:
    from rapport.contacts.models import Contact

    monkeypatch.setattr(delivery_hooks, "_requester", [])
    Contact.objects.filter(no="P2").update(email="bram@acme.example")
    assert client.delete(f"{BASE}/languages/NL/attachment/").status_code == 204
    body = assert_error_shape(
        client.post(f"{BASE}/log/", {"deliver": True}, format="json"), 400, "attachment_missing"
    )
    assert body["fields"] == {"deliver": ["Segment language NL has no attachment."]}
    dutch = client.post(f"{BASE}/log/", {"deliver": True}, format="json", HTTP_ACCEPT_LANGUAGE="nl")
    assert dutch.json()["error"]["fields"] == {"deliver": ["Segmenttaal NL heeft geen bijlage."]}
    assert not LoggedSegment.objects.exists()
