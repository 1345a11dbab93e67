"""Business operations on interaction groups and templates (reference 1.3–1.4), with the checks
their language rows share (`template_languages`, reference 1.5).

Each function is one transaction and raises a DomainError subclass with a user-facing message;
nothing is saved when an operation is refused. `rapport.interactions.services` lists them.

Relations may be given as records or by their key (a group or language code, a campaign no.,
an attachment no.), so that the UI, the API and the CLI call the same functions.

Where Rapport differs from NAV on purpose (for docs/differences.md):

* Setting a template's default language that has no language row yet creates the row and says
  so (a notice: a warning message in the UI, `"warnings"` in the API) instead of asking "Do you
  want to create Interaction Tmpl. Language X?"; NAV aborts silently on No.
* Deleting the default language's row clears the template's default language (NAV leaves a
  default that points nowhere); it is refused while the template's wizard action is Merge,
  which needs that row.
* Deleting a language row or a template keeps the attachments: an attachment is its own record
  (`/api/v1/attachments/<no>/`) that other rows may share; NAV deletes it with the row.
* Campaign Target and Campaign Response can only be set when the template has a campaign;
  removing the campaign clears them.
* Codes hold letters, digits, `-`, `_` and `.` only (no spaces), as they stand in URLs.
* Deleting a group that still has templates is refused, naming how many (NAV refuses through
  the table relation without saying which).
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from rapport.attachments.choices import AttachmentKind
from rapport.attachments.models import Attachment
from rapport.audit.services import audit_change, audit_created, audit_deleted, audit_values
from rapport.campaigns.models import Campaign
from rapport.contacts.models import Language
from rapport.core.choices import CorrespondenceType
from rapport.core.cleaners import (
    clean_amount,
    clean_choice,
    clean_code,
    clean_flag,
    clean_text,
    has_control_chars,
)
from rapport.core.errors import ConflictError, ErrorCollector, ValidationFailed
from rapport.core.notices import notice_warning
from rapport.interactions.choices import InformationFlow, InitiatedBy, WizardAction
from rapport.interactions.models import (
    CODE_LENGTH,
    COST_DIGITS,
    COST_PLACES,
    DESCRIPTION_LENGTH,
    DURATION_DIGITS,
    InteractionGroup,
    InteractionTemplate,
    InteractionTemplateLanguage,
)
from rapport.interactions.services import trail

LABELS = {
    "code": gettext_lazy("Code"),
    "group": gettext_lazy("Interaction Group Code"),
    "description": gettext_lazy("Description"),
    "unit_cost": gettext_lazy("Unit Cost"),
    "unit_duration": gettext_lazy("Unit Duration (Min.)"),
    "information_flow": gettext_lazy("Information Flow"),
    "initiated_by": gettext_lazy("Initiated By"),
    "correspondence_type_default": gettext_lazy("Correspondence Type (Default)"),
    "ignore_contact_corres_type": gettext_lazy("Ignore Contact Corres. Type"),
    "language_default": gettext_lazy("Language Code (Default)"),
    "wizard_action": gettext_lazy("Wizard Action"),
    "campaign": gettext_lazy("Campaign No."),
    "campaign_target": gettext_lazy("Campaign Target"),
    "campaign_response": gettext_lazy("Campaign Response"),
    "language": gettext_lazy("Language Code"),
    "attachment": gettext_lazy("Attachment No."),
}

CHOICES: dict[str, type[models.TextChoices]] = {
    "information_flow": InformationFlow,
    "initiated_by": InitiatedBy,
    "correspondence_type_default": CorrespondenceType,
    "wizard_action": WizardAction,
}
FLAGS = ("ignore_contact_corres_type", "campaign_target", "campaign_response")
TEMPLATE_FIELDS = (
    "group",
    "description",
    "unit_cost",
    "unit_duration",
    "information_flow",
    "initiated_by",
    "correspondence_type_default",
    "ignore_contact_corres_type",
    "language_default",
    "wizard_action",
    "campaign",
    "campaign_target",
    "campaign_response",
)
MAX_ATTACHMENT_NO = 2_147_483_647

_UNSET: Any = object()


# ---------------------------------------------------------------------------------------------
# Checking values


def label(name: str) -> Any:
    return LABELS.get(name, name)


def clean_description(value: Any, errors: ErrorCollector, name: str = "description") -> str:
    return clean_text(name, value, errors, label=label(name), max_length=DESCRIPTION_LENGTH)


def resolve_relation(
    name: str, value: Any, model: type[models.Model], key: str, errors: ErrorCollector
) -> Any:
    """A related record given as the record itself or by its key (code, no.); None stays None.
    An unknown key is an error naming it."""
    if value is None or value == "":
        return None
    if isinstance(value, model):
        if value.pk is None:
            errors.add(name, _("%(field)s must be a saved record.") % {"field": LABELS[name]})
            return None
        return value
    if key == "no" and model is Attachment:
        if isinstance(value, bool) or not isinstance(value, int | str):
            errors.add(name, _("%(field)s must be a whole number.") % {"field": LABELS[name]})
            return None
        try:
            number = int(str(value).strip())
        except ValueError:
            errors.add(name, _("%(field)s must be a whole number.") % {"field": LABELS[name]})
            return None
        attachment = (
            Attachment.objects.filter(no=number).first()
            if 1 <= number <= MAX_ATTACHMENT_NO
            else None
        )
        if attachment is None:
            errors.add(name, _("There is no attachment %(no)s.") % {"no": number})
        return attachment
    if not isinstance(value, str):
        errors.add(name, _("%(field)s must be text.") % {"field": LABELS[name]})
        return None
    text = value.strip().upper()
    found = (
        model._default_manager.filter(**{key: text}).first()
        if text and len(text) <= 20 and not has_control_chars(text)
        else None
    )
    if found is None:
        messages = {
            InteractionGroup: _("There is no interaction group %(key)s."),
            Language: _("There is no language %(key)s."),
            Campaign: _("There is no campaign %(key)s."),
        }
        shown = text if len(text) <= 20 and not has_control_chars(text) else text[:20] + "…"
        errors.add(name, messages.get(model, _("There is no %(key)s.")) % {"key": shown})
    return found


def wizard_problem(
    template_code: str,
    wizard_action: str,
    default_language: Language | None,
    attachment: Attachment | None,
) -> str | None:
    """NAV's check of the wizard action against the default language's attachment: Merge needs
    an e-mail (HTML) attachment; Import cannot be used with a Word document. Open and blank
    take any attachment (Open needs one only when an interaction is created)."""
    if wizard_action == WizardAction.MERGE:
        if default_language is None:
            return _(
                "Wizard Action Merge cannot be used for interaction template %(code)s: it has no "
                "default language, so there is no e-mail (HTML) attachment to merge."
            ) % {"code": template_code}
        if attachment is None:
            return _(
                "Wizard Action Merge cannot be used for interaction template %(code)s: its "
                "default language %(language)s has no attachment. Merge needs an e-mail (HTML) "
                "attachment."
            ) % {"code": template_code, "language": default_language.code}
        if attachment.kind != AttachmentKind.EMAIL:
            return _(
                "Wizard Action Merge cannot be used for interaction template %(code)s: the "
                "attachment of its default language %(language)s is not an e-mail (HTML) "
                "attachment."
            ) % {"code": template_code, "language": default_language.code}
    if (
        wizard_action == WizardAction.IMPORT
        and attachment is not None
        and attachment.kind == AttachmentKind.WORD
    ):
        language = default_language.code if default_language else ""
        return _(
            "Wizard Action Import cannot be used for interaction template %(code)s: the "
            "attachment of its default language %(language)s is a Word document."
        ) % {"code": template_code, "language": language}
    return None


def template_language_row(
    template: InteractionTemplate | None, language: Language | None
) -> InteractionTemplateLanguage | None:
    """The template's row for `language`, with its attachment (from the template's prefetched
    rows when they are loaded); None for no template, an unsaved one or no language."""
    if template is None or template.pk is None or language is None:
        return None
    if "languages" in getattr(template, "_prefetched_objects_cache", {}):
        return next(
            (row for row in template.languages.all() if row.language_id == language.pk), None
        )
    return (
        InteractionTemplateLanguage.objects.select_related("attachment")
        .filter(template=template, language=language)
        .first()
    )


def lock_template(template: InteractionTemplate) -> InteractionTemplate:
    """The template's row, locked: writes to one template and its language rows queue."""
    try:
        # NO KEY: language rows inserted meanwhile take KEY SHARE locks on the template row.
        no_key = connection.features.has_select_for_no_key_update
        return InteractionTemplate.objects.select_for_update(no_key=no_key).get(pk=template.pk)
    except InteractionTemplate.DoesNotExist:
        raise ConflictError(
            _("Interaction template %(code)s no longer exists.") % {"code": template.code},
            code="not_found",
        ) from None


