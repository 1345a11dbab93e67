"""Reads of interaction groups and templates shared by the UI, API and CLI, and the defaults an
interaction copies from its template."""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext as _

from rapport.core.choices import CorrespondenceType
from rapport.core.errors import NotFoundError
from rapport.interactions.models import (
    InteractionGroup,
    InteractionTemplate,
    InteractionTemplateLanguage,
)


def _key(value: str) -> str:
    return str(value or "").strip().upper()


def interaction_group_list() -> QuerySet[InteractionGroup]:
    """Groups by code, each with `no_of_templates`."""
    return InteractionGroup.objects.annotate(no_of_templates=Count("templates")).order_by("code")


def interaction_group_get(code: str) -> InteractionGroup:
    """The group with `code` (case-insensitive); NotFoundError if none."""
    try:
        return interaction_group_list().get(code=_key(code))
    except InteractionGroup.DoesNotExist:
        raise NotFoundError(
            _("There is no interaction group %(code)s.") % {"code": _key(code)}
        ) from None


def interaction_template_list() -> QuerySet[InteractionTemplate]:
    """Templates by code with their group, default language and campaign, and
    `default_attachment_no`: the attachment of the default language's row (NAV's Attachment
    No. FlowField)."""
    default_row = InteractionTemplateLanguage.objects.filter(
        template=OuterRef("pk"), language=OuterRef("language_default")
    )
    return (
        InteractionTemplate.objects.select_related("group", "language_default", "campaign")
        .annotate(default_attachment_no=Subquery(default_row.values("attachment__no")[:1]))
        .order_by("code")
    )


def interaction_template_get(code: str) -> InteractionTemplate:
    """The template with `code` (case-insensitive), its language rows prefetched; NotFoundError
    if none."""
    rows = InteractionTemplateLanguage.objects.select_related("language", "attachment").order_by(
        "language__code"
    )
    try:
        return (
            interaction_template_list()
            .prefetch_related(Prefetch("languages", queryset=rows))
            .get(code=_key(code))
        )
    except InteractionTemplate.DoesNotExist:
        raise NotFoundError(
            _("There is no interaction template %(code)s.") % {"code": _key(code)}
        ) from None


def interaction_template_language_list(
    template: InteractionTemplate,
) -> QuerySet[InteractionTemplateLanguage]:
    return (
        InteractionTemplateLanguage.objects.filter(template=template)
        .select_related("template", "language", "attachment")
        .order_by("language__code")
    )


def interaction_template_language_get(
    template: InteractionTemplate, language_code: str
) -> InteractionTemplateLanguage:
    """The template's row for `language_code` (case-insensitive); NotFoundError if none."""
    try:
        return interaction_template_language_list(template).get(language__code=_key(language_code))
    except InteractionTemplateLanguage.DoesNotExist:
        raise NotFoundError(
            _("Interaction template %(code)s has no language %(language)s.")
            % {"code": template.code, "language": _key(language_code)}
        ) from None


# ---------------------------------------------------------------------------------------------
# What an interaction copies from its template


@dataclass(frozen=True)
class TemplateDefaults:
    """The values an interaction (wizard or segment line) takes from its template (reference
    2.1.3 and 2.1.4). `description` is to be used only when the user has not typed one;
    `campaign` only when no campaign is imposed (e.g. by the campaign the user started from)."""

    template_code: str
    group_code: str
    description: str
    cost: decimal.Decimal
    duration: decimal.Decimal
    information_flow: str
    initiated_by: str
    campaign: Any  # a Campaign or None
    campaign_target: bool
    campaign_response: bool
    language_code: str
    attachment: Any  # an Attachment or None
    correspondence_type: str


def _contact_value(contact: Any, name: str) -> Any:
    if contact is None:
        return None
    if isinstance(contact, Mapping):
        return contact.get(name)
    return getattr(contact, name, None)


def _contact_language_code(contact: Any) -> str:
    """The contact's language code: `language_code`, or the code of its `language` (a record
    or a code)."""
    code = _contact_value(contact, "language_code")
    if not code:
        language = _contact_value(contact, "language")
        code = getattr(language, "code", language)
    return str(code or "").strip().upper()


def resolve_correspondence_type(
    *,
    template_default: str,
    ignore_contact_corres_type: bool,
    contact_type: str,
    previous: str = CorrespondenceType.BLANK,
) -> str:
    """Reference 2.1.4 (without the segment header's step): the template's default when the
    template ignores the contact's preference, or when the contact has none and the template
    has one; else the contact's preference when it has one; else the previous value."""
    if ignore_contact_corres_type or (not contact_type and template_default):
        return template_default
    if contact_type:
        return contact_type
    return previous


def template_defaults_for(
    template: InteractionTemplate,
    contact: Any = None,
    *,
    previous_correspondence_type: str = CorrespondenceType.BLANK,
) -> TemplateDefaults:
    """What choosing `template` copies into an interaction for `contact` (reference 2.1.3).

    `contact` is anything with `language_code` (or `language`) and `correspondence_type`, as
    attributes or mapping keys (a Contact, a dict); None for no contact.

    * Language: the contact's language when the template has a row for it, else the template's
      default language ("" when it has none); attachment: that row's attachment.
    * Group, description, cost := unit cost, duration := unit duration, information flow,
      initiated by, campaign, campaign target and response: the template's.
    * Correspondence type: `resolve_correspondence_type` (2.1.4), with
      `previous_correspondence_type` as the value to keep when nothing decides.

    Reads the template's language rows (use the prefetched ones of
    `interaction_template_get` to save the query); writes nothing."""
    prefetched = getattr(template, "_prefetched_objects_cache", {})
    if "languages" in prefetched:
        all_rows = list(template.languages.all())
    else:
        all_rows = list(template.languages.select_related("language", "attachment"))
    rows = {row.language.code: row for row in all_rows}
    contact_language = _contact_language_code(contact)
    if contact_language and contact_language in rows:
        language_code = contact_language
    else:
        default = template.language_default
        language_code = default.code if default is not None else ""
    row = rows.get(language_code)
    contact_type = str(_contact_value(contact, "correspondence_type") or "")
    return TemplateDefaults(
        template_code=template.code,
        group_code=template.group.code,
        description=template.description,
        cost=template.unit_cost,
        duration=template.unit_duration,
        information_flow=template.information_flow,
        initiated_by=template.initiated_by,
        campaign=template.campaign,
        campaign_target=template.campaign_target,
        campaign_response=template.campaign_response,
        language_code=language_code,
        attachment=row.attachment if row is not None else None,
        correspondence_type=resolve_correspondence_type(
            template_default=template.correspondence_type_default,
            ignore_contact_corres_type=template.ignore_contact_corres_type,
            contact_type=contact_type,
            previous=previous_correspondence_type,
        ),
    )
