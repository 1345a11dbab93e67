"""Selecting a segment's contacts by criteria (reference 2.4): Add contacts, Reduce and Refine
Contacts, Go back, Save and Reuse criteria, Reuse a Logged Segment.

Every operation is one transaction and a constant number of set-based statements, whatever the
number of contacts (ARCHITECTURE.md, performance rules): the selection is one queryset (the
contact filters AND one EXISTS per other section with a filter), counted with one aggregate and
written with one INSERT … SELECT (`lines.insert_lines`) or one history INSERT … SELECT plus one
DELETE (`services.remove_lines`).

Filters are `{"section": {"field": "NAV filter expression"}}` (API.md), parsed by
`rapport.core.filter_expressions` into Q objects (never SQL text); an unknown section or field
or a malformed expression is refused under `filters.<section>.<field>` (a message naming the
field by its label). Option fields take their API values or their captions in the user's
language (`persoon|bedrijf`), and are recorded as API values.

Decisions beyond NAV (see the docstrings): privacy-blocked contacts are never added; a contact
whose line would be e-mailed but who has no e-mail address is skipped; canceled interactions
do not count in the interaction section unless it filters on `canceled`; Go back is exact; an
action that selects nothing is still recorded (as NAV does), so Go back and saved criteria see
it.

This module does not import `services` at import time: services re-exports it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast
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
from rapport.core.errors import ConflictError, ErrorCollector, ValidationFailed
from rapport.core.filter_expressions import (
    MAX_LENGTH,
    FilterExpressionError,
    filter_q,
    option_help,
    parse,
)
from rapport.interactions.choices import Evaluation, InformationFlow, InitiatedBy
from rapport.interactions.models import InteractionLogEntry
from rapport.segments.choices import CriteriaAction, HistoryAction
from rapport.segments.lines import (
    HISTORY_COPIED,
    correspondence_type_expression,
    insert_lines,
)
from rapport.segments.models import (
    LoggedSegment,
    SavedSegmentCriteria,
    SavedSegmentCriteriaAction,
    Segment,
    SegmentCriteriaAction,
    SegmentHistory,
    SegmentLine,
)

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


# ---------------------------------------------------------------------------------------------
# Results


class SkipReason:
    """Why a selected contact is not added (the preview's reasons, in the order tested)."""

    PRIVACY_BLOCKED = "privacy_blocked"
    EXCLUDED = "excluded_from_segments"
    NO_EMAIL = "no_email"
    ALREADY_ON_SEGMENT = "already_on_segment"

    ORDER = (PRIVACY_BLOCKED, EXCLUDED, NO_EMAIL, ALREADY_ON_SEGMENT)
    LABELS = {
        PRIVACY_BLOCKED: gettext_lazy("privacy blocked"),
        EXCLUDED: gettext_lazy("excluded from segments"),
        NO_EMAIL: gettext_lazy("no e-mail while the correspondence type is e-mail"),
        ALREADY_ON_SEGMENT: gettext_lazy("already on the segment"),
    }


@dataclass(frozen=True)
class SkippedContact:
    no: str
    name: str
    reason: str


@dataclass
class SelectionResult:
    """What a criteria action did (or, in a dry run, would do): lines added and removed,
    contacts skipped per reason (`SkipReason`; each contact counted once, under its first
    reason), and in a dry run of Add contacts up to `PREVIEW_LIMIT` of the skipped contacts."""

    action: str
    dry_run: bool = False
    added: int = 0
    removed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    skipped_contacts: list[SkippedContact] = field(default_factory=list)
    action_no: int | None = None

    @property
    def total_skipped(self) -> int:
        return sum(self.skipped.values())

    def skipped_rows(self) -> list[tuple[str, Any, int]]:
        """(reason, label, count) of the reasons with a count, in `SkipReason.ORDER`."""
        return [
            (reason, SkipReason.LABELS[reason], self.skipped[reason])
            for reason in SkipReason.ORDER
            if self.skipped.get(reason)
        ]

    def summary(self) -> str:
        """One line: "37 contacts added; 3 skipped: 2 already on the segment, 1 privacy
        blocked." (or "would be added" in a dry run)."""
        if self.action in (
            CriteriaAction.REDUCE,
            CriteriaAction.REFINE,
            CriteriaAction.REMOVE_LINE,
        ):
            text = (
                _("%(count)s lines would be removed")
                if self.dry_run
                else _("%(count)s lines removed")
            ) % {"count": self.removed}
        else:
            text = (
                _("%(count)s contacts would be added")
                if self.dry_run
                else _("%(count)s contacts added")
            ) % {"count": self.added}
        rows = self.skipped_rows()
        if rows:
            details = ", ".join(f"{count} {label}" for _reason, label, count in rows)
            text += "; " + _("%(count)s skipped: %(details)s") % {
                "count": self.total_skipped,
                "details": details,
            }
        return text + "."


PREVIEW_LIMIT = 100


# ---------------------------------------------------------------------------------------------
# Helpers


def _services() -> Any:
    from rapport.segments import services

    return services


def _check_actor(actor: Any) -> None:
    """`actor=None` is the command line (it may do everything); others need MARKETING."""
    if actor is not None:
        _services().check_may_segment(actor)


def _lock(segment: Segment) -> Segment:
    return _services()._lock(segment)  # type: ignore[no-any-return]


def _actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None else None


def _record(
    actor: Any, segment: Segment, action: str, filters: dict[str, Any], **options: Any
) -> SegmentCriteriaAction:
    return _services().start_criteria_action(  # type: ignore[no-any-return]
        actor=_actor_or_none(actor), segment=segment, action=action, filters=filters, **options
    )


def _set_counts(action: SegmentCriteriaAction, *, inserted: int = 0, removed: int = 0) -> None:
    SegmentCriteriaAction.objects.filter(pk=action.pk).update(
        no_of_lines_inserted=inserted, no_of_lines_removed=removed
    )


# ---------------------------------------------------------------------------------------------
# Add contacts (reference 2.4.1)


def _candidates(
    segment: Segment, filters: dict[str, dict[str, str]], *, expand: bool, related: bool
) -> QuerySet[Contact]:
    selected = matching_contacts(filters)
    if expand or related:
        wanted = Q(pk__in=selected.values("pk"))
        if expand:  # all contacts with the Company No. of a selected contact
            companies = selected.filter(Q(**{"_company_id__isnull": False}))
            wanted |= Q(**{"_company_id__in": companies.values("_company_id")})  # type: ignore[misc]
        if related:  # the company of each selected person
            wanted |= Q(pk__in=selected.filter(company__isnull=False).values("company_id"))
        selected = contacts_with_company().filter(wanted)
    return selected.annotate(
        _on_segment=Exists(SegmentLine.objects.filter(segment=segment, contact=OuterRef("pk"))),
        _line_corres=correspondence_type_expression(segment),
    )


def _skip_conditions(*, allow_existing: bool, ignore_exclusion: bool) -> list[tuple[str, Q]]:
    conditions = [(SkipReason.PRIVACY_BLOCKED, Q(privacy_blocked=True))]
    if not ignore_exclusion:
        conditions.append((SkipReason.EXCLUDED, Q(exclude_from_segment=True)))
    conditions.append((SkipReason.NO_EMAIL, Q(_line_corres=CorrespondenceType.EMAIL, email="")))
    if not allow_existing:
        conditions.append((SkipReason.ALREADY_ON_SEGMENT, Q(_on_segment=True)))
    return conditions


def _count_skips(
    candidates: QuerySet[Contact], conditions: list[tuple[str, Q]]
) -> tuple[int, dict[str, int]]:
    """Total and per-reason counts (each contact under its first reason) in one aggregate."""
    aggregates: dict[str, Any] = {"_total": Count("pk")}
    earlier = Q()
    for reason, condition in conditions:
        aggregates[f"_n_{reason}"] = Count(
            "pk", filter=condition & ~earlier if earlier else condition
        )
        earlier = earlier | condition if earlier else condition
    counts = candidates.aggregate(**aggregates)
    total = int(counts.pop("_total"))
    return total, {
        reason.removeprefix("_n_"): int(count) for reason, count in counts.items() if count
    }


def _skipped_examples(
    candidates: QuerySet[Contact], conditions: list[tuple[str, Q]]
) -> list[SkippedContact]:
    if not conditions:
        return []
    reason = Case(
        *(When(condition, then=Value(name)) for name, condition in conditions),
        default=Value(""),
        output_field=models.CharField(),
    )
    rows = (
        candidates.annotate(_reason=reason)
        .exclude(_reason="")
        .order_by("no")
        .values_list("no", "name", "_reason")[:PREVIEW_LIMIT]
    )
    return [SkippedContact(no, name, why) for no, name, why in rows]


def _add(
    *,
    actor: Any,
    segment: Segment,
    filters: dict[str, dict[str, str]],
    action: str = CriteriaAction.ADD,
    allow_existing: bool = False,
    expand_companies: bool = False,
    allow_related_companies: bool = False,
    ignore_exclusion: bool = False,
    dry_run: bool = False,
) -> SelectionResult:
    candidates = _candidates(
        segment, filters, expand=expand_companies, related=allow_related_companies
    )
    conditions = _skip_conditions(allow_existing=allow_existing, ignore_exclusion=ignore_exclusion)
    total, skipped = _count_skips(candidates, conditions)
    added = total - sum(skipped.values())
    result = SelectionResult(action=action, dry_run=dry_run, added=added, skipped=skipped)
    if dry_run:
        if skipped:
            result.skipped_contacts = _skipped_examples(candidates, conditions)
        return result
    record = _record(
        actor,
        segment,
        action,
        filters,
        allow_existing=allow_existing,
        expand_companies=expand_companies,
        allow_related_companies=allow_related_companies,
        ignore_exclusion=ignore_exclusion,
    )
    keep = candidates
    for _reason, condition in conditions:
        keep = keep.exclude(condition)
    inserted = insert_lines(
        segment, Contact.objects.filter(pk__in=keep.values("pk")), action_no=record.action_no
    )
    _set_counts(record, inserted=inserted)
    result.added = inserted
    result.action_no = record.action_no
    return result


@transaction.atomic
def segment_add_contacts(
    *,
    actor: Any,
    segment: Segment,
    filters: Any,
    allow_existing: bool = False,
    expand_companies: bool = False,
    allow_related_companies: bool = False,
    ignore_exclusion: bool = False,
    dry_run: bool = False,
) -> SelectionResult:
    """Add contacts (reference 2.4.1): one line per contact that passes the contact filters
    and, for each other section with a filter, has a matching related row. Options as NAV:
    `expand_companies` takes every contact with the Company No. of a selected contact;
    `allow_related_companies` adds the company of each selected person; without
    `allow_existing` contacts already on a line are skipped; without `ignore_exclusion`
    contacts marked Exclude from Segment are skipped. Beyond NAV, privacy-blocked contacts are
    always skipped, and so is a contact without e-mail address whose line would get
    correspondence type e-mail (the header's or template's, or the contact's own).

    Records one criteria action (even when nothing is added, as NAV does) and inserts the lines
    with one INSERT … SELECT. `dry_run` counts the same and writes nothing."""
    _check_actor(actor)
    cleaned = clean_filters(filters)
    current = _lock(segment)
    result = _add(
        actor=actor,
        segment=current,
        filters=cleaned,
        allow_existing=allow_existing,
        expand_companies=expand_companies,
        allow_related_companies=allow_related_companies,
        ignore_exclusion=ignore_exclusion,
        dry_run=dry_run,
    )
    segment.no_of_criteria_actions = current.no_of_criteria_actions
    return result


# ---------------------------------------------------------------------------------------------
# Reduce / Refine (reference 2.4.2)


def _matching_lines(
    segment: Segment, filters: dict[str, dict[str, str]], *, entire_companies: bool
) -> QuerySet[SegmentLine]:
    """The lines whose contact passes the filters; with `entire_companies`, also every line
    whose company (the line's Contact Company) has any contact that passes them (as NAV, any
    contact of the company counts, on the segment or not)."""
    lines = SegmentLine.objects.filter(segment=segment)
    matched = matching_contacts(filters)
    condition = Q(contact_id__in=matched.filter(pk__in=lines.values("contact_id")).values("pk"))
    if entire_companies:
        on_lines = lines.filter(contact_company__isnull=False).values("contact_company_id")
        companies = matched.filter(Q(**{"_company_id__in": on_lines})).values("_company_id")  # type: ignore[misc]
        condition |= Q(contact_company_id__in=companies)
    return lines.filter(condition)


def _remove(
    *,
    actor: Any,
    segment: Segment,
    filters: dict[str, dict[str, str]],
    action: str,
    entire_companies: bool = False,
    dry_run: bool = False,
) -> SelectionResult:
    matching = _matching_lines(segment, filters, entire_companies=entire_companies)
    if action == CriteriaAction.REFINE:
        doomed = SegmentLine.objects.filter(segment=segment).exclude(pk__in=matching.values("pk"))
    else:
        doomed = matching
    if dry_run:
        return SelectionResult(action=action, dry_run=True, removed=doomed.count())
    record = _record(actor, segment, action, filters, entire_companies=entire_companies)
    removed = _services().remove_lines(segment, doomed, action=record)
    _set_counts(record, removed=removed)
    return SelectionResult(action=action, removed=removed, action_no=record.action_no)


@transaction.atomic
def segment_reduce_contacts(
    *,
    actor: Any,
    segment: Segment,
    filters: Any,
    entire_companies: bool = False,
    dry_run: bool = False,
) -> SelectionResult:
    """Reduce contacts (reference 2.4.2): remove the lines whose contact passes the filters
    (evaluated only against the segment's contacts; with `entire_companies` a match on any
    contact of a company removes all the company's lines). The removed lines are kept whole
    in the history. Without any filter every line matches (NAV)."""
    _check_actor(actor)
    cleaned = clean_filters(filters)
    current = _lock(segment)
    result = _remove(
        actor=actor,
        segment=current,
        filters=cleaned,
        action=CriteriaAction.REDUCE,
        entire_companies=entire_companies,
        dry_run=dry_run,
    )
    segment.no_of_criteria_actions = current.no_of_criteria_actions
    return result


@transaction.atomic
def segment_refine_contacts(
    *,
    actor: Any,
    segment: Segment,
    filters: Any,
    entire_companies: bool = False,
    dry_run: bool = False,
) -> SelectionResult:
    """Refine contacts (reference 2.4.2): keep only the lines whose contact passes the filters
    (with `entire_companies`: whose company has a contact that passes them), removing the rest;
    lines without a contact never match."""
    _check_actor(actor)
    cleaned = clean_filters(filters)
    current = _lock(segment)
    result = _remove(
        actor=actor,
        segment=current,
        filters=cleaned,
        action=CriteriaAction.REFINE,
        entire_companies=entire_companies,
        dry_run=dry_run,
    )
    segment.no_of_criteria_actions = current.no_of_criteria_actions
    return result


# ---------------------------------------------------------------------------------------------
# Go back (reference 2.4.4, exact)


def criteria_action_label(action: SegmentCriteriaAction) -> str:
    """ "Add contacts: 37 lines" — what the action did, for the Go back question."""
    try:
        name = str(CriteriaAction(action.action).label)
    except ValueError:
        name = action.action
    parts = []
    if action.no_of_lines_inserted or not action.no_of_lines_removed:
        parts.append(_("%(count)s lines added") % {"count": action.no_of_lines_inserted})
    if action.no_of_lines_removed:
        parts.append(_("%(count)s lines removed") % {"count": action.no_of_lines_removed})
    return f"{name}: {', '.join(parts)}"


@dataclass(frozen=True)
class GoBackResult:
    action_no: int
    action: str
    label: str
    lines_removed: int
    lines_restored: int


def _restore_lines(segment: Segment, action_no: int) -> int:
    """Re-insert the lines `action_no` removed from their history rows, exactly as they were
    (line no., contact, every interaction value, the action that had inserted them). One
    INSERT … SELECT."""
    rows = (
        SegmentHistory.objects.filter(
            segment=segment, action_no=action_no, action_taken=HistoryAction.DELETION
        )
        .order_by()
        .values(*HISTORY_COPIED, "line_action_no")
    )
    sql, params = rows.query.sql_with_params()
    columns = [*HISTORY_COPIED, "action_no", "segment_id"]
    picked = ", ".join(
        f"selected.{connection.ops.quote_name(name)}"
        for name in (*HISTORY_COPIED, "line_action_no")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SegmentLine._meta.db_table} ({', '.join(columns)}) "  # noqa: S608 - names are ours
            f"SELECT {picked}, %s FROM ({sql}) AS selected",
            [segment.pk, *params],
        )
        return int(cursor.rowcount)