# ---------------------------------------------------------------------------------------------
# Interaction groups


def duplicate_error(message: str, name: str = "code") -> ValidationFailed:
    return ValidationFailed({name: [message]}, code="duplicate")


@transaction.atomic
def interaction_group_create(*, code: str, description: str = "") -> InteractionGroup:
    """Create an interaction group. Code: required, trimmed, upper-cased, at most 10
    characters of A-Z 0-9 - _ . (no spaces), unique. Description at most 100 characters."""
    errors = ErrorCollector()
    code = clean_code("code", code, errors, label=LABELS["code"], max_length=CODE_LENGTH)
    description = clean_description(description, errors)
    errors.raise_if_any()
    message = _("Interaction group %(code)s already exists.") % {"code": code}
    if InteractionGroup.objects.filter(code=code).exists():
        raise duplicate_error(message)
    try:
        with transaction.atomic():
            group = InteractionGroup.objects.create(code=code, description=description)
    except IntegrityError:
        raise duplicate_error(message) from None
    audit_created(group, operation="interaction_group_create", object_type=trail.GROUP)
    return group


@transaction.atomic
def interaction_group_update(
    *, group: InteractionGroup, description: str = _UNSET
) -> InteractionGroup:
    """Change a group's description (the code is its key and stays)."""
    errors = ErrorCollector()
    stored = InteractionGroup.objects.filter(pk=group.pk).values("description").first()
    if description is not _UNSET:
        group.description = clean_description(description, errors)
    errors.raise_if_any()
    group.save(update_fields=["description"])
    audit_change(
        operation="interaction_group_update",
        object_type=trail.GROUP,
        object_key=group.code,
        before=stored or {},
        after={"description": group.description},
    )
    return group


