"""Business operations on the languages of an interaction template (reference 1.5): add,
change and remove a language row, and its attachment actions (create an e-mail or an HTML
letter, import a file, replace, remove, edit a read-only one through a copy), keeping the
template's wizard action and default language consistent (see `setup` for the rules and the
differences from NAV).

Attachments are reference-counted (`rapport.attachments.services.attachment_release`): removing
a row's attachment, or the row, deletes the document only when nothing else (another row, a
logged interaction, a segment) still uses it (NAV deletes it unconditionally, pain point 6).
Setting a row's attachment number (`interaction_template_language_update`) only points the row
elsewhere: the document it pointed at stays, as it may have been made on its own.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from rapport.attachments.choices import AttachmentKind
from rapport.attachments.models import Attachment
from rapport.attachments.services import attachment_copy, attachment_create, attachment_release
from rapport.audit.services import audit_change, audit_deleted, audit_record, audit_values
from rapport.contacts.models import Language
from rapport.core.errors import ConflictError, ErrorCollector, NotFoundError
from rapport.core.notices import notice_warning
from rapport.interactions.choices import WizardAction
from rapport.interactions.models import InteractionTemplate, InteractionTemplateLanguage
from rapport.interactions.services import trail
from rapport.interactions.services.setup import (
    _UNSET,
    LABELS,
    clean_description,
    duplicate_error,
    lock_template,
    resolve_relation,
    template_language_row,
    wizard_problem,
)


def _check_row_wizard(template: InteractionTemplate, errors: ErrorCollector) -> None:
    """After a change of a language row: the template's wizard action still fits the
    attachment of its default language's row."""
    language = template.language_default
    row = template_language_row(template, language)
    problem = wizard_problem(
        template.code,
        template.wizard_action,
        language,
        row.attachment if row is not None else None,
    )
    if problem:
        errors.add("attachment", problem)


@transaction.atomic
def interaction_template_language_create(
    *,
    template: InteractionTemplate,
    language: Language | str,
    description: str = "",
    attachment: Attachment | int | str | None = None,
) -> InteractionTemplateLanguage:
    """Add a language to a template (reference 1.5): the language must exist and the template
    may have each language once. Description at most 100 characters; the attachment, if
    given, must exist."""
    current = lock_template(template)
    errors = ErrorCollector()
    language_obj = resolve_relation("language", language, Language, "code", errors)
    if language_obj is None and "language" not in errors:
        errors.add("language", _("%(field)s must have a value.") % {"field": LABELS["language"]})
    description = clean_description(description, errors)
    attachment_obj = resolve_relation("attachment", attachment, Attachment, "no", errors)
    errors.raise_if_any()
    if InteractionTemplateLanguage.objects.filter(template=current, language=language_obj).exists():
        raise duplicate_error(
            _("Interaction template %(code)s already has language %(language)s.")
            % {"code": current.code, "language": language_obj.code},
            "language",
        )
    row = InteractionTemplateLanguage.objects.create(
        template=current, language=language_obj, description=description, attachment=attachment_obj
    )
    _check_row_wizard(current, errors)
    errors.raise_if_any()
    audit_record(
        operation="interaction_template_language_create",
        object_type=trail.TEMPLATE_LANGUAGE,
        object_key=_key(row),
        after=_row_values(row),
    )
    return row


def _audit_row_update(
    template: InteractionTemplate,
    row: InteractionTemplateLanguage,
    before: dict[str, Any],
    *,
    followed: bool,
) -> None:
    """The entry of a changed language row (`followed`: the template's default language
    followed the row to its new language)."""
    row.template = template
    audit_change(
        operation="interaction_template_language_update",
        object_type=trail.TEMPLATE_LANGUAGE,
        object_key=_key(row),
        before=before,
        after=_row_values(row),
        details={"language_default": row.language.code} if followed else None,
    )


def _key(row: InteractionTemplateLanguage) -> str:
    return trail.language_key(row.template.code, row.language.code)


def _row_values(row: InteractionTemplateLanguage) -> dict[str, Any]:
    """A language row as the audit trail keeps it (the template is in its key)."""
    return audit_values(row, ("language", "description", "attachment"))