@transaction.atomic
def segment_go_back(*, actor: Any, segment: Segment) -> GoBackResult:
    """Undo the last criteria action (reference 2.4.4), exactly, unlike NAV: delete only the
    lines that action inserted, re-insert the lines it removed with their line no. and
    per-line values from the history, then delete its history rows and the action and count
    it off the header. Refused when the segment has no criteria action."""
    _check_actor(actor)
    current = _lock(segment)
    last = current.criteria_actions.order_by("-action_no").first()
    if last is None:
        raise ConflictError(
            _("Segment %(no)s has no criteria action to undo.") % {"no": current.no},
            code="nothing_to_undo",
        )
    label = criteria_action_label(last)
    removed, _details = SegmentLine.objects.filter(
        segment=current, action_no=last.action_no
    ).delete()
    restored = _restore_lines(current, last.action_no)
    SegmentHistory.objects.filter(segment=current, action_no=last.action_no).delete()
    last.delete()
    current.no_of_criteria_actions = last.action_no - 1
    Segment.objects.filter(pk=current.pk).update(no_of_criteria_actions=last.action_no - 1)
    segment.no_of_criteria_actions = current.no_of_criteria_actions
    return GoBackResult(
        action_no=last.action_no,
        action=last.action,
        label=label,
        lines_removed=int(removed),
        lines_restored=restored,
    )