@transaction.atomic
def interaction_group_delete(*, group: InteractionGroup) -> None:
    """Delete a group that no template belongs to. A group with templates is refused
    (ConflictError, 409), naming how many and which."""
    codes = list(
        InteractionTemplate.objects.filter(group=group)
        .order_by("code")
        .values_list("code", flat=True)
    )
    if codes:
        shown = ", ".join(codes[:5]) + (", …" if len(codes) > 5 else "")
        raise ConflictError(
            ngettext(
                "Interaction group %(code)s still has %(count)s interaction template "
                "(%(codes)s). Move it to another group or delete it first.",
                "Interaction group %(code)s still has %(count)s interaction templates "
                "(%(codes)s). Move them to another group or delete them first.",
                len(codes),
            )
            % {"code": group.code, "count": len(codes), "codes": shown},
            code="in_use",
            details={"no_of_templates": len(codes)},
        )
    before = audit_values(group)
    try:
        group.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise ConflictError(
            _("Interaction group %(code)s is still in use and cannot be deleted.")
            % {"code": group.code},
            code="in_use",
        ) from exc
    audit_deleted(
        before, operation="interaction_group_delete", object_type=trail.GROUP, key=group.code
    )


# ---------------------------------------------------------------------------------------------
# Interaction templates


def _clean_template_values(
    given: Mapping[str, Any], current: Mapping[str, Any], errors: ErrorCollector
) -> dict[str, Any]:
    """The template's values after the change: `given` (what the caller passed) over
    `current`. Checks every given value, then the rules between fields."""
    values = dict(current)
    for name, value in given.items():
        if name == "group":
            values[name] = resolve_relation(name, value, InteractionGroup, "code", errors)
            if values[name] is None and name not in errors:
                errors.add(name, _("%(field)s must have a value.") % {"field": LABELS[name]})
        elif name == "description":
            values[name] = clean_description(value, errors, name)
        elif name == "unit_cost":
            values[name] = clean_amount(
                name, value, errors, label=LABELS[name], places=COST_PLACES, digits=COST_DIGITS
            )
        elif name == "unit_duration":
            values[name] = clean_amount(
                name, value, errors, label=LABELS[name], places=0, digits=DURATION_DIGITS
            )
        elif name in CHOICES:
            values[name] = clean_choice(
                name, value, errors, label=LABELS[name], choices=CHOICES[name].values
            )
        elif name in FLAGS:
            values[name] = clean_flag(name, value, errors, label=LABELS[name])
        elif name == "language_default":
            values[name] = resolve_relation(name, value, Language, "code", errors)
        elif name == "campaign":
            values[name] = resolve_relation(name, value, Campaign, "no", errors)
        else:  # pragma: no cover - the callers pass known names only
            raise TypeError(name)
    if values["campaign"] is None and "campaign" not in errors:
        for name in ("campaign_target", "campaign_response"):
            if given.get(name) is True:
                errors.add(
                    name,
                    _("%(field)s can only be set when the template has a campaign.")
                    % {"field": LABELS[name]},
                )
            values[name] = False
    return values


