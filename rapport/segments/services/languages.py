"""A segment's interaction languages and the lines' own attachments (reference 1.10, 2.3.4–2.3.6).

The header's language rows (`SegmentLanguage`) hold the description, subject and attachment the
lines in that language inherit; setting the header's template copies them from the template
(`language_rows.template_languages_copy`). Here: add, change and remove a row, its attachment
actions, and a line's own (unique) attachment, which header changes never touch.

* Adding a row gives it to the lines on the header's template without an own attachment: the
  first row to all of them, a later row to those whose contact has its language.
* Removing a row re-points its lines: the contact's language when the header has a row for it,
  else the header's default language (when it has a row), else none.
* Changing a row's subject asks once (409 `lines_affected` with the count, as a header change)
  whether the lines still carrying the old subject take the new one (`apply_to_lines`).
* An attachment is never changed in place here: create, import and replace store a new one
  and release the one it replaces (the template's is shared until the segment is logged).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.attachments.models import Attachment
from rapport.audit.services import audit_record, audit_values
from rapport.contacts.models import Contact, Language
from rapport.core.errors import ConflictError, ErrorCollector, NotFoundError, ValidationFailed
from rapport.interactions.services import clean_interaction_values
from rapport.segments.models import Segment, SegmentLanguage, SegmentLine
from rapport.segments.services.auditing import (
    ROW_AUDITED,
    attachment_no,
    line_key,
    row_key,
)
from rapport.segments.services.headers import check_may_segment, lock_segment
from rapport.segments.services.language_rows import (
    attachment_release,
    language_ids_with_rows,
    lines_subject_from_rows,
)

ROW_FIELDS = ("description", "subject", "attachment")


def _language(value: Any) -> Language:
    errors = ErrorCollector()
    language = clean_interaction_values({"language": value}, errors).get("language")
    errors.raise_if_any()
    if language is None:
        raise ValidationFailed({"language": [_("Choose a language.")]})
    return language  # type: ignore[no-any-return]


def _row(segment: Segment, language: Any, *, lock: bool = True) -> SegmentLanguage:
    found = _language(language)
    rows = SegmentLanguage.objects.select_related("language", "attachment")
    row = (rows.select_for_update(of=("self",)) if lock else rows).filter(
        segment=segment, language=found
    )
    first = row.first()
    if first is None:
        raise NotFoundError(
            _("Segment %(no)s has no interaction language %(language)s.")
            % {"no": segment.no, "language": found.code}
        )
    return first


def _clean_row(changes: dict[str, Any]) -> dict[str, Any]:
    errors = ErrorCollector()
    for name in sorted(set(changes) - set(ROW_FIELDS)):
        errors.add(name, _("Unknown field."))
    cleaned = clean_interaction_values(
        {name: changes[name] for name in ("description", "subject") if name in changes}, errors
    )
    if "attachment" in changes:
        cleaned["attachment"] = _attachment(changes["attachment"], errors)
    errors.raise_if_any()
    return cleaned


def _attachment(value: Any, errors: ErrorCollector, field: str = "attachment") -> Any:
    """An attachment given as itself or by its no.; None or "" clears."""
    if value is None or value == "":
        return None
    if isinstance(value, Attachment):
        return value
    try:
        number = int(value)
        if isinstance(value, bool):
            raise ValueError
    except (TypeError, ValueError):
        errors.add(field, _("Give the attachment's no. (a whole number)."))
        return None
    found = Attachment.objects.filter(no=number).first()
    if found is None:
        errors.add(field, _("There is no attachment %(no)s.") % {"no": number})
    return found


def _inheriting(segment: Segment) -> QuerySet[SegmentLine]:
    """The lines that follow the header's rows: on the header's template, without an own
    attachment."""
    template = (
        Q(template__isnull=True)
        if segment.template_id is None
        else Q(template_id=segment.template_id)
    )
    return segment.lines.filter(template, attachment__isnull=True)


@transaction.atomic
def segment_language_create(
    *, actor: Any, segment: Segment, language: Any, **values: Any
) -> SegmentLanguage:
    """Add an interaction language to the header (reference 1.10): `description`, `subject`,
    `attachment`. Needs the header's template (2.3.6); one row per language. The lines on the
    header's template without an own attachment take it: the first row all of them, a later
    one those whose contact has its language (language and subject)."""
    check_may_segment(actor)
    current = lock_segment(segment)
    found = _language(language)
    cleaned = _clean_row(values)
    if current.template_id is None:
        raise ValidationFailed(
            {"language": [_("Choose an interaction template before adding interaction languages.")]}
        )
    if SegmentLanguage.objects.filter(segment=current, language=found).exists():
        raise ValidationFailed(
            {
                "language": [
                    _("Segment %(no)s already has interaction language %(language)s.")
                    % {"no": current.no, "language": found.code}
                ]
            },
            code="duplicate",
        )
    first = not SegmentLanguage.objects.filter(segment=current).exists()
    row = SegmentLanguage.objects.create(segment=current, language=found, **cleaned)
    lines = _inheriting(current)
    if not first:
        lines = lines.filter(contact__language=found)
    changed = lines.update(language=found, subject=row.subject)
    if first and current.language_id is None:
        Segment.objects.filter(pk=current.pk).update(language=found, subject=row.subject)
    audit_record(
        operation="segment_language_create",
        object_type="segment_language",
        object_key=row_key(current.no, found.code),
        actor=actor,
        after=audit_values(row, ROW_AUDITED),
        details={"no_of_lines_changed": changed},
    )
    segment.refresh_from_db()
    return row


def subject_question(count: int, language_code: str) -> str:
    return ngettext(
        "Update the subject on %(count)s line in language %(language)s that still has the "
        "old subject?",
        "Update the subject on the %(count)s lines in language %(language)s that still have "
        "the old subject?",
        count,
    ) % {"count": count, "language": language_code}


@transaction.atomic
def segment_language_update(
    *,
    actor: Any,
    segment: Segment,
    language: Any,
    apply_to_lines: bool | None = None,
    answered_question: str | None = None,
    **changes: Any,
) -> SegmentLanguage:
    """Change a row's description, subject or attachment. A new subject asks once about the
    lines on the header's template in this language that still carry the old one (reference
    1.10): `apply_to_lines` None is refused with 409 `lines_affected` and the count; True
    writes it to them, False only to the row. The default language's row and Subject
    (Default) are one value. A replaced attachment is released when nothing else uses it."""
    return _row_update(
        actor=actor,
        segment=segment,
        language=language,
        apply_to_lines=apply_to_lines,
        answered_question=answered_question,
        changes=changes,
        operation="segment_language_update",
    )


def _row_update(
    *,
    actor: Any,
    segment: Segment,
    language: Any,
    apply_to_lines: bool | None = None,
    answered_question: str | None = None,
    changes: dict[str, Any],
    operation: str,
) -> SegmentLanguage:
    check_may_segment(actor)
    current = lock_segment(segment)
    row = _row(current, language)
    cleaned = _clean_row(changes)
    new_subject = cleaned.get("subject", row.subject)
    lines = SegmentLine.objects.none()
    if new_subject != row.subject:
        lines = _inheriting(current).filter(language_id=row.language_id, subject=row.subject)
    count = lines.count()
    key = f"subject;{row.language.code};{count}"
    if count and (
        apply_to_lines is None or (answered_question is not None and answered_question != key)
    ):
        question = ConflictError(
            subject_question(count, row.language.code),
            code="lines_affected",
            details={"affected_lines": count},
        )
        question.question_key = key  # type: ignore[attr-defined]
        raise question
    old_attachment, before = row.attachment_id, audit_values(row, ROW_AUDITED)
    for name, value in cleaned.items():
        setattr(row, name, value)
    row.save()
    changed = lines.update(subject=new_subject) if count and apply_to_lines else 0
    if row.language_id == current.language_id:
        Segment.objects.filter(pk=current.pk).update(subject=row.subject)
    if old_attachment != row.attachment_id:
        attachment_release(old_attachment)
    audit_record(
        operation=operation,
        object_type="segment_language",
        object_key=row_key(current.no, row.language.code),
        actor=actor,
        before=before,
        after=audit_values(row, ROW_AUDITED),
        details={"no_of_lines_changed": changed},
    )
    segment.refresh_from_db()
    return row


@transaction.atomic
def segment_language_delete(*, actor: Any, segment: Segment, language: Any) -> None:
    """Remove a row (reference 1.10): its lines on the header's template without an own
    attachment take the contact's language when the header has a row for it, else the
    header's default language when that has a row, else none (with that row's subject); its
    attachment is released when nothing else uses it."""
    check_may_segment(actor)
    current = lock_segment(segment)
    row = _row(current, language)
    affected = list(
        _inheriting(current).filter(language_id=row.language_id).values_list("pk", flat=True)
    )
    attachment_id, before = row.attachment_id, audit_values(row, ROW_AUDITED)
    row.delete()
    remaining = language_ids_with_rows(current)
    lines = SegmentLine.objects.filter(pk__in=affected)
    contact_language = Contact.objects.filter(pk=OuterRef("contact_id")).values("language_id")
    lines.filter(contact__language_id__in=remaining).update(
        language_id=Subquery(contact_language[:1])
    )
    fallback = current.language_id if current.language_id in remaining else None
    lines.exclude(contact__language_id__in=remaining).update(language_id=fallback)
    lines_subject_from_rows(current, lines)
    attachment_release(attachment_id)
    audit_record(
        operation="segment_language_delete",
        object_type="segment_language",
        object_key=row_key(current.no, row.language.code),
        actor=actor,
        before=before,
        details={"no_of_lines_changed": len(affected)},
    )


def _new_attachment(values: dict[str, Any]) -> Attachment:
    """A new attachment (create: an e-mail or HTML letter; import: a file) through the
    attachments app, which checks it."""
    from rapport.attachments.services import attachment_create

    allowed = {"kind", "file_name", "subject", "body_html", "body_text", "content"}
    allowed.add("body_text_manual")
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ValidationFailed({name: [_("Unknown field.")] for name in unknown})
    return attachment_create(**values)


@transaction.atomic
def segment_language_attachment_create(
    *, actor: Any, segment: Segment, language: Any, **values: Any
) -> Attachment:
    """Create, import or replace the attachment of a row (reference 2.3.6): a new attachment
    from `values` (`kind`, and the body or the file); the one it replaces is released."""
    check_may_segment(actor)
    current = lock_segment(segment)
    row = _row(current, language)
    attachment = _new_attachment(values)
    old = row.attachment_id
    SegmentLanguage.objects.filter(pk=row.pk).update(attachment=attachment)
    attachment_release(old)
    audit_record(
        operation="segment_language_attachment_create",
        object_type="segment_language",
        object_key=row_key(current.no, row.language.code),
        actor=actor,
        before={"attachment": attachment_no(row.attachment)},
        after={"attachment": attachment_no(attachment)},
    )
    return attachment


@transaction.atomic
def segment_language_attachment_remove(*, actor: Any, segment: Segment, language: Any) -> None:
    """Remove a row's attachment (released when nothing else uses it)."""
    _row_update(
        actor=actor,
        segment=segment,
        language=language,
        changes={"attachment": None},
        operation="segment_language_attachment_remove",
    )