# ---------------------------------------------------------------------------------------------
# Save / reuse criteria, reuse a logged segment (reference 2.4.5)

SAVED_OPTIONS = (
    "action",
    "filters",
    "allow_existing",
    "expand_companies",
    "allow_related_companies",
    "ignore_exclusion",
    "entire_companies",
    "logged_segment_entry_no",
)


@transaction.atomic
def segment_save_criteria(
    *, actor: Any, segment: Segment, code: str, description: str = ""
) -> SavedSegmentCriteria:
    """Save the segment's criteria actions under `code` (reference 2.4.5): refused without
    criteria actions; the code is upper-cased, at most 10 characters and new."""
    _check_actor(actor)
    current = _lock(segment)
    errors = ErrorCollector()
    key = str(code or "").strip().upper()
    text = str(description or "").strip()
    if not key:
        errors.add("code", _("Enter a code."))
    elif len(key) > 10:
        errors.add("code", _("A code has at most 10 characters."))
    elif SavedSegmentCriteria.objects.filter(code=key).exists():
        errors.add("code", _("Saved segment criteria %(code)s already exist.") % {"code": key})
    if len(text) > SavedSegmentCriteria._meta.get_field("description").max_length:  # type: ignore[operator]
        errors.add("description", _("The description is too long."))
    actions = list(current.criteria_actions.order_by("action_no"))
    if not actions:
        errors.add(
            "",
            _("Segment %(no)s has no criteria actions to save.") % {"no": current.no},
        )
    errors.raise_if_any()
    saved = SavedSegmentCriteria.objects.create(code=key, description=text)
    SavedSegmentCriteriaAction.objects.bulk_create(
        SavedSegmentCriteriaAction(
            criteria=saved,
            action_no=number,
            **{name: getattr(action, name) for name in SAVED_OPTIONS},
        )
        for number, action in enumerate(actions, start=1)
    )
    return saved


