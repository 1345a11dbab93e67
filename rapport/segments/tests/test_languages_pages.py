"""The pages of a segment's interaction languages, a line's own attachment, the Deliver option
of the Log page and the logged-segment card's registered panels, in English and Dutch."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import engines

from rapport.attachments.testing import docx_bytes
from rapport.core import cards
from rapport.interactions.services import delivery_hooks
from rapport.segments import services
from rapport.segments.models import LoggedSegment, Segment, SegmentLanguage
from rapport.segments.tests.test_languages import add

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client_for: Any, world: Any) -> Any:
    return client_for(world.mila)


@pytest.fixture
def dutch(client_for: Any, world: Any, make_user: Any) -> Any:
    """A second marketing user who works in Dutch."""
    user = make_user(username="noor", role="marketing")
    user.language = "nl"
    user.save(update_fields=["language"])
    return client_for(user)


@pytest.fixture
def s1(world: Any, make_segment: Any) -> Segment:
    segment = make_segment("S1", template=world.news)
    add(segment, "CO1", "P1", "P2", "P3")
    return segment


def text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def test_the_segment_card_shows_its_interaction_languages(
    browser: Any, dutch: Any, s1: Segment, world: Any
) -> None:
    english = world.news.languages.get(language__code="EN").attachment
    page = text(browser.get("/segments/S1/"))
    assert "Interaction Languages" in page
    assert 'data-language="EN"' in page and 'data-language="NL"' in page
    assert f'href="/attachments/{english.no}/"' in page  # open
    # preview: the delivery app's page, found by its name
    assert f'href="/delivery/attachments/{english.no}/preview/?segment=S1&language=EN"' in page
    for action in ("Create e-mail or letter", "Import file", "Remove attachment", "Add language"):
        assert action in page, action
    page = text(dutch.get("/segments/S1/"))
    for label in ("Interactietalen", "E-mail of brief maken", "Bestand importeren", "standaard"):
        assert label in page, label


def test_a_reader_sees_the_languages_without_actions(
    client_for: Any, world: Any, s1: Segment
) -> None:
    page = text(client_for(world.reader).get("/segments/S1/"))
    assert 'data-language="NL"' in page
    assert "Import file" not in page
    assert client_for(world.reader).get("/segments/S1/languages/NL/edit/").status_code == 403


def test_changing_a_subject_asks_about_the_lines_on_the_page(browser: Any, s1: Segment) -> None:
    url = "/segments/S1/languages/NL/edit/"
    asked = text(browser.post(url, {"description": "", "subject": "Nieuwsbrief"}))
    assert "Update the subject on 1 line in language NL that still has the old subject?" in asked
    assert "No, only the language" in asked
    assert SegmentLanguage.objects.get(segment=s1, language__code="NL").subject == "Newsletter"
    response = browser.post(
        url,
        {
            "description": "",
            "subject": "Nieuwsbrief",
            "apply_to_lines": "yes",
            "lines_question": "subject;NL;1",
        },
    )
    assert response.status_code == 302
    assert s1.lines.get(contact__no="P2").subject == "Nieuwsbrief"


def test_adding_and_removing_a_language_on_the_pages(browser: Any, dutch: Any, s1: Segment) -> None:
    assert "Taal toevoegen" in text(dutch.get("/segments/S1/languages/new/"))
    response = browser.post(
        "/segments/S1/languages/new/", {"language": "DE", "description": "", "subject": "Hallo"}
    )
    assert response.status_code == 302
    assert SegmentLanguage.objects.filter(segment=s1, language__code="DE").exists()
    assert "Remove interaction language DE" in text(
        browser.get("/segments/S1/languages/DE/delete/")
    )
    assert browser.post("/segments/S1/languages/DE/delete/").status_code == 302
    assert not SegmentLanguage.objects.filter(segment=s1, language__code="DE").exists()


def test_a_lines_own_attachment_on_its_page(browser: Any, dutch: Any, s1: Segment) -> None:
    line_page = "/segments/S1/lines/20000/edit/"  # P1
    page = text(browser.get(line_page))
    assert "Inherited from interaction language EN" in page
    assert "Remove own attachment" not in page
    created = browser.post(
        "/segments/S1/lines/20000/attachment/create/",
        {"kind": "email", "subject": "Just for Anna", "body_html": "<p>Dear Anna</p>"},
    )
    assert created.status_code == 302
    line = s1.lines.get(contact__no="P1")
    assert line.attachment is not None and line.attachment.subject == "Just for Anna"
    page = text(browser.get(line_page))
    assert "Unique: the line's own attachment" in page
    assert "Uniek: de eigen bijlage van de regel" in text(dutch.get(line_page))
    imported = browser.post(
        "/segments/S1/lines/20000/attachment/import/",
        {"kind": "word", "file": SimpleUploadedFile("anna.docx", docx_bytes("Dear Anna"))},
    )
    assert imported.status_code == 302
    line.refresh_from_db()
    assert line.attachment is not None and line.attachment.file_name == "anna.docx"
    assert browser.post("/segments/S1/lines/20000/attachment/remove/").status_code == 302
    line.refresh_from_db()
    assert line.attachment is None


def test_a_refused_import_shows_the_error(browser: Any, s1: Segment) -> None:
    response = browser.post(
        "/segments/S1/languages/NL/attachment/import/",
        {"kind": "word", "file": SimpleUploadedFile("brief.docx", b"not a word file")},
    )
    assert response.status_code == 200
    assert "Word" in text(response)
    assert SegmentLanguage.objects.get(segment=s1, language__code="NL").attachment.kind == "email"  # type: ignore[union-attr]


def test_the_log_page_offers_deliver_on_by_default(
    browser: Any, dutch: Any, s1: Segment, make_segment: Any, world: Any, monkeypatch: Any
) -> None:
    page = text(browser.get("/segments/S1/log/"))
    assert 'name="deliver"' in page
    assert 'name="deliver" class="form-check-input" aria-describedby' in page or "checked" in page
    assert "With Deliver: 3 e-mail(s) sent, 0 letter(s) printed" in page
    assert "Bezorgen" in text(dutch.get("/segments/S1/log/"))
    call = make_segment("S2", template=world.call)
    add(call, "P3")
    page = text(browser.get("/segments/S2/log/"))
    assert "No line has a correspondence type: there is nothing to send or print." in page
    assert "disabled" in page.split('name="deliver"')[1].split(">")[0]
    # Logging with the box ticked requests the delivery.
    asked: list[dict[str, Any]] = []
    monkeypatch.setattr(delivery_hooks, "_requester", [])
    delivery_hooks.register_delivery_requester(lambda **kwargs: asked.append(kwargs))
    response = browser.post("/segments/S1/log/", {"deliver": "on", "follow_up_outcome": "all"})
    assert response.status_code == 302, response.content
    assert [kwargs["logged_segment_entry_no"] for kwargs in asked] == [
        LoggedSegment.objects.get().entry_no
    ]


def test_the_log_page_names_the_language_without_an_attachment(
    browser: Any, s1: Segment, world: Any
) -> None:
    from rapport.contacts.models import Contact

    Contact.objects.filter(no="P2").update(email="bram@acme.example")
    services.segment_language_attachment_remove(actor=world.mila, segment=s1, language="NL")
    page = text(browser.get("/segments/S1/log/"))
    assert "Deliver is not possible yet:" in page
    assert "Segment language NL has no attachment." in page
    response = browser.post("/segments/S1/log/", {"deliver": "on", "follow_up_outcome": "all"})
    assert "Segment language NL has no attachment." in text(response)
    assert not LoggedSegment.objects.exists()


def test_the_logged_segment_card_shows_registered_panels_and_actions(
    browser: Any, s1: Segment, world: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(cards, "_panels", dict(cards._panels))
    monkeypatch.setattr(cards, "_actions", dict(cards._actions))
    panel = engines["django"].from_string('<p data-testid="test-panel">{{ marker }}</p>')
    cards.register_panel(
        cards.CardPanel(
            card="logged_segment",
            name="test",
            order=1,
            template=panel.template,
            context=lambda request, logged: {"marker": f"Panel of {logged.entry_no}"},
        )
    )
    cards.register_action(
        cards.CardAction(
            card="logged_segment",
            name="test",
            order=1,
            label="Test action",
            url=lambda request, logged: f"/test/{logged.entry_no}/",
        )
    )
    logged = services.segment_log(actor=world.mila, segment=s1, deliver=False).logged_segment
    assert logged is not None
    page = text(browser.get(f"/logged-segments/{logged.entry_no}/"))
    assert f"Panel of {logged.entry_no}" in page
    assert f'href="/test/{logged.entry_no}/"' in page and "Test action" in page