def _save_template(
    template: InteractionTemplate, values: Mapping[str, Any], errors: ErrorCollector
) -> str | None:
    """Check the wizard action against the default language's row, then write the template and
    (when missing) its default language's row. Returns the code of the language row added."""
    language = values["language_default"]
    row = template_language_row(template, language)
    if "wizard_action" not in errors and "language_default" not in errors:
        problem = wizard_problem(
            template.code,
            values["wizard_action"],
            language,
            row.attachment if row is not None else None,
        )
        if problem:
            errors.add("wizard_action", problem)
    errors.raise_if_any()
    for name, value in values.items():
        setattr(template, name, value)
    template.save()
    if language is not None and row is None:
        InteractionTemplateLanguage.objects.create(template=template, language=language)
        notice_warning(
            _(
                "Language %(language)s was added to interaction template %(code)s, because it "
                "is the template's default language."
            )
            % {"language": language.code, "code": template.code}
        )
        return str(language.code)
    return None


@transaction.atomic
def interaction_template_create(
    *,
    code: str,
    group: InteractionGroup | str,
    description: str = "",
    unit_cost: decimal.Decimal | int | str = 0,
    unit_duration: decimal.Decimal | int | str = 0,
    information_flow: str = InformationFlow.BLANK,
    initiated_by: str = InitiatedBy.BLANK,
    correspondence_type_default: str = CorrespondenceType.EMAIL,
    ignore_contact_corres_type: bool = False,
    language_default: Language | str | None = None,
    wizard_action: str = WizardAction.BLANK,
    campaign: Campaign | str | None = None,
    campaign_target: bool = False,
    campaign_response: bool = False,
) -> InteractionTemplate:
    """Create an interaction template (reference 1.4).

    * Code: required, trimmed, upper-cased, at most 10 characters of A-Z 0-9 - _ . , unique.
    * Group: required, must exist. Description at most 100 characters.
    * Unit cost ≥ 0 with at most 2 decimals; unit duration ≥ 0 in whole minutes.
    * Information flow, initiated by, correspondence type (default: email, as BC) and wizard
      action: one of their option values.
    * Default language: must exist; its language row is created with the template (and a
      notice says so).
    * Wizard action Merge needs an e-mail (HTML) attachment on the default language's row, so
      it cannot be set on a new template; Import cannot be used with a Word attachment.
    * Campaign: must exist; campaign target and response can only be set with a campaign.
    """
    arguments = locals()  # the arguments only: taken before any other name is bound
    errors = ErrorCollector()
    code = clean_code("code", code, errors, label=LABELS["code"], max_length=CODE_LENGTH)
    given = {name: arguments[name] for name in TEMPLATE_FIELDS}
    values = _clean_template_values(given, dict.fromkeys(TEMPLATE_FIELDS), errors)
    if "code" not in errors and InteractionTemplate.objects.filter(code=code).exists():
        errors.add("code", _("Interaction template %(code)s already exists.") % {"code": code})
        raise ValidationFailed(errors.errors, code="duplicate")
    template = InteractionTemplate(code=code)
    try:
        with transaction.atomic():
            added = _save_template(template, values, errors)
    except IntegrityError:
        raise duplicate_error(
            _("Interaction template %(code)s already exists.") % {"code": code}
        ) from None
    audit_created(
        template,
        operation="interaction_template_create",
        object_type=trail.TEMPLATE,
        details=_language_added(added),
    )
    return template


