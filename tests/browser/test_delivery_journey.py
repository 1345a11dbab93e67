"""Issue 10's delivery in a real browser, in English and in Dutch, as users follow it:

1. Setup: on an interaction template's language rows, create an e-mail (subject and HTML with
   `{{ salutation }}` and `{{ contact.name }}`) and upload another's HTML body; a syntax error
   is refused with a message naming the line, and nothing is saved.
2. Marketing: a segment of contacts in English and Dutch (a language row with its e-mail each);
   one line gets its own attachment (an HTML letter, created on the line); Log with Deliver;
   the logged segment's progress bar reaches the total while a worker runs (in a thread of the
   test process, against a real SMTP server); a delivered entry says Delivered. The server got
   one message per contact: recipient, subject, the salutation in the contact's language, and
   the line's own letter (a PDF) for that contact only.
3. Hard copy: a segment of HTML letters logged with Deliver; the letters downloaded from the
   logged segment are one PDF with one page per contact, each with that contact's name."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator
from typing import Any

import pypdf
import pytest
from playwright.sync_api import Page, expect

from rapport.delivery.tests.smtp_server import SmtpServer, smtp_mailer, smtp_server
from rapport.interactions import services as interaction_services
from rapport.interactions.models import InteractionLogEntry, InteractionTemplateLanguage
from rapport.segments.models import LoggedSegment
from tests.browser.delivery_support import (
    EMAIL_NL,
    ThreadWorker,
    letters_world,
    mailing_world,
)

__all__ = ["smtp_mailer", "smtp_server"]
pytestmark = pytest.mark.browser

WORDS = {
    "en": {
        "saved": "Attachment {no} was saved.",
        "imported": "Attachment {no} was imported.",
        "stored": "Attachment {no} was stored.",
        "line_error": "Line 3: syntax error: unexpected '}'",
        "inherited": "Inherited from interaction language NL",
        "unique": "Unique: the line's own attachment",
        "create": "Create e-mail or letter",
        "all_fields": "All fields",
        "log": "Log",
        "open_logged": "Open the logged segment",
        "e_mails": "With Deliver: 3 e-mail(s) sent",
        "letters": "With Deliver: 0 e-mail(s) sent, 3 letter(s) printed",
        "none_sent": "0 of 3 sent",
        "all_sent": "3 of 3 sent",
        "delivered": "Delivered",
        "import": "Import",
    },
    "nl": {
        "saved": "Bijlage {no} is opgeslagen.",
        "imported": "Bijlage {no} is geïmporteerd.",
        "stored": "Bijlage {no} is opgeslagen.",
        "line_error": "Regel 3: syntaxisfout: unexpected '}'",
        "inherited": "Overgenomen van interactietaal NL",
        "unique": "Uniek: de eigen bijlage van de regel",
        "create": "E-mail of brief maken",
        "all_fields": "Alle velden",
        "log": "Registreren",
        "open_logged": "Geregistreerd segment openen",
        "e_mails": "Met Bezorgen: 3 e-mail(s) verzonden",
        "letters": "Met Bezorgen: 0 e-mail(s) verzonden, 3 brief/brieven afgedrukt",
        "none_sent": "0 van 3 verzonden",
        "all_sent": "3 van 3 verzonden",
        "delivered": "Afgeleverd",
        "import": "Importeren",
    },
}
LANGUAGES = ["en", "nl"]

BROKEN = "<p>{{ salutation }},</p>\n<p>Welcome.</p>\n<p>{{ contact.name }</p>\n"
EMAIL_EN = "<p>{{ salutation }},</p>\n<p>Welcome, {{ contact.name }}.</p>\n"
OWN_LETTER = "<p>{{ salutation }},</p>\n<p>A letter only for {{ contact.name }}.</p>\n"


@pytest.fixture
def worker(live_server: Any, monkeypatch: Any) -> Iterator[ThreadWorker]:
    """A worker (not started yet) in a thread of this process; stopped at the end. A test
    lists it before `page`: the connection it shares with the live server's threads is
    released after the browser closed the connections those threads serve."""
    found = ThreadWorker(live_server, monkeypatch)
    try:
        yield found
        found.stop()
    finally:
        found.release()


def as_user(user: Any, language: str) -> Any:
    user.language = language
    user.work_date = datetime.date(2026, 12, 7)
    user.save(update_fields=["language", "work_date"])
    return user


def settled(editor: Any) -> None:
    """htmx has swapped in the in-place line editor and bound it."""
    expect(editor).to_have_count(1)
    expect(editor).not_to_have_class(re.compile(r"\bhtmx-added\b"))


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(content)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------
# 1. The e-mail of a template language


@pytest.fixture
def mail_template(db: Any) -> Any:
    group = interaction_services.interaction_group_create(code="MAIL", description="Mailings")
    template = interaction_services.interaction_template_create(
        code="MAIL",
        group=group,
        description="Winter mailing",
        correspondence_type_default="email",
        language_default="EN",
    )
    interaction_services.interaction_template_language_create(template=template, language="NL")
    return template


@pytest.mark.parametrize("language", LANGUAGES)
def test_write_and_upload_the_e_mail_of_template_languages(
    page: Page,
    live_server: Any,
    admin_user: Any,
    mail_template: Any,
    login: Any,
    screenshot: Any,
    language: str,
) -> None:
    words = WORDS[language]
    login(page, as_user(admin_user, language))
    page.goto("/setup/interaction-templates/MAIL/")
    english = page.locator("tr[data-language=EN]")
    dutch = page.locator("tr[data-language=NL]")
    expect(page.get_by_test_id("attachment-EN")).to_contain_text("—")

    # English: Create e-mail opens the editor of a new, empty e-mail.
    english.locator("button[data-action=create-email]").click()
    expect(page.locator("#id_body_html")).to_be_visible()
    row = InteractionTemplateLanguage.objects.select_related("attachment").get(
        template=mail_template, language__code="EN"
    )
    attachment = row.attachment
    assert attachment is not None and attachment.kind == "email"
    expect(page.locator("main")).to_contain_text("{{ salutation }}")  # the merge field list
    page.locator("#id_subject").fill("Offer for {{ contact.first_name }}")
    page.locator("#id_body_html").fill(BROKEN)
    page.locator("main form button.btn-primary[type=submit]").click()
    # Refused, naming the line; nothing saved.
    expect(page.locator("main")).to_contain_text(words["line_error"])
    screenshot(page, f"syntax-error-{language}")
    attachment.refresh_from_db()
    assert (attachment.subject, attachment.body_html) == ("Winter mailing", "")
    page.locator("#id_body_html").fill(EMAIL_EN)
    page.locator("main form button.btn-primary[type=submit]").click()
    expect(page.locator("#messages .alert-success")).to_contain_text(
        words["saved"].format(no=attachment.no)
    )
    expect(page.get_by_test_id("attachment-EN")).to_contain_text(
        "Offer for {{ contact.first_name }}"
    )
    attachment.refresh_from_db()
    # (a browser sends a textarea's lines with CR LF)
    assert (attachment.subject, attachment.body_html.replace("\r\n", "\n")) == (
        "Offer for {{ contact.first_name }}",
        EMAIL_EN,
    )
    assert "{{ salutation }}" in attachment.body_text  # the text part, derived

    # Dutch: a new e-mail, then its HTML body uploaded as a file on the attachment's card.
    dutch.locator("button[data-action=create-email]").click()
    page.locator("#id_subject").fill("Aanbod voor {{ contact.first_name }}")
    page.locator("main form button.btn-primary[type=submit]").click()
    expect(page.locator("#messages .alert-success")).to_be_visible()
    dutch_mail = (
        InteractionTemplateLanguage.objects.select_related("attachment")
        .get(template=mail_template, language__code="NL")
        .attachment
    )
    assert dutch_mail is not None and dutch_mail.kind == "email"
    page.locator("tr[data-language=NL] a[data-action=open]").click()
    page.locator(f"main a[href$='/attachments/{dutch_mail.no}/import/']").first.click()
    upload = page.locator("input[type=file]")
    upload.set_input_files(
        {"name": "aanbod.html", "mimeType": "text/html", "buffer": BROKEN.encode()}
    )
    page.locator("main form button.btn-primary[type=submit]").click()
    expect(page.locator("main")).to_contain_text(words["line_error"])
    upload.set_input_files(
        {"name": "aanbod.html", "mimeType": "text/html", "buffer": EMAIL_NL.encode()}
    )
    page.locator("main form button.btn-primary[type=submit]").click()
    expect(page.locator("#messages .alert-success")).to_contain_text(
        words["imported"].format(no=dutch_mail.no)
    )
    expect(page.locator("[data-field=preview-subject]")).to_have_text(
        "Aanbod voor {{ contact.first_name }}"
    )
    screenshot(page, f"uploaded-{language}")
    dutch_mail.refresh_from_db()
    assert dutch_mail.body_html == EMAIL_NL
    page.goto("/setup/interaction-templates/MAIL/")
    expect(page.get_by_test_id("attachment-NL")).to_contain_text(
        "Aanbod voor {{ contact.first_name }}"
    )
    screenshot(page, f"template-card-{language}")

    # Edit opens the editor on what is stored (saving it unchanged must not blank the e-mail).
    page.locator("tr[data-language=EN] button[data-action=edit]").click()
    expect(page.locator("#id_subject")).to_have_value("Offer for {{ contact.first_name }}")
    expect(page.locator("#id_body_html")).to_have_value(EMAIL_EN)


# ---------------------------------------------------------------------------------------------
# 2. A segment of e-mails in two languages, one line personalised, delivered over SMTP


def open_logged_segment(page: Page, words: dict[str, str], expected: str) -> LoggedSegment:
    """From the segment card: Log (Deliver on by default), then the logged segment's card."""
    page.get_by_role("link", name=words["log"], exact=True).click()
    expect(page.locator("#id_deliver")).to_be_checked()
    expect(page.get_by_test_id("delivery-check")).to_contain_text(expected)
    page.locator("main form button[type=submit].btn-primary").click()
    page.get_by_role("link", name=words["open_logged"]).click()
    logged = LoggedSegment.objects.get()
    expect(page.locator("h1")).to_contain_text(str(logged.entry_no))
    return logged