def _quoted(value: str) -> str:
    """A value as a filter expression matching exactly it."""
    return "'" + value.replace("'", "''") + "'"


def _contact_filter_of(saved: Any) -> dict[str, dict[str, str]] | None:
    """A manual line action's contact as an exact filter (its no. was stored as typed)."""
    number = (saved.filters or {}).get("contact", {}).get("no", "")
    return {"contact": {"no": _quoted(str(number))}} if number else None


@dataclass(frozen=True)
class ReuseResult:
    criteria_code: str
    results: list[SelectionResult]

    @property
    def added(self) -> int:
        return sum(result.added for result in self.results)

    @property
    def removed(self) -> int:
        return sum(result.removed for result in self.results)


@transaction.atomic
def segment_reuse_criteria(*, actor: Any, segment: Segment, code: str) -> ReuseResult:
    """Replay every action of saved criteria `code` in order (reference 2.4.5): Add, Reduce
    and Refine with their saved filters and options; a line added or removed by hand as the
    add or removal of that contact; a reused logged segment as that again. Each replay records
    its own criteria action. Unlike NAV's source, Refine replays as Refine (with its Entire
    Companies). All or nothing."""
    _check_actor(actor)
    key = str(code or "").strip().upper()
    criteria = SavedSegmentCriteria.objects.filter(code=key[:20]).first()
    if criteria is None:
        raise ValidationFailed(
            {"code": [_("There are no saved segment criteria %(code)s.") % {"code": key[:20]}]}
        )
    current = _lock(segment)
    results = []
    for saved in criteria.actions.order_by("action_no"):
        results.append(_replay(actor, current, saved))
    segment.no_of_criteria_actions = current.no_of_criteria_actions
    return ReuseResult(criteria_code=criteria.code, results=results)


