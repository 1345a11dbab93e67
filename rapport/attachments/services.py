"""Business operations on attachments (NAV's Attachment, table 5062).

Each function is one transaction and raises a DomainError with a user-facing message.

Where Rapport differs from NAV on purpose (for docs/differences.md):

* An attachment that a logged interaction used (`read_only`) can be neither changed nor
  deleted; NAV only refuses re-importing it.
* Deleting an attachment that other records still use (a template language, later interactions
  and segment languages) is refused, naming how many use it: attachments are shared, so they
  are reference-counted (NAV deletes without checking, pain point 6).
* The kind says what the attachment holds: an e-mail holds an HTML/text body and no file; a
  Word, PDF or other file holds the file (with its name) and no body.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.attachments.choices import AttachmentKind
from rapport.attachments.models import FILE_NAME_LENGTH, SUBJECT_LENGTH, Attachment
from rapport.core.cleaners import clean_flag, clean_text
from rapport.core.entry_numbers import insert_numbered
from rapport.core.errors import ConflictError, ErrorCollector

MAX_CONTENT_BYTES = 25 * 1024 * 1024
"""The largest file an attachment stores (25 MB: what common mail servers accept)."""

MAX_BODY_LENGTH = 1_000_000
"""The longest e-mail body, in characters."""

_UNSET: Any = object()


def _label(name: str) -> str:
    """How the messages name a field: its caption ("File name", "HTML body", ...)."""
    field = Attachment._meta.get_field(name)
    assert isinstance(field, models.Field)
    return capfirst(str(field.verbose_name))


def _clean_body(name: str, value: Any, errors: ErrorCollector) -> str:
    """An e-mail body: any text (several lines) without NUL characters (PostgreSQL cannot store
    them)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(name, _("%(field)s must be text.") % {"field": _label(name)})
        return ""
    if "\x00" in value:
        errors.add(name, _("Null characters are not allowed."))
    elif len(value) > MAX_BODY_LENGTH:
        errors.add(
            name,
            _("%(field)s can have at most %(max)s characters.")
            % {"field": _label(name), "max": f"{MAX_BODY_LENGTH:,}"},
        )
    return value


