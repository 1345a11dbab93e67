"""Word letter templates (.docx) merged with docxtpl in the merge sandbox.

docxtpl turns the document's XML into one Jinja template per part (body, headers, footers,
footnotes, and the document properties); it puts every paragraph (`<w:p`) on its own line, so
a template line is a paragraph number, which is how problems are reported. Rendering uses the
sandbox's HTML environment (autoescape on: a value such as "Smith & Sons" would otherwise break
the XML and docxtpl's lenient parser would silently drop the rest of the paragraph)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from jinja2 import TemplateError, TemplateSyntaxError

from rapport.delivery.merge.sandbox import (
    DOCX_ENVIRONMENT,
    MergeError,
    check_parsed,
    syntax_message,
)

_PARAGRAPH = re.compile(r"<w:p([ >])")
FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


def _load(content: bytes) -> Any:
    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate

    template = DocxTemplate(io.BytesIO(content))
    try:
        template.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise MergeError(_("This is not a Word document (.docx) that can be read.")) from exc
    return template


def _parts(template: Any) -> Iterator[tuple[str, str]]:
    """(where, template source) of every part docxtpl merges."""
    from docx.oxml import parse_xml

    docx = template.docx
    yield "", template.patch_xml(template.xml_to_string(docx._element.body))
    for uri, where in ((template.HEADER_URI, _("header")), (template.FOOTER_URI, _("footer"))):
        for _key, part in template.get_headers_footers(uri):
            yield where, template.patch_xml(template.xml_to_string(parse_xml(part.blob)))
    for part in docx.part.package.parts:
        if part.content_type == FOOTNOTES:
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            yield _("footnotes"), template.patch_xml(blob)
    for name in PROPERTIES:
        value = getattr(docx.core_properties, name) or ""
        if "{" in value:
            yield _("document properties"), value


def _paragraph(line: int) -> int:
    """docxtpl's template line → the paragraph number (line 1 is what precedes the first)."""
    return max(line - 1, 1)


def docx_check(content: bytes) -> list[tuple[int, str]]:
    """The problems of a Word letter template as (paragraph, message); a problem outside the
    body names its part ("header: …")."""
    try:
        template = _load(content)
        parts = list(_parts(template))
    except MergeError as exc:
        return [(1, exc.message)]
    except Exception:  # a damaged document: docx/lxml raise many kinds
        return [(1, _("This is not a Word document (.docx) that can be read."))]
    problems: list[tuple[int, str]] = []
    for where, source in parts:
        source = _PARAGRAPH.sub(r"\n<w:p\1", source)
        try:
            found = check_parsed(DOCX_ENVIRONMENT.parse(source))
        except TemplateSyntaxError as exc:
            found = [(exc.lineno or 1, syntax_message(exc))]
        for line, message in found:
            problems.append((_paragraph(line), f"{where}: {message}" if where else message))
    return problems


def render_docx(content: bytes, context: dict[str, Any]) -> bytes:
    """The Word letter template merged for one contact: a new .docx. Raises MergeError naming
    the paragraph when the template cannot be merged."""
    template = _load(content)
    try:
        template.render(context, jinja_env=DOCX_ENVIRONMENT, autoescape=True)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        message = getattr(exc, "message", None) or str(exc)
        if line:
            message = _("Paragraph %(line)s: %(message)s") % {
                "line": _paragraph(line),
                "message": message,
            }
        raise MergeError(
            _("The Word letter could not be merged: %(error)s") % {"error": message}
        ) from exc
    except MergeError:
        raise
    except (ArithmeticError, TypeError, ValueError, LookupError) as exc:
        raise MergeError(
            _("The Word letter could not be merged: %(error)s") % {"error": exc}
        ) from exc
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
