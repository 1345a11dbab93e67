"""The merge preview: an attachment merged for a chosen contact, as the contact would receive
it when logged from an interaction template, a segment or a segment line (issue 10, point 3).
Nothing is stored; the API (`POST attachments/<no>/preview/`) and the page
(`delivery:attachment-preview`) both call `attachment_preview`."""

from __future__ import annotations

import html as html_lib
import io
from typing import Any

from django.utils.translation import gettext as _

from rapport.core.errors import ValidationFailed
from rapport.delivery.merge.context import preview_context
from rapport.delivery.merge.email import html_to_text, inline_css, merged_text
from rapport.delivery.merge.sandbox import render_docx, render_html, render_subject


def _docx_preview(content: bytes) -> tuple[str, str]:
    """(html, text) of a merged Word letter: its paragraphs (tables' too), as text."""
    from docx import Document

    document = Document(io.BytesIO(content))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append("\t".join(cell.text for cell in row.cells))
    html = "".join(f"<p>{html_lib.escape(text)}</p>" for text in paragraphs)
    return html, "\n".join(paragraphs).strip()


def attachment_preview(
    *,
    attachment: Any,
    contact_no: str,
    actor: Any,
    template_code: str = "",
    segment_no: str = "",
    line_no: int | None = None,
    language_code: str = "",
) -> dict[str, str]:
    """{subject, html, text}: the attachment merged for the contact (see
    `merge.context.preview_context` for where the interaction values and the language come
    from). An e-mail gives its subject, its HTML with the CSS inlined, and its text part; an
    HTML letter its HTML and text; a Word letter its merged paragraphs. A plain file has
    nothing to merge (ValidationFailed), nor has a contact, segment, line or template that
    does not exist (ValidationFailed naming the key); a template that cannot be merged raises
    MergeError."""
    from rapport.attachments.services import attachment_content

    if attachment.kind == "file":
        raise ValidationFailed(
            _("Attachment %(no)s is a file, sent as it is: it has no merge fields to preview.")
            % {"no": attachment.no}
        )
    context = preview_context(
        contact_no=contact_no,
        template_code=template_code,
        segment_no=segment_no,
        line_no=line_no,
        language_code=language_code,
        actor=actor,
    )
    if attachment.kind == "word":
        html, text = _docx_preview(render_docx(attachment_content(attachment), context))
        return {"subject": "", "html": html, "text": text}
    html = render_html(attachment.body_html, context)
    if attachment.kind == "email":
        return {
            "subject": render_subject(attachment.subject, context),
            "html": inline_css(html),
            "text": merged_text(attachment, attachment.body_html, html, context),
        }
    return {"subject": "", "html": html, "text": html_to_text(html)}
