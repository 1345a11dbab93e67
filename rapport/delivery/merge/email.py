"""The merged e-mail of each log entry: `email_parts(entry_nos) -> {entry_no: EmailParts}`.

Merged in the entry's language from the entry's (read-only) attachment:

* `email`: the subject, the HTML body (merged, then its CSS inlined with css-inline so mail
  clients show it as previewed) and the plain text: the text written by hand, or else the
  text derived from the HTML *template* once per attachment (inscriptis keeps the merge tags)
  and merged per contact; where that derivation cannot be trusted (a tag inside a table, whose
  text HTML parsers move about) the merged HTML is converted per message instead.
* `word`: the merged .docx attached; `pdf` (an HTML letter): the merged letter printed to PDF
  and attached; `file`: attached as it is. Their message has the interaction's subject.

A template that cannot be merged raises MergeError (the sender then fails that entry alone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapport.delivery.merge.context import CHUNK, merge_contexts
from rapport.delivery.merge.sandbox import (
    one_line,
    render_docx,
    render_html,
    render_subject,
    render_text,
    template_check,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_BLOCK_IN_TABLE = re.compile(r"<table\b.*?{%.*?</table\s*>", re.IGNORECASE | re.DOTALL)
_STYLES = re.compile(r"<style\b|<link\b|\bstyle=", re.IGNORECASE)


@dataclass(frozen=True)
class EmailParts:
    to: str
    to_name: str
    subject: str
    html: str
    text: str
    files: list[tuple[str, str, bytes]] = field(default_factory=list)


@lru_cache(maxsize=1)
def _inliner() -> Any:
    import css_inline

    return css_inline.CSSInliner(load_remote_stylesheets=False)


def inline_css(html: str) -> str:
    """The HTML with its `<style>` rules moved into `style` attributes (nothing to do when it
    has no styles)."""
    if not html or not _STYLES.search(html):
        return html
    return str(_inliner().inline(html))


def html_to_text(html: str) -> str:
    from inscriptis import get_text

    return get_text(html).strip() if html.strip() else ""


@lru_cache(maxsize=128)
def text_template(body_html: str) -> str | None:
    """The plain-text template derived from an HTML template, or None when it cannot be
    trusted (a `{% … %}` inside a table, or a derived text that does not check clean)."""
    if _BLOCK_IN_TABLE.search(body_html):
        return None
    text = html_to_text(body_html)
    return None if template_check(text, mode="text") else text


def merged_text(attachment: Any, html_source: str, html: str, context: dict[str, Any]) -> str:
    """The plain-text part: the hand-written text merged, else the derived text template
    merged, else the merged HTML converted."""
    if attachment.body_text_manual:
        return render_text(attachment.body_text, context)
    template = text_template(html_source)
    if template is None:
        return html_to_text(html)
    return render_text(template, context).strip()


class _Merger:
    """Merges the entries of one call, reading each attachment's file once."""

    def __init__(self) -> None:
        self.contents: dict[int, bytes] = {}

    def content(self, attachment: Any) -> bytes:
        from rapport.attachments.services import attachment_content

        if attachment.pk not in self.contents:
            self.contents[attachment.pk] = bytes(attachment_content(attachment))
        return self.contents[attachment.pk]

    def parts(self, row: dict[str, Any], attachment: Any, context: dict[str, Any]) -> EmailParts:
        to, to_name = row["contact__email"] or "", row["contact__name"] or ""
        entry_subject = one_line(row["subject"] or "")
        if attachment is None:
            return EmailParts(to, to_name, entry_subject, "", "")
        if attachment.kind == "email":
            html = render_html(attachment.body_html, context)
            subject = render_subject(attachment.subject, context) or entry_subject
            text = merged_text(attachment, attachment.body_html, html, context)
            return EmailParts(to, to_name, subject, inline_css(html), text)
        return EmailParts(to, to_name, entry_subject, "", "", [self.file(attachment, context)])

    def file(self, attachment: Any, context: dict[str, Any]) -> tuple[str, str, bytes]:
        name = attachment.file_name
        if attachment.kind == "word":
            return name or "letter.docx", DOCX_TYPE, render_docx(self.content(attachment), context)
        if attachment.kind == "pdf":
            from rapport.delivery.letters import render_pdf

            pdf = render_pdf([render_html(attachment.body_html, context)])
            stem = name.rsplit(".", 1)[0] if name else "letter"
            return f"{stem}.pdf", "application/pdf", pdf
        kind = attachment.content_type or "application/octet-stream"
        return name or "attachment", kind, self.content(attachment)


def email_parts(entry_nos: list[int]) -> dict[int, EmailParts]:
    """{entry_no: EmailParts} of the given log entries (unknown numbers left out): a handful
    of queries for any number of entries. Raises MergeError when an entry's template cannot
    be merged."""
    from rapport.attachments.models import Attachment
    from rapport.interactions.models import InteractionLogEntry

    contexts = merge_contexts(entry_nos)
    numbers = list(contexts)
    rows: list[dict[str, Any]] = []
    for start in range(0, len(numbers), CHUNK):
        chunk = InteractionLogEntry.objects.filter(entry_no__in=numbers[start : start + CHUNK])
        rows.extend(
            dict(row)
            for row in chunk.values(
                "entry_no", "attachment_id", "subject", "contact__email", "contact__name"
            )
        )
    ids = {row["attachment_id"] for row in rows if row["attachment_id"]}
    by_id = Attachment.objects.in_bulk(ids) if ids else {}
    merger = _Merger()
    return {
        row["entry_no"]: merger.parts(
            row, by_id.get(row["attachment_id"]), contexts[row["entry_no"]]
        )
        for row in rows
    }