def _replay(actor: Any, segment: Segment, saved: SavedSegmentCriteriaAction) -> SelectionResult:
    action = saved.action
    if action in (CriteriaAction.ADD, CriteriaAction.ADD_LINE):
        filters = clean_filters(saved.filters, stored=True)
        if action == CriteriaAction.ADD_LINE:
            filters = _contact_filter_of(saved) or {"contact": {"no": "''"}}
        return _add(
            actor=actor,
            segment=segment,
            filters=filters,
            action=action,
            allow_existing=saved.allow_existing or action == CriteriaAction.ADD_LINE,
            expand_companies=saved.expand_companies,
            allow_related_companies=saved.allow_related_companies,
            ignore_exclusion=saved.ignore_exclusion,
        )
    if action in (CriteriaAction.REDUCE, CriteriaAction.REFINE, CriteriaAction.REMOVE_LINE):
        filters = clean_filters(saved.filters, stored=True)
        if action == CriteriaAction.REMOVE_LINE:
            # A line without contact matches no contact ("''" is no contact no.).
            filters = _contact_filter_of(saved) or {"contact": {"no": "''"}}
        return _remove(
            actor=actor,
            segment=segment,
            filters=filters,
            action=action,
            entire_companies=saved.entire_companies,
        )
    if action == CriteriaAction.REUSE_LOGGED_SEGMENT:
        logged = LoggedSegment.objects.filter(entry_no=saved.logged_segment_entry_no or 0).first()
        if logged is None:
            raise ValidationFailed(
                {
                    "code": [
                        _(
                            "Saved criteria action %(action_no)s reuses logged segment "
                            "%(entry_no)s, which no longer exists."
                        )
                        % {"action_no": saved.action_no, "entry_no": saved.logged_segment_entry_no}
                    ]
                }
            )
        return _reuse_logged(actor, segment, logged, None)
    raise ValidationFailed(
        {"code": [_("Saved criteria action %(no)s is unknown.") % {"no": saved.action_no}]}
    )