@transaction.atomic
def interaction_template_language_update(
    *,
    template_language: InteractionTemplateLanguage,
    language: Language | str = _UNSET,
    description: str = _UNSET,
    attachment: Attachment | int | str | None = _UNSET,
) -> InteractionTemplateLanguage:
    """Change a template's language row; arguments left out keep their value.

    Changing the language renames the row (the new language may not have a row yet); when the
    template's default language was the old one, it follows to the new one (as NAV). The
    template's wizard action must still fit the default language's attachment (Merge: an
    e-mail attachment; Import: not a Word document)."""
    template = lock_template(template_language.template)
    try:
        row = InteractionTemplateLanguage.objects.select_for_update().get(pk=template_language.pk)
    except InteractionTemplateLanguage.DoesNotExist:
        raise ConflictError(_("This language row no longer exists."), code="not_found") from None
    errors = ErrorCollector()
    old_language_id = row.language_id
    before = _row_values(row)
    if language is not _UNSET:
        language_obj = resolve_relation("language", language, Language, "code", errors)
        if language_obj is None and "language" not in errors:
            errors.add(
                "language", _("%(field)s must have a value.") % {"field": LABELS["language"]}
            )
        elif language_obj is not None:
            row.language = language_obj
    if description is not _UNSET:
        row.description = clean_description(description, errors)
    if attachment is not _UNSET:
        row.attachment = resolve_relation("attachment", attachment, Attachment, "no", errors)
    errors.raise_if_any()
    renamed = row.language_id != old_language_id
    if renamed and (
        InteractionTemplateLanguage.objects.filter(template=template, language=row.language)
        .exclude(pk=row.pk)
        .exists()
    ):
        raise duplicate_error(
            _("Interaction template %(code)s already has language %(language)s.")
            % {"code": template.code, "language": row.language.code},
            "language",
        )
    row.save()
    followed = renamed and template.language_default_id == old_language_id
    if followed:
        template.language_default = row.language
        template.save(update_fields=["language_default"])
    _check_row_wizard(template, errors)
    errors.raise_if_any()
    _audit_row_update(template, row, before, followed=followed)
    template_language.refresh_from_db()
    return template_language


@transaction.atomic
def interaction_template_language_delete(*, template_language: InteractionTemplateLanguage) -> None:
    """Remove a language from a template with its attachment (reference 1.5; deleted unless
    something else still uses it). When it is the template's default language, the default is
    cleared (with a notice) — refused (ConflictError, 409) while the template's wizard action
    is Merge, which needs that row."""
    template = lock_template(template_language.template)
    template_language.template = template
    before = _row_values(template_language)
    details: dict[str, Any] = {}
    if template.language_default_id == template_language.language_id:
        language_code = template_language.language.code
        if template.wizard_action == WizardAction.MERGE:
            raise ConflictError(
                _(
                    "Language %(language)s is the default language of interaction template "
                    "%(code)s, whose Wizard Action Merge needs its e-mail attachment. Change the "
                    "Wizard Action or the default language first."
                )
                % {"language": language_code, "code": template.code},
                code="in_use",
            )
        template.language_default = None
        template.save(update_fields=["language_default"])
        details["language_default_cleared"] = True
        notice_warning(
            _(
                "Interaction template %(code)s has no default language any more: %(language)s "
                "was its default language."
            )
            % {"code": template.code, "language": language_code}
        )
    attachment = template_language.attachment
    try:
        template_language.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise ConflictError(
            _("Language %(language)s of interaction template %(code)s is still in use.")
            % {"language": template_language.language.code, "code": template.code},
            code="in_use",
        ) from exc
    if release_attachment(attachment):
        details["attachment_deleted"] = True
    audit_deleted(
        before,
        operation="interaction_template_language_delete",
        object_type=trail.TEMPLATE_LANGUAGE,
        key=_key(template_language),
        details=details,
    )


# ---------------------------------------------------------------------------------------------
# A row's attachment (reference 1.5, 1.6)


def release_attachment(attachment: Attachment | None) -> bool:
    """Let go of an attachment a row no longer uses: deleted when nothing else refers to it
    (True), kept otherwise."""
    if attachment is None:
        return False
    return attachment_release(attachment)


def kind_for_file_name(file_name: str) -> str:
    """What an imported file becomes: a Word letter template (.docx, merged per contact) or a
    file sent as it is."""
    return AttachmentKind.WORD if file_name.lower().endswith(".docx") else AttachmentKind.FILE


def _locked_row(
    template_language: InteractionTemplateLanguage,
) -> tuple[InteractionTemplate, InteractionTemplateLanguage]:
    """The row's template and the row itself, locked (in that order, as the other writes)."""
    template = lock_template(template_language.template)
    try:
        row = (
            InteractionTemplateLanguage.objects.select_for_update(of=("self",))
            .select_related("attachment", "language")
            .get(pk=template_language.pk)
        )
    except InteractionTemplateLanguage.DoesNotExist:
        raise ConflictError(_("This language row no longer exists."), code="not_found") from None
    return template, row


