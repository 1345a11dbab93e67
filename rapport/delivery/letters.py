"""Printed letters: the hard-copy entries of a delivery merged per contact, as one PDF (a page
break between contacts) and a zip of the merged Word documents, stored as read-only
attachments on the Delivery.

WeasyPrint is imported lazily (it loads Pango through cffi at import, ~1.5 s, and raises OSError
when the system libraries are missing, which must not stop `rapport serve`). Letters are printed
in chunks of `CHUNK_SIZE` documents, each written to PDF and appended with pypdf, so memory
stays flat however many contacts there are (one document of 1,000 letters needs ~270 MiB, in
chunks of 100 ~110 MiB).
"""

from __future__ import annotations

import contextlib
import gc
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils.translation import gettext as _

from rapport.core.errors import DomainError

CHUNK_SIZE = 100
WAITING = ("queued", "sending")
LETTER_FIELDS = {"pdf": "letters_pdf", "docx": "letters_docx"}
LETTER_TYPES = {"pdf": "application/pdf", "docx": "application/zip"}
PDF_LIBRARIES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
PDF_FILE_NAME = "letters-{name}.pdf"
DOCX_FILE_NAME = "letters-{name}.zip"

_BODY = re.compile(r"<body[^>]*>(.*?)</body\s*>", re.IGNORECASE | re.DOTALL)
_STYLE = re.compile(r"<style[^>]*>.*?</style\s*>", re.IGNORECASE | re.DOTALL)
_PAGE_CSS = (
    "<style>section.rapport-letter{break-after:page}"
    "section.rapport-letter:last-child{break-after:auto}</style>"
)


class PdfUnavailable(DomainError):
    status = 503
    code = "pdf_unavailable"


def _html_class() -> Any:
    """WeasyPrint's HTML class, imported on first use; a clear error naming the system
    packages when Pango/HarfBuzz cannot be loaded."""
    try:
        from weasyprint import HTML
    except (OSError, ImportError) as error:
        raise PdfUnavailable(
            _(
                "Letters cannot be printed to PDF: the PDF libraries are missing (%(error)s). "
                "Install them with `apt-get install %(packages)s` (make install does this "
                "when run as root)."
            )
            % {"error": str(error)[:200], "packages": PDF_LIBRARIES}
        ) from error
    return HTML


def _url_fetcher() -> Any:
    """WeasyPrint's URL fetcher for letters: `data:` images only (no remote stylesheets or
    images, no local files)."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"})


def join_letters(html_pages: Sequence[str]) -> str:
    """One HTML document with each letter's body in its own section, a page break after each
    but the last; the letters' `<style>` blocks once each, in the head."""
    styles: dict[str, None] = {}
    sections = []
    for page in html_pages:
        head, body = page, page
        found = _BODY.search(page)
        if found:
            head, body = page[: found.start()], found.group(1)
        for style in _STYLE.findall(head):
            styles.setdefault(style)
        if not found:
            body = _STYLE.sub("", body)
        sections.append(f'<section class="rapport-letter">{body}</section>')
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{_PAGE_CSS}{"".join(styles)}'
        f"</head><body>{''.join(sections)}</body></html>"
    )


