"""What an interaction copies from its template (reference 2.1.3, 2.1.4): the values themselves;
`rapport.interactions.services.template_defaults_apply` copies them onto an interaction."""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rapport.core.choices import CorrespondenceType
from rapport.interactions.models import InteractionTemplate


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