def _clean_file_name(value: Any, errors: ErrorCollector) -> str:
    name = clean_text(
        "file_name", value, errors, label=_label("file_name"), max_length=FILE_NAME_LENGTH
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
    if len(value) > MAX_CONTENT_BYTES:
        errors.add(
            "content",
            _("A file can be at most %(max)s MB.") % {"max": MAX_CONTENT_BYTES // (1024 * 1024)},
        )
    return value


def _check_kind(values: dict[str, Any], errors: ErrorCollector) -> None:
    """What each kind holds: an e-mail a body and no file; the other kinds a named file and
    no body."""
    kind = values["kind"]
    if kind not in AttachmentKind.values:
        allowed = ", ".join(AttachmentKind.values)
        errors.add(
            "kind",
            _("Unknown kind '%(kind)s'. Use one of: %(allowed)s.")
            % {"kind": kind, "allowed": allowed},
        )
        return
    if kind == AttachmentKind.EMAIL:
        if values["content"]:
            errors.add(
                "content",
                _("An e-mail attachment holds its body as HTML or text, not as a file."),
            )
        return
    if not values["file_name"]:
        errors.add("file_name", _("A file attachment needs a file name."))
    for name in ("body_html", "body_text"):
        if values[name]:
            errors.add(name, _("Only an e-mail attachment has a body."))


def _clean(values: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
    cleaned = {
        "kind": values["kind"] if isinstance(values["kind"], str) else "",
        "file_name": _clean_file_name(values["file_name"], errors),
        "subject": clean_text(
            "subject", values["subject"], errors, label=_label("subject"), max_length=SUBJECT_LENGTH
        ),
        "body_html": _clean_body("body_html", values["body_html"], errors),
        "body_text": _clean_body("body_text", values["body_text"], errors),
        "content": _clean_content(values["content"], errors),
        "read_only": clean_flag(
            "read_only", values["read_only"], errors, label=_label("read_only")
        ),
    }
    _check_kind(cleaned, errors)
    return cleaned


def attachment_create(
    *,
    kind: str,
    file_name: str = "",
    subject: str = "",
    body_html: str = "",
    body_text: str = "",
    content: bytes = b"",
    read_only: bool = False,
) -> Attachment:
    """Store a new attachment under the next entry number (the highest `no` + 1, as NAV).

    Kind is one of email, word, pdf, file. An e-mail holds `body_html`/`body_text` and no file;
    the other kinds hold `content` (at most 25 MB) with a `file_name` (no / or \\) and no body.
    Subject at most 100 and file name at most 250 characters, without control characters.

    Two creates at the same moment cannot take the same number: the unique number makes the
    later one try the next number."""
    errors = ErrorCollector()
    values = _clean(
        {
            "kind": kind,
            "file_name": file_name,
            "subject": subject,
            "body_html": body_html,
            "body_text": body_text,
            "content": content,
            "read_only": read_only,
        },
        errors,
    )
    errors.raise_if_any()
    now = timezone.now()
    with transaction.atomic():
        # No lock of its own: the unique number makes a create that lost the race try the
        # next one (the interaction log, which copies many at once, takes the attachment-number
        # lock around its creates).
        return insert_numbered(
            Attachment(created_at=now, modified_at=now, **values), lock_key=None, field="no"
        )


def _refuse_read_only(attachment: Attachment, *, deleting: bool = False) -> None:
    if not attachment.read_only:
        return
    if deleting:
        message = _(
            "Attachment %(no)s is read-only: a logged interaction uses it, so it cannot be deleted."
        )
    else:
        message = _(
            "Attachment %(no)s is read-only: a logged interaction uses it, so it cannot be changed."
        )
    raise ConflictError(message % {"no": attachment.no}, code="read_only")


def _lock(attachment: Attachment) -> Attachment:
    try:
        return Attachment.objects.select_for_update().get(pk=attachment.pk)
    except Attachment.DoesNotExist:
        raise ConflictError(
            _("Attachment %(no)s no longer exists.") % {"no": attachment.no}, code="not_found"
        ) from None


def attachment_update(
    *,
    attachment: Attachment,
    kind: str = _UNSET,
    file_name: str = _UNSET,
    subject: str = _UNSET,
    body_html: str = _UNSET,
    body_text: str = _UNSET,
    content: bytes = _UNSET,
    read_only: bool = _UNSET,
) -> Attachment:
    """Change an attachment; arguments left out keep their value. The same rules as
    `attachment_create`. A read-only attachment cannot be changed at all (ConflictError, 409):
    a logged interaction refers to exactly this document. Setting `read_only` is how the
    interaction log marks it."""
    given = {
        "kind": kind,
        "file_name": file_name,
        "subject": subject,
        "body_html": body_html,
        "body_text": body_text,
        "content": content,
        "read_only": read_only,
    }
    with transaction.atomic():
        current = _lock(attachment)
        _refuse_read_only(current)
        merged = {
            name: getattr(current, name) if value is _UNSET else value
            for name, value in given.items()
        }
        if isinstance(merged["content"], memoryview):
            merged["content"] = bytes(merged["content"])
        errors = ErrorCollector()
        values = _clean(merged, errors)
        errors.raise_if_any()
        for name, value in values.items():
            setattr(current, name, value)
        current.modified_at = timezone.now()
        current.save()
    attachment.refresh_from_db()
    return attachment


def _users_of(attachment: Attachment) -> tuple[int, list[str]]:
    """How many records refer to `attachment`, and the names of their kinds (found through the
    model's reverse relations, so that apps above this one need not be imported)."""
    total = 0
    kinds: list[str] = []
    for relation in Attachment._meta.related_objects:
        if not isinstance(relation, models.ManyToOneRel) or relation.many_to_many:
            continue
        count = relation.related_model._default_manager.filter(
            **{relation.field.name: attachment}
        ).count()
        if count:
            total += count
            kinds.append(str(relation.related_model._meta.verbose_name_plural))
    return total, kinds


def attachment_delete(*, attachment: Attachment) -> None:
    """Delete an attachment nothing uses any more. Refused (ConflictError, 409) when it is
    read-only, or when records still refer to it (naming how many and what they are)."""
    with transaction.atomic():
        current = _lock(attachment)
        _refuse_read_only(current, deleting=True)
        count, kinds = _users_of(current)
        if count:
            raise ConflictError(
                ngettext(
                    "Attachment %(no)s is still used by %(count)s record (%(kinds)s) and "
                    "cannot be deleted.",
                    "Attachment %(no)s is still used by %(count)s records (%(kinds)s) and "
                    "cannot be deleted.",
                    count,
                )
                % {"no": current.no, "count": count, "kinds": ", ".join(kinds)},
                code="in_use",
            )
        try:
            current.delete()
        except (ProtectedError, RestrictedError) as exc:
            raise ConflictError(
                _("Attachment %(no)s is still in use and cannot be deleted.") % {"no": current.no},
                code="in_use",
            ) from exc