@transaction.atomic
def interaction_template_update(
    *,
    template: InteractionTemplate,
    group: InteractionGroup | str = _UNSET,
    description: str = _UNSET,
    unit_cost: decimal.Decimal | int | str = _UNSET,
    unit_duration: decimal.Decimal | int | str = _UNSET,
    information_flow: str = _UNSET,
    initiated_by: str = _UNSET,
    correspondence_type_default: str = _UNSET,
    ignore_contact_corres_type: bool = _UNSET,
    language_default: Language | str | None = _UNSET,
    wizard_action: str = _UNSET,
    campaign: Campaign | str | None = _UNSET,
    campaign_target: bool = _UNSET,
    campaign_response: bool = _UNSET,
) -> InteractionTemplate:
    """Change a template; arguments left out keep their value (the code is its key and stays).

    The rules of `interaction_template_create`, checked on the template as it will be: a new
    default language without a row gets one (with a notice); the wizard action is checked
    against the attachment of the default language's row; removing the campaign clears
    campaign target and response (setting either without a campaign is refused)."""
    arguments = locals()  # the arguments only: taken before any other name is bound
    current = lock_template(template)
    given = {name: arguments[name] for name in TEMPLATE_FIELDS if arguments[name] is not _UNSET}
    errors = ErrorCollector()
    stored = {name: getattr(current, name) for name in TEMPLATE_FIELDS}
    before = audit_values(current)  # its relations were read for `stored`
    values = _clean_template_values(given, stored, errors)
    added = _save_template(current, values, errors)
    audit_change(
        operation="interaction_template_update",
        object_type=trail.TEMPLATE,
        object_key=current.code,
        before=before,
        after=audit_values(current, before.keys()),
        details=_language_added(added),
    )
    template.refresh_from_db()
    return template


def _language_added(code: str | None) -> dict[str, Any] | None:
    """The trail's details when saving the template added its default language's row."""
    return {"language_added": code} if code else None


@transaction.atomic
def interaction_template_delete(*, template: InteractionTemplate) -> None:
    """Delete a template with its language rows and their attachments (reference 1.4, 1.5;
    an attachment something else still uses stays). Refused (ConflictError, 409) while other
    records refer to the template."""
    from rapport.interactions.services.template_languages import release_attachment

    rows = list(template.languages.select_related("attachment", "language"))
    attachments = [row.attachment for row in rows]
    before = audit_values(template)
    try:
        template.delete()
    except (ProtectedError, RestrictedError) as exc:
        found: Any = getattr(exc, "protected_objects", None) or getattr(
            exc, "restricted_objects", ()
        )
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in found})
        raise ConflictError(
            _("Interaction template %(code)s is still used (%(what)s) and cannot be deleted.")
            % {"code": template.code, "what": ", ".join(kinds) or _("by other records")},
            code="in_use",
        ) from exc
    for attachment in attachments:
        release_attachment(attachment)
    audit_deleted(
        before,
        operation="interaction_template_delete",
        object_type=trail.TEMPLATE,
        key=template.code,
        details={"languages": sorted(row.language.code for row in rows)} if rows else None,
    )