def _bind(
    template: InteractionTemplate,
    row: InteractionTemplateLanguage,
    attachment: Attachment | None,
) -> Attachment | None:
    """Point the row at `attachment`, check the wizard action, and release the attachment it
    pointed at before. Returns that previous attachment."""
    previous = row.attachment
    row.attachment = attachment
    row.save(update_fields=["attachment"])
    errors = ErrorCollector()
    _check_row_wizard(template, errors)
    errors.raise_if_any()
    if previous is not None and (attachment is None or previous.pk != attachment.pk):
        release_attachment(previous)
    return previous


@transaction.atomic
def template_language_attachment_create(
    *,
    template_language: InteractionTemplateLanguage,
    kind: str,
    file_name: str = "",
    content: bytes = b"",
    subject: str | None = None,
    body_html: str = "",
) -> Attachment:
    """Give a template language a new attachment (reference 1.5, Create/Import): an e-mail
    (`email`: subject and HTML body, the subject the template's description unless given), an
    HTML letter for print (`pdf`), a Word letter template (`word`) or any file (`file`). The
    row's previous attachment is released (deleted unless something else uses it). The
    attachment's own rules apply (`attachment_create`: size, type, merge template)."""
    template, row = _locked_row(template_language)
    if subject is None:
        subject = template.description if kind == AttachmentKind.EMAIL else ""
    attachment = attachment_create(
        kind=kind, file_name=file_name, content=content, subject=subject, body_html=body_html
    )
    previous = _bind(template, row, attachment)
    details = {"kind": kind, "file_name": file_name} if file_name else {"kind": kind}
    _audit_attachment("template_language_attachment_create", template, row, previous, details)
    template_language.refresh_from_db()
    return attachment


def _audit_attachment(
    operation: str,
    template: InteractionTemplate,
    row: InteractionTemplateLanguage,
    previous: Attachment | None,
    details: dict[str, Any],
) -> None:
    """The entry of a change of a row's attachment (`previous` → the row's now)."""
    current = row.attachment
    audit_record(
        operation=operation,
        object_type=trail.TEMPLATE_LANGUAGE,
        object_key=trail.language_key(template.code, row.language.code),
        # As `audit_values` gives a relation: its key, as text.
        before={"attachment": str(previous.no) if previous is not None else None},
        after={"attachment": str(current.no) if current is not None else None},
        details=details,
    )


def template_language_attachment_import(
    *, template_language: InteractionTemplateLanguage, file_name: str, content: bytes
) -> Attachment:
    """Import (or replace with) an uploaded file: a .docx becomes a Word letter template,
    anything else a file sent as it is."""
    return template_language_attachment_create(
        template_language=template_language,
        kind=kind_for_file_name(file_name or ""),
        file_name=file_name,
        content=content,
    )


def no_attachment(row: InteractionTemplateLanguage) -> NotFoundError:
    """The refusal of an attachment action on a row without one (404 in the API)."""
    return NotFoundError(
        _("Interaction template %(code)s has no attachment for language %(language)s.")
        % {"code": row.template.code, "language": row.language.code},
        field="attachment",
    )


@transaction.atomic
def template_language_attachment_remove(*, template_language: InteractionTemplateLanguage) -> bool:
    """Remove a template language's attachment (reference 1.5): the row keeps no attachment
    and the document is deleted unless something else still uses it (True when deleted).
    Refused (NotFoundError) when the row has none; while the template's wizard action Merge
    needs it (ValidationFailed)."""
    template, row = _locked_row(template_language)
    previous = row.attachment
    if previous is None:
        raise no_attachment(row)
    row.attachment = None
    row.save(update_fields=["attachment"])
    errors = ErrorCollector()
    _check_row_wizard(template, errors)
    errors.raise_if_any()
    template_language.refresh_from_db()
    deleted = release_attachment(previous)
    _audit_attachment(
        "template_language_attachment_remove",
        template,
        row,
        previous,
        {"attachment_deleted": True} if deleted else {},
    )
    return deleted


@transaction.atomic
def template_language_attachment_editable(
    *, template_language: InteractionTemplateLanguage
) -> tuple[Attachment, bool]:
    """The attachment to edit for a template language: its own when it may be changed. A
    read-only one (a logged interaction uses exactly this document) is never edited in place:
    the row gets a fresh, editable copy instead (returned with True)."""
    template, row = _locked_row(template_language)
    attachment = row.attachment
    if attachment is None:
        raise no_attachment(row)
    if not attachment.read_only:
        return attachment, False
    copy = attachment_copy(attachment, read_only=False)
    _bind(template, row, copy)
    _audit_attachment(
        "template_language_attachment_editable", template, row, attachment, {"copied": True}
    )
    template_language.refresh_from_db()
    return copy, True