def _insert_entry_lines(segment: Segment, contacts: QuerySet[Contact], *, action_no: int) -> int:
    """`lines.insert_lines`, but one line per joined interaction log entry (a contact logged
    twice gets two lines) in entry no. order, with the entry's campaign (campaign
    target/response only with a campaign). `contacts` is joined to the entries and annotated
    with `_entry_no` and `_entry_campaign`."""
    overrides: dict[str, Any] = {
        "campaign_id": Cast(F("_entry_campaign"), output_field=models.BigIntegerField())
    }
    for flag in ("campaign_target", "campaign_response"):
        overrides[flag] = Case(
            When(_entry_campaign__isnull=True, then=Value(False)),
            default=Value(bool(getattr(segment, flag))),
            output_field=models.BooleanField(),
        )
    return insert_lines(
        segment,
        contacts,
        action_no=action_no,
        overrides=overrides,
        ordering=[F("_entry_no").asc()],
    )


def _reuse_logged(
    actor: Any,
    segment: Segment,
    logged: LoggedSegment,
    entries: QuerySet[InteractionLogEntry] | None,
) -> SelectionResult:
    if entries is None:
        entries = InteractionLogEntry.objects.all()
    chosen = entries.filter(logged_segment_entry_no=logged.entry_no, contact__isnull=False)
    joined = Contact.objects.filter(interaction_log_entries__pk__in=chosen.values("pk"))
    skipped = joined.filter(privacy_blocked=True).count()
    record = _record(
        actor,
        segment,
        CriteriaAction.REUSE_LOGGED_SEGMENT,
        {"interaction": {"logged_segment_entry_no": str(logged.entry_no)}},
        allow_existing=True,
        logged_segment_entry_no=logged.entry_no,
    )
    rows = joined.filter(privacy_blocked=False).annotate(
        _entry_no=F("interaction_log_entries__entry_no"),
        _entry_campaign=F("interaction_log_entries__campaign_id"),
    )
    inserted = _insert_entry_lines(segment, rows, action_no=record.action_no)
    _set_counts(record, inserted=inserted)
    return SelectionResult(
        action=CriteriaAction.REUSE_LOGGED_SEGMENT,
        added=inserted,
        skipped={SkipReason.PRIVACY_BLOCKED: skipped} if skipped else {},
        action_no=record.action_no,
    )


