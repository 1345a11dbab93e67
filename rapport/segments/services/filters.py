"""The filters of selecting a segment's contacts (reference 2.4.1): the sections and their
fields, cleaning and describing a filter set, and the contacts that match one.

Filters are `{"section": {"field": "NAV filter expression"}}` (API.md), parsed by
`rapport.core.filter_expressions` into Q objects (never SQL text); an unknown section or field
or a malformed expression is refused under `filters.<section>.<field>` (a message naming the
field by its label). Option fields take their API values or their captions in the user's
language (`persoon|bedrijf`), and are recorded as API values. The selection is one queryset
(the contact filters AND one EXISTS per other section with a filter); canceled interactions do
not count in the interaction section unless it filters on `canceled` (beyond NAV).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    When,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.contacts.models import (
    BusinessRelation,
    Contact,
    ContactProfileAnswer,
    ContactType,
    IndustryGroup,
    JobResponsibility,
    MailingGroup,
)
from rapport.core.choices import CorrespondenceType
from rapport.core.errors import ErrorCollector, ValidationFailed
from rapport.core.filter_expressions import (
    MAX_LENGTH,
    FilterExpressionError,
    filter_q,
    option_help,
    parse,
)
from rapport.interactions.choices import Evaluation, InformationFlow, InitiatedBy
from rapport.interactions.models import InteractionLogEntry

# ---------------------------------------------------------------------------------------------
# The filter sections (reference 2.4.1)


@dataclass(frozen=True)
class FilterField:
    """One filterable field of a section: its ORM path (relative to the section's rows), its
    filter-expression kind, and for `choice` the options as `(API value, caption)` pairs (the
    filter-expression layer accepts both and shows captions)."""

    path: str
    label: Any
    kind: str = "code"
    choices: tuple[tuple[str, Any], ...] | None = None
    nullable: bool = False

    @property
    def is_option(self) -> bool:
        return self.kind in ("bool", "choice")

    def help_text(self) -> str:
        """What may be typed, as captions in the active language ("" for free text)."""
        return option_help(self.kind, self.choices)


@dataclass(frozen=True)
class Section:
    """A filter section: its fields and how a Q over its rows becomes a condition on a
    contact (None for the contact section itself, whose Q applies to the contact)."""

    label: Any
    fields: dict[str, FilterField]
    exists: Callable[[Q], Any] | None = None
    help: Any = ""


def _values(choices: type[models.TextChoices]) -> tuple[tuple[str, Any], ...]:
    """The options of a choice field: (API value, caption)."""
    return tuple((str(value), label) for value, label in choices.choices)


def _related_exists(model: type[models.Model], *, via_company: bool = False) -> Callable[[Q], Any]:
    """EXISTS of a code table row linked to the contact (or, `via_company`, to the contact's
    company: NAV links industry groups and business relations by the contact's Company No.)."""
    outer = "_company_id" if via_company else "pk"

    def build(q: Q) -> Any:
        return Exists(model._default_manager.filter(contacts=OuterRef(outer)).filter(q))

    return build


def _profile_exists(q: Q) -> Any:
    return Exists(ContactProfileAnswer.objects.filter(contact=OuterRef("pk")).filter(q))


def _interaction_exists(q: Q, *, filters_canceled: bool) -> Any:
    entries = InteractionLogEntry.objects.filter(contact=OuterRef("pk"), postponed=False)
    if not filters_canceled:
        entries = entries.filter(canceled=False)
    return Exists(entries.filter(q))


SECTIONS: dict[str, Section] = {
    "contact": Section(
        gettext_lazy("Contact"),
        {
            "no": FilterField("no", gettext_lazy("No.")),
            "name": FilterField("name", gettext_lazy("Name"), kind="text"),
            "type": FilterField(
                "type", gettext_lazy("Type"), kind="choice", choices=_values(ContactType)
            ),
            "company_no": FilterField("_company_no", gettext_lazy("Company No."), nullable=True),
            "salesperson_code": FilterField(
                "salesperson__code", gettext_lazy("Salesperson Code"), nullable=True
            ),
            "post_code": FilterField("post_code", gettext_lazy("Post Code"), kind="text"),
            "city": FilterField("city", gettext_lazy("City"), kind="text"),
            "country_code": FilterField(
                "country__code", gettext_lazy("Country/Region Code"), nullable=True
            ),
            "territory_code": FilterField(
                "territory__code", gettext_lazy("Territory Code"), nullable=True
            ),
            "language_code": FilterField(
                "language__code", gettext_lazy("Language Code"), nullable=True
            ),
            "email": FilterField("email", gettext_lazy("E-mail"), kind="text"),
            "job_title": FilterField("job_title", gettext_lazy("Job Title"), kind="text"),
            "correspondence_type": FilterField(
                "correspondence_type",
                gettext_lazy("Correspondence Type"),
                kind="choice",
                choices=_values(CorrespondenceType),
            ),
            "exclude_from_segment": FilterField(
                "exclude_from_segment", gettext_lazy("Exclude from Segment"), kind="bool"
            ),
        },
    ),
    "mailing_group": Section(
        gettext_lazy("Mailing Group"),
        {"code": FilterField("code", gettext_lazy("Mailing Group Code"))},
        _related_exists(MailingGroup),
    ),
    "profile": Section(
        gettext_lazy("Profile"),
        {
            "questionnaire_code": FilterField(
                "questionnaire__code", gettext_lazy("Profile Questionnaire Code")
            ),
            "answer": FilterField("answer__answer", gettext_lazy("Answer"), kind="text"),
            "answer_line_no": FilterField(
                "answer__line_no", gettext_lazy("Answer Line No."), kind="integer"
            ),
        },
        _profile_exists,
    ),
    "interaction": Section(
        gettext_lazy("Interaction"),
        {
            "date": FilterField("date", gettext_lazy("Date"), kind="date", nullable=True),
            "template_code": FilterField(
                "template__code", gettext_lazy("Interaction Template Code"), nullable=True
            ),
            "group_code": FilterField(
                "group__code", gettext_lazy("Interaction Group Code"), nullable=True
            ),
            "salesperson_code": FilterField(
                "salesperson__code", gettext_lazy("Salesperson Code"), nullable=True
            ),
            "campaign_no": FilterField("campaign__no", gettext_lazy("Campaign No."), nullable=True),
            "evaluation": FilterField(
                "evaluation",
                gettext_lazy("Evaluation"),
                kind="choice",
                choices=_values(Evaluation),
            ),
            "attempt_failed": FilterField(
                "attempt_failed", gettext_lazy("Attempt Failed"), kind="bool"
            ),
            "information_flow": FilterField(
                "information_flow",
                gettext_lazy("Information Flow"),
                kind="choice",
                choices=_values(InformationFlow),
            ),
            "initiated_by": FilterField(
                "initiated_by",
                gettext_lazy("Initiated By"),
                kind="choice",
                choices=_values(InitiatedBy),
            ),
            "segment_no": FilterField("segment_no", gettext_lazy("Segment No.")),
            "logged_segment_entry_no": FilterField(
                "logged_segment_entry_no",
                gettext_lazy("Logged Segment Entry No."),
                kind="integer",
                nullable=True,
            ),
            "canceled": FilterField("canceled", gettext_lazy("Canceled"), kind="bool"),
        },
        None,  # built by _interaction_exists (depends on whether `canceled` is filtered)
        gettext_lazy(
            "Logged interactions of the contact; canceled ones only when Canceled is filtered."
        ),
    ),
    "job_responsibility": Section(
        gettext_lazy("Job Responsibility"),
        {"code": FilterField("code", gettext_lazy("Job Responsibility Code"))},
        _related_exists(JobResponsibility),
    ),
    "industry_group": Section(
        gettext_lazy("Industry Group"),
        {"code": FilterField("code", gettext_lazy("Industry Group Code"))},
        _related_exists(IndustryGroup, via_company=True),
        gettext_lazy("Of the contact's company (a company's own)."),
    ),
    "business_relation": Section(
        gettext_lazy("Business Relation"),
        {"code": FilterField("code", gettext_lazy("Business Relation Code"))},
        _related_exists(BusinessRelation, via_company=True),
        gettext_lazy("Of the contact's company (a company's own)."),
    ),
}


def _company_id_expression() -> Any:
    """NAV's Company No. as an id: a company's own, a person's company's (NULL without)."""
    return Case(
        When(type=ContactType.COMPANY, then=F("pk")),
        default=F("company_id"),
        output_field=IntegerField(),
    )


def _company_no_expression() -> Any:
    return Case(
        When(type=ContactType.COMPANY, then=F("no")),
        default=F("company__no"),
        output_field=models.CharField(),
    )


def contacts_with_company() -> QuerySet[Contact]:
    """Contacts annotated with `_company_id` and `_company_no` (NAV's Company No.)."""
    return Contact.objects.annotate(
        _company_id=_company_id_expression(), _company_no=_company_no_expression()
    )


def clean_filters(filters: Any, *, stored: bool = False) -> dict[str, dict[str, str]]:
    """The given filters with blank expressions dropped; refuses what is not an object of
    sections of field → expression, naming `filters.<section>.<field>`. The length limit
    (`MAX_LENGTH`) holds for what a user typed; `stored`: filters recorded in their canonical
    form (captions written as API values, possibly longer), which are not limited again."""
    errors = ErrorCollector()
    cleaned: dict[str, dict[str, str]] = {}
    if filters in (None, ""):
        return cleaned
    if not isinstance(filters, dict):
        raise ValidationFailed(
            {"filters": [_("Filters must be an object of sections, each of field → filter.")]}
        )
    for section_name, section_filters in filters.items():
        section = SECTIONS.get(str(section_name))
        if section is None:
            errors.add(
                f"filters.{section_name}",
                _("Unknown filter section. Known: %(known)s.") % {"known": ", ".join(SECTIONS)},
            )
            continue
        if section_filters is None:
            errors.add(f"filters.{section_name}", _("Null is not a filter: leave it out."))
            continue
        if section_filters == "":
            continue
        if not isinstance(section_filters, dict):
            errors.add(f"filters.{section_name}", _("A section is an object of field → filter."))
            continue
        for field_name, expression in section_filters.items():
            name = f"filters.{section_name}.{field_name}"
            if field_name not in section.fields:
                errors.add(
                    name,
                    _("Unknown field. Known: %(known)s.") % {"known": ", ".join(section.fields)},
                )
                continue
            if isinstance(expression, bool):
                expression = "yes" if expression else "no"
            if isinstance(expression, int | float):
                expression = str(expression)
            if expression is None:
                errors.add(name, _("Null is not a filter: leave it out."))
                continue
            if not isinstance(expression, str):
                errors.add(name, _("A filter is a text (a filter expression)."))
                continue
            if expression.strip():
                spec = section.fields[field_name]
                cleaned.setdefault(str(section_name), {})[str(field_name)] = _canonical(
                    spec, expression.strip(), name, errors, stored=stored
                )
    _raise_filter_errors(errors)
    return cleaned


def _canonical(
    spec: FilterField, expression: str, name: str, errors: ErrorCollector, *, stored: bool
) -> str:
    """An option filter with its captions (typed in the user's language) written as API
    values, so a recorded or saved criteria action means the same in every language; other
    filters as typed (their errors, but for the length, come when the filter is applied)."""
    limit = None if stored else MAX_LENGTH
    try:
        if not spec.is_option:
            if limit is not None and len(expression) > limit:
                parse(expression, kind="text", field=name, label=spec.label)  # the length error
            return expression
        return parse(
            expression,
            kind=spec.kind,
            choices=spec.choices,
            field=name,
            label=spec.label,
            max_length=limit,
        ).describe()
    except FilterExpressionError as error:
        for messages in error.errors.values():
            for message in messages:
                errors.add(name, message)
        return expression


def describe_filters(filters: Any) -> list[str]:
    """Recorded filters as a user reads them, in the active language: "Contact: Type = Person"
    (section and field labels, options as captions); unknown fields as stored."""
    described = []
    for section_name, fields in (filters or {}).items():
        if not isinstance(fields, dict):
            continue
        section = SECTIONS.get(section_name)
        for field_name, expression in fields.items():
            spec = section.fields.get(field_name) if section else None
            if section is None or spec is None:
                described.append(f"{section_name}.{field_name} = {expression}")
                continue
            shown = str(expression)
            if spec.is_option:
                with suppress(FilterExpressionError):
                    parsed = parse(shown, kind=spec.kind, choices=spec.choices, max_length=None)
                    shown = parsed.describe(captions=True)
            described.append(f"{section.label}: {spec.label} = {shown}")
    return described


def _raise_filter_errors(errors: ErrorCollector) -> None:
    if errors:
        raise ValidationFailed(errors.errors, code="invalid_filter")


def _section_q(section_name: str, fields: dict[str, str], errors: ErrorCollector) -> Q:
    section = SECTIONS[section_name]
    q = Q()
    for field_name, expression in fields.items():
        spec = section.fields[field_name]
        try:
            q &= filter_q(
                spec.path,
                expression,
                kind=spec.kind,
                choices=spec.choices,
                nullable=spec.nullable,
                field=f"filters.{section_name}.{field_name}",
                label=spec.label,
                max_length=None,  # cleaned: the limit held for what was typed
            )
        except FilterExpressionError as error:
            for name, messages in error.errors.items():
                for message in messages:
                    errors.add(name, message)
    return q


def matching_contacts(filters: dict[str, dict[str, str]]) -> QuerySet[Contact]:
    """The contacts that pass the contact filters and, for every other section with a filter,
    have at least one related row that passes it (EXISTS per section, AND across sections;
    reference 2.4.1). `filters` as returned by `clean_filters`. One queryset, not evaluated."""
    errors = ErrorCollector()
    queryset = contacts_with_company()
    conditions: list[Any] = []
    for section_name, fields in filters.items():
        q = _section_q(section_name, fields, errors)
        if section_name == "contact":
            conditions.append(q)
        elif section_name == "interaction":
            conditions.append(_interaction_exists(q, filters_canceled="canceled" in fields))
        else:
            build = SECTIONS[section_name].exists
            assert build is not None
            conditions.append(build(q))
    _raise_filter_errors(errors)
    for condition in conditions:
        queryset = queryset.filter(condition)
    return queryset