def _chunks(items: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_pdf(html_pages: Iterable[str], out: Any, *, chunk_size: int = CHUNK_SIZE) -> int:
    """Print `html_pages` (one merged letter each) to `out` (a binary file), `chunk_size`
    letters per WeasyPrint document, the chunks concatenated with pypdf. Returns the number of
    letters printed."""
    from pypdf import PdfReader, PdfWriter

    html = _html_class()
    fetcher = _url_fetcher()
    writer = PdfWriter()
    count = 0
    for chunk in _chunks(html_pages, max(1, chunk_size)):
        pdf = html(string=join_letters(chunk), url_fetcher=fetcher).write_pdf()
        for page in PdfReader(io.BytesIO(pdf)).pages:
            writer.add_page(page)  # lighter than append(): no outlines or named destinations
        count += len(chunk)
        del pdf
        gc.collect()  # WeasyPrint's layout leaves reference cycles: free them per chunk
    if count:
        writer.write(out)
    writer.close()
    return count


def render_pdf(html_pages: Sequence[str], *, chunk_size: int = CHUNK_SIZE) -> bytes:
    """The PDF of `html_pages`: each merged letter starts on a new page."""
    if not html_pages:
        return b""
    out = io.BytesIO()
    write_pdf(html_pages, out, chunk_size=chunk_size)
    return out.getvalue()


def zip_documents(documents: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip of `(file name, content)` documents (a name used twice gets a number)."""
    out = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in documents:
            unique, stem, suffix, n = name, *_split(name), 1
            while unique in used:
                n += 1
                unique = f"{stem}-{n}{suffix}"
            used.add(unique)
            archive.writestr(unique, content)
    return out.getvalue()


def _split(name: str) -> tuple[str, str]:
    stem, dot, suffix = name.rpartition(".")
    return (stem, f".{suffix}") if dot and stem else (name, "")


def render_docx_zip(letters: Iterable[tuple[str, bytes, dict[str, Any]]]) -> bytes:
    """The zip of the merged Word letters: `(file name, .docx template, merge context)` each,
    merged with docxtpl in the merge sandbox."""
    from rapport.delivery.merge.docx import render_docx

    return zip_documents(
        (name, render_docx(content, context)) for name, content, context in letters
    )


def letters_state(delivery: Any) -> str:
    """ "none" (no hard-copy message), "building" (some still waiting) or "built"."""
    from rapport.delivery.models import OutboxMessage

    if delivery is None:
        return "none"
    states = set(
        OutboxMessage.objects.filter(delivery=delivery, channel="hard_copy").values_list(
            "state", flat=True
        )
    )
    if not states:
        return "none"
    return "building" if states & {"queued", "sending", "handed_over"} else "built"


def letters_file(delivery: Any, kind: str, *, what: str) -> Any:
    """The stored letters of `delivery` (`kind` "pdf": the PDF, "docx": the zip of Word
    letters), an Attachment. NotFoundError when it has no hard-copy entries or no such
    letters; ConflictError (with the job) while they are not printed yet. `what` names the
    interaction or logged segment in the messages."""
    from rapport.core.errors import ConflictError, NotFoundError, ValidationFailed

    if kind not in LETTER_FIELDS:
        raise ValidationFailed({"format": [_("Choose pdf or docx.")]})
    state = letters_state(delivery)
    if state == "none":
        raise NotFoundError(_("%(what)s has no hard-copy interactions.") % {"what": what})
    stored = getattr(delivery, LETTER_FIELDS[kind], None)
    if stored is None and state == "building":
        from rapport.core.jobs import job_find

        job = job_find(f"delivery-{delivery.pk}") or {}
        raise ConflictError(
            _("The letters are not printed yet; follow the job."),
            code="letters_not_ready",
            details={"job": {key: value for key, value in job.items() if key != "user_id"}},
        )
    if stored is None:
        message = (
            _("%(what)s has no Word letters.")
            if kind == "docx"
            else _("%(what)s has no letters to print as PDF.")
        )
        raise NotFoundError(message % {"what": what})
    return stored


def letters_build(delivery: Any) -> list[int]:
    """Print the delivery's hard-copy entries: their merged letters in one PDF (HTML letters
    and e-mail bodies, a page break between contacts) and the merged Word letters in one zip,
    stored as read-only attachments on the delivery (replacing earlier ones). Entries that
    cannot be printed (a plain file, no attachment, a merge error) are marked failed with the
    reason. The PDF and zip hold every hard-copy letter of the delivery not failed (so a
    resend rebuilds them whole); returns the entry nos. printed that were waiting, in order."""
    from rapport.delivery.merge.context import merge_contexts
    from rapport.delivery.models import OutboxMessage

    messages = list(
        OutboxMessage.objects.filter(delivery=delivery, channel="hard_copy")
        .exclude(state="failed")
        .select_related("entry__attachment")
        .order_by("entry__entry_no")
    )
    waiting = {m.entry.entry_no for m in messages if m.state in WAITING}
    if not waiting:
        return []
    batch = _Batch(merge_contexts([message.entry.entry_no for message in messages]))
    pages = [
        (message.entry.entry_no, page)
        for message in messages
        if (page := batch.html(message)) is not None
    ]
    words = [message for message in messages if batch.is_word(message)]
    _store(delivery, pages, batch.docx_files(words))  # merges the Word letters as it zips
    for reason, ids in batch.failed.items():
        _fail(ids, reason)
    return sorted((batch.printed | {no for no, _page in pages}) & waiting)


class _Unprintable(Exception):
    """An entry whose letter cannot be printed; the message is the reason shown."""


class _Batch:
    """Merging a delivery's letters: the reasons of those that cannot be printed (by reason,
    the message ids) and the Word letters merged."""

    def __init__(self, contexts: dict[int, dict[str, Any]]) -> None:
        self.contexts = contexts
        self.failed: dict[str, list[int]] = {}
        self.printed: set[int] = set()
        self._templates: dict[int, bytes] = {}

    def _refuse(self, message: Any, reason: Any) -> None:
        self.failed.setdefault(str(reason), []).append(message.pk)

    def is_word(self, message: Any) -> bool:
        attachment = message.entry.attachment
        return attachment is not None and attachment.kind == "word"

    def html(self, message: Any) -> str | None:
        """The entry's merged HTML letter (an HTML letter or a printed e-mail body); None for
        a Word letter (see `docx_files`) or when it cannot be printed (the reason noted)."""
        from rapport.delivery.merge.sandbox import render_html

        attachment = message.entry.attachment
        if self.is_word(message):
            return None
        try:
            if attachment is None:
                raise _Unprintable(_("The interaction has no attachment to print."))
            if attachment.kind not in ("pdf", "email"):
                raise _Unprintable(
                    _(
                        "Attachment %(no)s is a file, which cannot be merged into a letter; "
                        "print it yourself or use a Word or HTML letter."
                    )
                    % {"no": attachment.no}
                )
            with _merging():
                return str(render_html(attachment.body_html, self._context(message)))
        except _Unprintable as refused:
            self._refuse(message, refused)
            return None

    def docx_files(self, messages: list[Any]) -> Iterator[tuple[str, bytes]]:
        """The merged Word letters of `messages`, one at a time (as the zip takes them)."""
        from rapport.attachments.services import attachment_content
        from rapport.delivery.merge.docx import render_docx

        for message in messages:
            attachment = message.entry.attachment
            if attachment.pk not in self._templates:
                self._templates[attachment.pk] = attachment_content(attachment)
            try:
                with _merging():
                    merged = render_docx(self._templates[attachment.pk], self._context(message))
            except _Unprintable as refused:
                self._refuse(message, refused)
                continue
            self.printed.add(message.entry.entry_no)
            yield _docx_name(message.entry), bytes(merged)

    def _context(self, message: Any) -> dict[str, Any]:
        return self.contexts.get(message.entry.entry_no, {})


@contextlib.contextmanager
def _merging() -> Iterator[None]:
    """A merge that fails becomes _Unprintable with the reason (it fails only its entry)."""
    try:
        yield
    except DomainError as error:
        raise _Unprintable(error.message) from error
    except Exception as error:
        raise _Unprintable(
            _("The letter could not be merged: %(error)s") % {"error": str(error)[:300]}
        ) from error


def _docx_name(entry: Any) -> str:
    contact = re.sub(r"[^\w.-]+", "-", str(getattr(entry.contact, "name", "") or "")).strip("-")
    return f"{entry.entry_no}-{contact[:60] or 'letter'}.docx"


def _store(delivery: Any, pages: list[tuple[int, str]], words: Iterator[tuple[str, bytes]]) -> None:
    """Save the PDF and the zip as read-only attachments on the delivery (the ones they
    replace are released; no zip when no Word letter could be merged)."""
    from rapport.attachments.services import attachment_create, attachment_release

    name = str(delivery.logged_segment_entry_no or delivery.entry_no or delivery.pk)
    stored: dict[str, Any] = {"letters_pdf": None, "letters_docx": None}
    if pages:
        stored["letters_pdf"] = attachment_create(
            kind="file",
            file_name=PDF_FILE_NAME.format(name=name),
            content=render_pdf([page for _no, page in pages]),
            read_only=True,
        )
    counted = _Counted(words)
    archive = zip_documents(counted)
    if counted.n:
        stored["letters_docx"] = attachment_create(
            kind="file", file_name=DOCX_FILE_NAME.format(name=name), content=archive, read_only=True
        )
    old = [getattr(delivery, field) for field in stored]
    for field, attachment in stored.items():
        setattr(delivery, field, attachment)
    delivery.save(update_fields=list(stored))
    for attachment in old:
        if attachment is not None:
            attachment_release(attachment)


class _Counted:
    """An iterator that counts what it gave."""

    def __init__(self, items: Iterator[tuple[str, bytes]]) -> None:
        self.items, self.n = items, 0

    def __iter__(self) -> Iterator[tuple[str, bytes]]:
        for item in self.items:
            self.n += 1
            yield item


def _fail(message_ids: list[int], reason: str) -> None:
    """Mark the hard-copy messages `message_ids` failed with `reason` (outbox and entries)."""
    from rapport.delivery.models import OutboxMessage
    from rapport.interactions.models import InteractionLogEntry

    waiting = OutboxMessage.objects.filter(pk__in=message_ids, state__in=WAITING)
    entry_ids = list(waiting.values_list("entry_id", flat=True))
    waiting.update(state="failed", error=reason)
    InteractionLogEntry.objects.filter(pk__in=entry_ids).update(
        delivery_status="failed", delivery_error=reason
    )
