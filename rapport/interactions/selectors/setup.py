"""Reads of interaction groups, templates and template languages (reference 1.3–1.5),
shared by the UI, the API and the CLI."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext as _

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
    rows = (
        InteractionTemplateLanguage.objects.select_related("language", "attachment")
        .defer("attachment__content")  # the file is not shown; it may be megabytes
        .order_by("language__code")
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