@transaction.atomic
def segment_reuse_logged_segment(
    *,
    actor: Any,
    segment: Segment,
    logged_segment: LoggedSegment,
    entries: QuerySet[InteractionLogEntry] | None = None,
) -> SelectionResult:
    """Reuse a logged segment (reference 2.4.5): one line per interaction log entry of
    `logged_segment` (a contact logged twice gets two lines; canceled entries count, as in
    NAV), allow existing = yes, each line's campaign from its entry; one criteria action
    "reuse_logged_segment" naming the logged segment. `entries` limits it to a subset of those
    entries (the follow-up segment of a log; the subset itself is not recorded in the action's
    filters). Entries without contact are left out; privacy-blocked contacts are skipped
    (beyond NAV). One INSERT … SELECT."""
    _check_actor(actor)
    current = _lock(segment)
    result = _reuse_logged(actor, current, logged_segment, entries)
    segment.no_of_criteria_actions = current.no_of_criteria_actions
    return result


__all__ = [
    "SECTIONS",
    "GoBackResult",
    "ReuseResult",
    "SelectionResult",
    "SkipReason",
    "clean_filters",
    "criteria_action_label",
    "describe_filters",
    "matching_contacts",
    "segment_add_contacts",
    "segment_go_back",
    "segment_reduce_contacts",
    "segment_refine_contacts",
    "segment_reuse_criteria",
    "segment_reuse_logged_segment",
    "segment_save_criteria",
]