def watch_delivery(
    page: Page, words: dict[str, str], worker: ThreadWorker, screenshot: Any, label: str
) -> Any:
    """The delivery panel waits for a worker; started, its bar reaches the total by itself."""
    panel = page.get_by_test_id("delivery-panel")
    expect(panel).to_have_attribute("data-finished", "false")
    expect(panel.get_by_test_id("delivery-sent")).to_have_text(words["none_sent"])
    expect(panel.get_by_test_id("delivery-no-worker")).to_be_visible()
    screenshot(page, f"{label}-queued")
    worker.start()
    try:
        expect(panel.get_by_test_id("delivery-progress")).to_have_attribute(
            "aria-valuenow", "3", timeout=30_000
        )
    except AssertionError as error:
        raise AssertionError(f"{error}\n{worker.state()}") from error
    expect(panel).to_have_attribute("data-finished", "true")
    expect(panel.get_by_test_id("delivery-sent")).to_have_text(words["all_sent"])
    expect(panel.get_by_test_id("delivery-no-worker")).to_have_count(0)
    worker.stop()
    states = list(
        InteractionLogEntry.objects.order_by("entry_no").values_list(
            "contact__no", "delivery_status", "delivery_error"
        )
    )
    assert states == [(no, "delivered", "") for no in ("ANN", "JAN", "KEES")]
    expect(panel.locator("[data-count=delivered]")).to_have_text("3")
    expect(panel.locator("[data-count=failed]")).to_have_text("0")
    panel.scroll_into_view_if_needed()
    screenshot(page, f"{label}-delivered-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"{label}-delivered-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    return panel


@pytest.mark.parametrize("language", LANGUAGES)
def test_personalise_log_with_deliver_and_watch_the_e_mails_go_out(
    worker: ThreadWorker,
    page: Page,
    live_server: Any,
    make_user: Any,
    smtp_mailer: SmtpServer,
    login: Any,
    screenshot: Any,
    language: str,
) -> None:
    words = WORDS[language]
    user = as_user(make_user(username="mia", role="marketing"), language)
    world = mailing_world(user)
    login(page, user)

    # The segment card: the interaction languages, each with its e-mail.
    page.goto("/segments/S1/")
    languages = page.get_by_test_id("interaction-languages")
    for code, subject in (("EN", "Offer for"), ("NL", "Aanbod voor")):
        expect(languages.locator(f"tr[data-language={code}]")).to_contain_text(subject)

    # Kees's line gets its own attachment: an HTML letter, created on the line's page.
    lines = page.get_by_test_id("segment-lines")
    lines.locator("tbody").filter(has_text="Kees").locator("a[data-line-edit]").click()
    editor = lines.locator("tbody[data-line-editor]")
    settled(editor)
    editor.get_by_role("link", name=words["all_fields"]).click()
    own = page.get_by_test_id("line-attachment")
    expect(own).to_contain_text(words["inherited"])
    own.get_by_role("link", name=words["create"]).click()
    page.locator("#id_kind").select_option("pdf")
    page.locator("#id_body_html").fill(OWN_LETTER)
    page.locator("main form button.btn-primary[type=submit]").click()
    kees_line = world.segment.lines.get(contact__no="KEES")
    assert kees_line.attachment is not None and kees_line.attachment.kind == "pdf"
    expect(page.locator("#messages .alert-success")).to_contain_text(
        words["stored"].format(no=kees_line.attachment.no)
    )
    expect(page.get_by_test_id("line-attachment")).to_contain_text(words["unique"])
    screenshot(page, f"line-attachment-{language}")

    # Log with Deliver; the logged segment's progress bar reaches the total.
    page.goto("/segments/S1/")
    logged = open_logged_segment(page, words, words["e_mails"])
    watch_delivery(page, words, worker, screenshot, f"mail-{language}")

    # A delivered entry says so.
    ann = InteractionLogEntry.objects.get(contact__no="ANN")
    page.get_by_test_id("logged-interactions").get_by_role(
        "link", name=str(ann.entry_no), exact=True
    ).click()
    status = page.get_by_test_id("delivery-panel")
    expect(status).to_have_attribute("data-status", "delivered")
    expect(status.get_by_test_id("delivery-status")).to_have_text(words["delivered"])
    screenshot(page, f"entry-{language}")

    # The SMTP server got exactly one message per contact.
    entries = InteractionLogEntry.objects.filter(logged_segment_entry_no=logged.entry_no)
    assert sorted(entries.values_list("delivery_status", flat=True)) == ["delivered"] * 3
    assert len(smtp_mailer.messages) == 3
    assert sorted(smtp_mailer.ids.values()) == [1, 1, 1]
    received = {recipients[0]: message for recipients, message in smtp_mailer.messages}
    assert sorted(received) == ["ann@example.com", "jan@example.nl", "kees@example.nl"]
    assert all(len(recipients) == 1 for recipients, _ in smtp_mailer.messages)

    ann_mail, jan_mail = received["ann@example.com"], received["jan@example.nl"]
    assert str(ann_mail["Subject"]) == "Offer for Ann"
    assert str(jan_mail["Subject"]) == "Aanbod voor Jan"
    ann_html = ann_mail.get_body(("html",)).get_content()
    jan_html = jan_mail.get_body(("html",)).get_content()
    assert "Dear Ann Smith," in ann_html and "An offer for Ann Smith." in ann_html
    assert "Geachte heer/mevrouw de Vries," in jan_html
    assert "Een aanbod voor Jan de Vries." in jan_html
    assert "Dear Ann Smith," in ann_mail.get_body(("plain",)).get_content()
    assert "Geachte heer/mevrouw de Vries," in jan_mail.get_body(("plain",)).get_content()
    assert list(ann_mail.iter_attachments()) == list(jan_mail.iter_attachments()) == []

    # Kees: the line's own letter, merged in Dutch and printed, as the one attachment.
    kees_mail = received["kees@example.nl"]
    kees_entry = entries.get(contact__no="KEES")
    assert str(kees_mail["Subject"]) == kees_entry.subject
    files = list(kees_mail.iter_attachments())
    assert [part.get_content_type() for part in files] == ["application/pdf"]
    pages = pdf_pages(files[0].get_content())
    assert len(pages) == 1
    assert "Geachte heer/mevrouw Bakker," in flat(pages[0])
    assert "A letter only for Kees Bakker." in flat(pages[0])


# ---------------------------------------------------------------------------------------------
# 3. A hard-copy segment: the letters to download


@pytest.mark.parametrize("language", LANGUAGES)
def test_log_hard_copy_with_deliver_and_download_the_letters(
    worker: ThreadWorker,
    page: Page,
    live_server: Any,
    make_user: Any,
    login: Any,
    screenshot: Any,
    language: str,
) -> None:
    words = WORDS[language]
    user = as_user(make_user(username="mia", role="marketing"), language)
    letters_world(user)
    login(page, user)

    page.goto("/segments/S2/")
    open_logged_segment(page, words, words["letters"])
    panel = watch_delivery(page, words, worker, screenshot, f"letters-{language}")

    with page.expect_download() as download_info:
        panel.get_by_test_id("letters-pdf").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    path = download.path()
    assert path is not None
    pages = [flat(text) for text in pdf_pages(path.read_bytes())]
    assert len(pages) == 3
    names = {
        "Ann Smith": "Dear Ann Smith,",
        "Jan de Vries": "Geachte heer/mevrouw de Vries,",
        "Kees Bakker": "Geachte heer/mevrouw Bakker,",
    }
    for name, greeting in names.items():
        on = [text for text in pages if f"A printed letter for {name}." in text]
        assert len(on) == 1, (name, pages)
        assert greeting in on[0]
