"""Test helpers: real documents for attachments (a .docx made by python-docx)."""

from __future__ import annotations

import io


def docx_bytes(*paragraphs: str) -> bytes:
    """A real Word document (.docx) holding `paragraphs` (one empty paragraph when none)."""
    import docx

    document = docx.Document()
    for text in paragraphs or ("",):
        document.add_paragraph(text)
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()
