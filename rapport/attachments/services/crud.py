"""Create, change and delete attachments (NAV's Attachment, table 5062).

Each function is one transaction and raises a DomainError with a user-facing message.

Where Rapport differs from NAV on purpose (for docs/differences.md):

* An attachment that a logged interaction used (`read_only`) can be neither changed, replaced
  nor deleted; NAV only refuses re-importing it.
* Deleting an attachment that other records still use (a template language, interactions,
  segment languages) is refused, naming how many use it: attachments are shared, so they are
  reference-counted (NAV deletes without checking, pain point 6).
* Disk files are content-addressed (one file for identical content), not one file per
  attachment, so the read-only copies made at logging cost no disk space.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.attachments import hooks, storage
from rapport.attachments.choices import StorageType
from rapport.attachments.models import Attachment
from rapport.attachments.services.cleaning import FIELDS, clean
from rapport.audit.services import audit_created, audit_deleted, audit_updated, audit_values
from rapport.core.entry_numbers import insert_numbered
from rapport.core.errors import ConflictError, ErrorCollector

_UNSET: Any = object()

# What the audit trail keeps of an attachment: its description, not its content (the trail
# shows that the file or the text changed by its size and, for a disk file, its pointer).
AUDIT_FIELDS = (
    "no",
    "kind",
    "file_name",
    "subject",
    "body_text_manual",
    "storage_type",
    "storage_location",
    "storage_pointer",
    "content_type",
    "file_size",
    "read_only",
)


def place_content(row: Attachment, content: bytes) -> None:
    """Put `content` where the storage policy says (Marketing Setup): in the row (embedded) or
    on disk under its SHA-256. The row's earlier file, if any, is the caller's to release."""
    storage_type, location = hooks.storage_policy() if content else (StorageType.EMBEDDED, "")
    row.file_size = len(content)
    if storage_type == StorageType.DISK_FILE:
        row.storage_type = StorageType.DISK_FILE
        row.storage_location = location or ""
        row.storage_pointer = storage.write(row.storage_location, content)
        row.content = b""
    else:
        row.storage_type = StorageType.EMBEDDED
        row.storage_location = ""
        row.storage_pointer = ""
        row.content = content


def _body_size(row: Attachment) -> None:
    if row.has_body:
        row.file_size = len(row.body_html.encode("utf-8"))


def attachment_create(
    *,
    kind: str,
    file_name: str = "",
    subject: str = "",
    body_html: str = "",
    body_text: str = "",
    body_text_manual: bool = False,
    content: bytes = b"",
    read_only: bool = False,
) -> Attachment:
    """Store a new attachment under the next entry number (the highest `no` + 1, as NAV).

    Kind is one of email, word, pdf, file. An e-mail holds `subject`, `body_html` and
    `body_text` (derived from the HTML unless `body_text_manual`); an HTML letter (`pdf`)
    holds `body_html`; a Word letter holds a .docx and a file any file but a program, as
    `content` with a `file_name` whose extension agrees with the file's type, at most
    RAPPORT_MAX_ATTACHMENT_MB. The file is embedded or stored on disk as Marketing Setup's
    storage type says (`hooks.storage_policy`). Registered content validators check the
    values too (merge templates).

    Two creates at the same moment cannot take the same number: the unique number makes the
    later one try the next number."""
    errors = ErrorCollector()
    given = {
        "kind": kind,
        "file_name": file_name,
        "subject": subject,
        "body_html": body_html,
        "body_text": body_text,
        "body_text_manual": body_text_manual,
        "content": content,
        "read_only": read_only,
    }
    values = clean(given, errors, new_file=True)
    errors.raise_if_any()
    now = timezone.now()
    content = values.pop("content")
    with transaction.atomic():
        row = Attachment(created_at=now, modified_at=now, **values)
        place_content(row, content)
        _body_size(row)
        # The next no., reserved in a short step (`reserve_numbers`: no lock held).
        row = insert_numbered(row, field="no")
        audit_created(
            row, operation="attachment_create", object_type="attachment", fields=AUDIT_FIELDS
        )
        return row


def refuse_read_only(attachment: Attachment, *, deleting: bool = False) -> None:
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


def lock(attachment: Attachment) -> Attachment:
    try:
        return Attachment.objects.select_for_update().get(pk=attachment.pk)
    except Attachment.DoesNotExist:
        raise ConflictError(
            _("Attachment %(no)s no longer exists.") % {"no": attachment.no}, code="not_found"
        ) from None


def _merged(current: Attachment, given: dict[str, Any]) -> dict[str, Any]:
    merged = {
        name: getattr(current, name) if value is _UNSET else value for name, value in given.items()
    }
    if given["content"] is _UNSET:
        merged["content"] = b""  # the stored file stays; it is not checked again
    if given["body_text"] is _UNSET and not merged["body_text_manual"]:
        merged["body_text"] = ""  # derived again from the HTML (an e-mail), else none
    return merged


def attachment_update(
    *,
    attachment: Attachment,
    kind: str = _UNSET,
    file_name: str = _UNSET,
    subject: str = _UNSET,
    body_html: str = _UNSET,
    body_text: str = _UNSET,
    body_text_manual: bool = _UNSET,
    content: bytes = _UNSET,
    read_only: bool = _UNSET,
) -> Attachment:
    """Change an attachment; arguments left out keep their value. `content` replaces the file
    (stored as Marketing Setup says now). The same rules as `attachment_create`. A read-only
    attachment cannot be changed at all (ConflictError, 409): a logged interaction refers to
    exactly this document. Setting `read_only` is how the interaction log marks it."""
    given = dict(zip(FIELDS, (kind, file_name, subject, body_html, body_text, body_text_manual,
                              content, read_only), strict=True))  # fmt: skip
    with transaction.atomic():
        current = lock(attachment)
        refuse_read_only(current)
        before = audit_values(current, AUDIT_FIELDS)
        new_file = content is not _UNSET or (kind is not _UNSET and kind != current.kind)
        if new_file and content is _UNSET:
            from rapport.attachments.services.sharing import attachment_content

            given["content"] = b"" if current.has_body else attachment_content(current)
        errors = ErrorCollector()
        values = clean(_merged(current, given), errors, new_file=new_file)
        errors.raise_if_any()
        new_content = values.pop("content")
        old_location, old_pointer = current.storage_location, current.storage_pointer
        for name, value in values.items():
            setattr(current, name, value)
        if new_file:
            place_content(current, new_content)
            storage.unlink_when_unused(old_location, old_pointer)
        _body_size(current)
        current.modified_at = timezone.now()
        current.save()
        audit_updated(before, current, operation="attachment_update", object_type="attachment")
    attachment.refresh_from_db()
    return attachment


def users_of(attachment: Attachment) -> tuple[int, list[str]]:
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


def remove(current: Attachment) -> None:
    """Delete the locked row `current`; its disk file goes after commit when nothing else
    points at it."""
    try:
        current.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise ConflictError(
            _("Attachment %(no)s is still in use and cannot be deleted.") % {"no": current.no},
            code="in_use",
        ) from exc
    if current.storage_type == StorageType.DISK_FILE:
        storage.unlink_when_unused(current.storage_location, current.storage_pointer)


def attachment_delete(*, attachment: Attachment) -> None:
    """Delete an attachment nothing uses any more. Refused (ConflictError, 409) when it is
    read-only, or when records still refer to it (naming how many and what they are)."""
    with transaction.atomic():
        current = lock(attachment)
        refuse_read_only(current, deleting=True)
        count, kinds = users_of(current)
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
        before = audit_values(current, AUDIT_FIELDS)
        remove(current)
        audit_deleted(
            before, operation="attachment_delete", object_type="attachment", key=str(current.no)
        )
