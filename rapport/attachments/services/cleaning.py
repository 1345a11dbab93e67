"""The checks of an attachment's values, shared by create and update."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from inscriptis import get_text

from rapport.attachments import hooks
from rapport.attachments.choices import BODY_KINDS, AttachmentKind
from rapport.attachments.content import HTML_TYPE, check_file
from rapport.attachments.models import FILE_NAME_LENGTH, SUBJECT_LENGTH, Attachment
from rapport.core.cleaners import clean_flag, clean_text
from rapport.core.errors import ErrorCollector

MAX_BODY_LENGTH = 1_000_000
"""The longest HTML or text body, in characters."""

FIELDS = (
    "kind",
    "file_name",
    "subject",
    "body_html",
    "body_text",
    "body_text_manual",
    "content",
    "read_only",
)


def label(name: str) -> str:
    """How the messages name a field: its caption ("File name", "HTML body", ...)."""
    field = Attachment._meta.get_field(name)
    assert isinstance(field, models.Field)
    return capfirst(str(field.verbose_name))


def _clean_body(name: str, value: Any, errors: ErrorCollector) -> str:
    """A body: any text (several lines) without NUL characters (PostgreSQL cannot store
    them)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(name, _("%(field)s must be text.") % {"field": label(name)})
        return ""
    if "\x00" in value:
        errors.add(name, _("Null characters are not allowed."))
    elif len(value) > MAX_BODY_LENGTH:
        errors.add(
            name,
            _("%(field)s can have at most %(max)s characters.")
            % {"field": label(name), "max": f"{MAX_BODY_LENGTH:,}"},
        )
    return value


def _clean_file_name(value: Any, errors: ErrorCollector) -> str:
    name = clean_text(
        "file_name", value, errors, label=label("file_name"), max_length=FILE_NAME_LENGTH
    )
    if "/" in name or "\\" in name:
        errors.add("file_name", _("A file name may not contain / or \\."))
    return name


def _clean_content(value: Any, errors: ErrorCollector) -> bytes:
    if value is None:
        return b""
    if isinstance(value, memoryview | bytearray):
        value = bytes(value)
    if not isinstance(value, bytes):
        errors.add("content", _("The content must be a file (bytes)."))
        return b""
    return value


def _check_body_kind(values: dict[str, Any], errors: ErrorCollector) -> None:
    """An e-mail or HTML letter holds its body as HTML, not a file; only an e-mail has a text
    part, derived from the HTML (inscriptis) unless written by hand."""
    kind = values["kind"]
    if values["content"]:
        errors.add(
            "content",
            _("An e-mail or HTML letter holds its body as HTML, not as a file."),
        )
    if kind == AttachmentKind.EMAIL:
        if not values["body_text_manual"]:
            values["body_text"] = derived_text(values["body_html"])
        return
    if values["body_text"]:
        errors.add("body_text", _("Only an e-mail has a text part."))
    values["body_text_manual"] = False


def derived_text(body_html: str) -> str:
    """The plain-text part of an e-mail, as inscriptis renders the HTML."""
    if not body_html.strip():
        return ""
    return get_text(body_html).strip()


def _check_kind(values: dict[str, Any], errors: ErrorCollector, *, new_file: bool) -> None:
    """What each kind holds: an e-mail a subject and body, an HTML letter a body, the other
    kinds a named file (checked when it is new) and no body."""
    kind = values["kind"]
    if kind not in AttachmentKind.values:
        allowed = ", ".join(AttachmentKind.values)
        errors.add(
            "kind",
            _("Unknown kind '%(kind)s'. Use one of: %(allowed)s.")
            % {"kind": kind, "allowed": allowed},
        )
        return
    if kind in BODY_KINDS:
        _check_body_kind(values, errors)
        values["content_type"] = HTML_TYPE
        return
    if not values["file_name"]:
        errors.add("file_name", _("A file attachment needs a file name."))
    for name in ("body_html", "body_text"):
        if values[name]:
            errors.add(name, _("Only an e-mail or HTML letter has a body."))
    values["body_text_manual"] = False
    if new_file:
        values["content_type"] = check_file(kind, values["file_name"], values["content"], errors)


def clean(values: dict[str, Any], errors: ErrorCollector, *, new_file: bool) -> dict[str, Any]:
    """The cleaned values (plus `content_type` when it follows from them), then the registered
    content validators (hooks). `new_file`: the content is new (create or replace), so its type
    is checked and sniffed."""
    cleaned: dict[str, Any] = {
        "kind": values["kind"] if isinstance(values["kind"], str) else "",
        "file_name": _clean_file_name(values["file_name"], errors),
        "subject": clean_text(
            "subject", values["subject"], errors, label=label("subject"), max_length=SUBJECT_LENGTH
        ),
        "body_html": _clean_body("body_html", values["body_html"], errors),
        "body_text": _clean_body("body_text", values["body_text"], errors),
        "body_text_manual": clean_flag(
            "body_text_manual",
            values["body_text_manual"],
            errors,
            label=label("body_text_manual"),
        ),
        "content": _clean_content(values["content"], errors),
        "read_only": clean_flag("read_only", values["read_only"], errors, label=label("read_only")),
    }
    _check_kind(cleaned, errors, new_file=new_file)
    if not errors:
        for validator in hooks.content_validators():
            validator(cleaned["kind"], cleaned, errors)
    return cleaned