def _locked_line(line: SegmentLine) -> SegmentLine:
    lock_segment(line.segment)
    try:
        return SegmentLine.objects.select_for_update().get(pk=line.pk)
    except SegmentLine.DoesNotExist:
        raise ConflictError(_("The line no longer exists."), code="not_found") from None


@transaction.atomic
def segment_line_attachment_create(*, actor: Any, line: SegmentLine, **values: Any) -> Attachment:
    """Give a line its own (unique) attachment (reference 2.3.5): create an e-mail or HTML
    letter, import a file, or replace the own one (released when nothing else uses it).
    Header changes never overwrite it."""
    check_may_segment(actor)
    current = _locked_line(line)
    attachment = _new_attachment(values)
    old, before = current.attachment_id, {"attachment": attachment_no(current.attachment)}
    SegmentLine.objects.filter(pk=current.pk).update(attachment=attachment)
    attachment_release(old)
    line.attachment = attachment
    audit_record(
        operation="segment_line_attachment_create",
        object_type="segment_line",
        object_key=line_key(line.segment.no, current.line_no),
        actor=actor,
        before=before,
        after={"attachment": attachment_no(attachment)},
    )
    return attachment


@transaction.atomic
def segment_line_attachment_set(*, actor: Any, line: SegmentLine, attachment: Any) -> SegmentLine:
    """Set a line's own attachment to an existing one (itself or its no.), or clear it with
    None (the line then inherits its language row's again; the old one is released when
    nothing else uses it)."""
    return _line_attachment_set(actor, line, attachment, "segment_line_attachment_set")


def _line_attachment_set(
    actor: Any, line: SegmentLine, attachment: Any, operation: str
) -> SegmentLine:
    check_may_segment(actor)
    current = _locked_line(line)
    errors = ErrorCollector()
    found = _attachment(attachment, errors)
    errors.raise_if_any()
    old, before = current.attachment_id, {"attachment": attachment_no(current.attachment)}
    current.attachment = found
    current.save(update_fields=["attachment"])
    if old != current.attachment_id:
        attachment_release(old)
    line.attachment = found
    audit_record(
        operation=operation,
        object_type="segment_line",
        object_key=line_key(line.segment.no, current.line_no),
        actor=actor,
        before=before,
        after={"attachment": attachment_no(found)},
    )
    return current


@transaction.atomic
def segment_line_attachment_remove(*, actor: Any, line: SegmentLine) -> SegmentLine:
    """Remove a line's own attachment (reference 2.3.5): it inherits again."""
    return _line_attachment_set(actor, line, None, "segment_line_attachment_remove")
