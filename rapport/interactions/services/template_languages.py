"""Business operations on the languages of an interaction template (reference 1.5): add,
change and remove a language row with its attachment, keeping the template's wizard action and
default language consistent (see `setup` for the rules and the differences from NAV)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from rapport.attachments.models import Attachment
from rapport.contacts.models import Language
from rapport.core.errors import ConflictError, ErrorCollector
from rapport.core.notices import notice_warning
from rapport.interactions.choices import WizardAction
from rapport.interactions.models import InteractionTemplate, InteractionTemplateLanguage
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
    return row


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
    if renamed and template.language_default_id == old_language_id:
        template.language_default = row.language
        template.save(update_fields=["language_default"])
    _check_row_wizard(template, errors)
    errors.raise_if_any()
    template_language.refresh_from_db()
    return template_language


@transaction.atomic
def interaction_template_language_delete(*, template_language: InteractionTemplateLanguage) -> None:
    """Remove a language from a template (its attachment stays). When it is the template's
    default language, the default is cleared (with a notice) — refused (ConflictError, 409)
    while the template's wizard action is Merge, which needs that row."""
    template = lock_template(template_language.template)
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
        notice_warning(
            _(
                "Interaction template %(code)s has no default language any more: %(language)s "
                "was its default language."
            )
            % {"code": template.code, "language": language_code}
        )
    try:
        template_language.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise ConflictError(
            _("Language %(language)s of interaction template %(code)s is still in use.")
            % {"language": template_language.language.code, "code": template.code},
            code="in_use",
        ) from exc
