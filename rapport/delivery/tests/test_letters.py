"""Printing letters: one page per contact, chunked concatenation, the Word zip, the missing
PDF libraries."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader

from rapport.delivery import letters


def _letter(name: str) -> str:
    return (
        "<html><head><style>h1 { color: #123456 }</style></head>"
        f"<body><h1>Dear {name}</h1><p>Thank you for your visit.</p></body></html>"
    )


def _texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_render_pdf_prints_one_page_per_contact_with_the_contacts_name():
    pdf = letters.render_pdf([_letter("Ann Smith"), _letter("Jan de Vries"), _letter("Bo Li")])

    assert _texts(pdf) == [
        "Dear Ann Smith\nThank you for your visit.",
        "Dear Jan de Vries\nThank you for your visit.",
        "Dear Bo Li\nThank you for your visit.",
    ]


def test_render_pdf_joins_chunks_in_order_across_the_boundary():
    names = [f"Contact {n:03d}" for n in range(101)]

    pdf = letters.render_pdf([_letter(name) for name in names], chunk_size=50)

    texts = _texts(pdf)
    assert len(texts) == 101
    assert [text.splitlines()[0] for text in texts] == [f"Dear {name}" for name in names]


def test_render_pdf_of_no_letters_is_empty():
    assert letters.render_pdf([]) == b""


def test_join_letters_keeps_each_style_once_and_takes_fragments_as_they_are():
    joined = letters.join_letters([_letter("A"), _letter("B"), "<p>Only a fragment</p>"])

    assert joined.count("h1 { color: #123456 }") == 1
    assert joined.count('<section class="rapport-letter">') == 3
    assert '<section class="rapport-letter"><p>Only a fragment</p></section>' in joined


def test_a_letter_loads_no_remote_or_local_resources():
    page = (
        '<html><body><img src="file:///etc/passwd"><img src="http://127.0.0.1:1/x.png">'
        "<p>Dear Ann</p></body></html>"
    )

    assert _texts(letters.render_pdf([page])) == ["Dear Ann"]
    with pytest.raises(ValueError, match="disallowed protocol"):
        letters._url_fetcher()("file:///etc/passwd")


def test_missing_pdf_libraries_name_the_packages(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def failing_import(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", failing_import)

    with pytest.raises(letters.PdfUnavailable) as raised:
        letters.render_pdf([_letter("Ann")])

    assert raised.value.status == 503
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0" in str(
        raised.value
    )
    assert "cannot load library 'libpango-1.0-0'" in str(raised.value)


def test_zip_documents_keeps_each_document_and_numbers_a_name_used_twice():
    data = letters.zip_documents(
        [("7-Ann.docx", b"one"), ("8-Bo.docx", b"two"), ("7-Ann.docx", b"three")]
    )

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["7-Ann.docx", "8-Bo.docx", "7-Ann-2.docx"]
        assert archive.read("7-Ann-2.docx") == b"three"


def test_render_docx_zip_merges_each_word_letter_with_its_contact():
    from docx import Document

    document = Document()
    document.add_paragraph("Dear {{ contact.name }},")
    out = io.BytesIO()
    document.save(out)
    template = out.getvalue()

    data = letters.render_docx_zip(
        [
            ("1-Ann.docx", template, {"contact": {"name": "Ann & Co"}}),
            ("2-Bo.docx", template, {"contact": {"name": "Bo"}}),
        ]
    )

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["1-Ann.docx", "2-Bo.docx"]
        texts = [
            [p.text for p in Document(io.BytesIO(archive.read(name))).paragraphs]
            for name in archive.namelist()
        ]
    assert texts == [["Dear Ann & Co,"], ["Dear Bo,"]]
