"""Selecting a segment's contacts by criteria (reference 2.4.1, 2.4.2, 2.4.4): Add contacts,
Reduce and Refine Contacts, Go back.

Every operation is one transaction and a constant number of set-based statements, whatever the
number of contacts (ARCHITECTURE.md, performance rules): the selection (`filters.py`) is one
queryset, counted with one aggregate and written with one INSERT … SELECT
(`line_values.insert_lines`) or one history INSERT … SELECT plus one DELETE
(`lines.remove_lines`).

Decisions beyond NAV (see the docstrings): privacy-blocked contacts are never added; a contact
whose line would be e-mailed but who has no e-mail address is skipped; Go back is exact; an
action that selects nothing is still recorded (as NAV does), so Go back and saved criteria see
it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.audit.services import audit_record
from rapport.contacts.models import (
    Contact,
)
from rapport.core.choices import CorrespondenceType
from rapport.core.errors import ConflictError
from rapport.segments.choices import CriteriaAction, HistoryAction
from rapport.segments.models import Segment, SegmentCriteriaAction, SegmentHistory, SegmentLine
from rapport.segments.services.auditing import audit_selection
from rapport.segments.services.filters import (
    clean_filters,
    contacts_with_company,
    matching_contacts,
)
from rapport.segments.services.headers import check_may_segment, lock_segment
from rapport.segments.services.language_rows import release_all
from rapport.segments.services.line_values import (
    HISTORY_COPIED,
    correspondence_type_expression,
    insert_lines,
)
from rapport.segments.services.lines import remove_lines, start_criteria_action
from rapport.segments.services.totals import totals_add_lines, totals_remove_lines


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


def check_actor(actor: Any) -> None:
    """`actor=None` is the command line (it may do everything); others need MARKETING."""
    if actor is not None:
        check_may_segment(actor)


def _actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None else None


def record_action(
    actor: Any, segment: Segment, action: str, filters: dict[str, Any], **options: Any
) -> SegmentCriteriaAction:
    return start_criteria_action(
        actor=_actor_or_none(actor), segment=segment, action=action, filters=filters, **options
    )


def set_counts(action: SegmentCriteriaAction, *, inserted: int = 0, removed: int = 0) -> None:
    SegmentCriteriaAction.objects.filter(pk=action.pk).update(
        no_of_lines_inserted=inserted, no_of_lines_removed=removed
    )


def _select(
    step: Callable[..., SelectionResult],
    *,
    actor: Any,
    segment: Segment,
    filters: Any,
    **options: Any,
) -> SelectionResult:
    """Add, Reduce or Refine (`step`): the actor checked, the filters cleaned, the segment
    locked, the step run on it (one audit entry, none for a dry run); the caller's segment sees
    the new number of criteria actions."""
    check_actor(actor)
    cleaned = clean_filters(filters)
    current = lock_segment(segment)
    result = step(actor=actor, segment=current, filters=cleaned, **options)
    if not result.dry_run:
        audit_selection(
            actor=actor, segment_no=current.no, result=result, filters=cleaned, options=options
        )
    segment.no_of_criteria_actions = current.no_of_criteria_actions
    return result


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


def add_selected(
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
    record = record_action(
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
    set_counts(record, inserted=inserted)
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
    return _select(
        add_selected,
        actor=actor,
        segment=segment,
        filters=filters,
        allow_existing=allow_existing,
        expand_companies=expand_companies,
        allow_related_companies=allow_related_companies,
        ignore_exclusion=ignore_exclusion,
        dry_run=dry_run,
    )


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


def remove_selected(
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
    record = record_action(actor, segment, action, filters, entire_companies=entire_companies)
    removed = remove_lines(segment, doomed, action=record)
    set_counts(record, removed=removed)
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
    return _select(
        remove_selected,
        actor=actor,
        segment=segment,
        filters=filters,
        action=CriteriaAction.REDUCE,
        entire_companies=entire_companies,
        dry_run=dry_run,
    )


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
    return _select(
        remove_selected,
        actor=actor,
        segment=segment,
        filters=filters,
        action=CriteriaAction.REFINE,
        entire_companies=entire_companies,
        dry_run=dry_run,
    )


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
    check_actor(actor)
    current = lock_segment(segment)
    last = current.criteria_actions.order_by("-action_no").first()
    if last is None:
        raise ConflictError(
            _("Segment %(no)s has no criteria action to undo.") % {"no": current.no},
            code="nothing_to_undo",
        )
    label = criteria_action_label(last)
    undone = SegmentLine.objects.filter(segment=current, action_no=last.action_no)
    own = set(undone.filter(attachment__isnull=False).values_list("attachment_id", flat=True))
    totals_remove_lines(current, undone)  # the header's totals: the rows about to be deleted
    removed, _details = undone.delete()
    restored = _restore_lines(current, last.action_no)
    totals_add_lines(  # … and the rows just restored, from the history rows they came from
        current,
        SegmentHistory.objects.filter(
            segment=current, action_no=last.action_no, action_taken=HistoryAction.DELETION
        ),
    )
    SegmentHistory.objects.filter(segment=current, action_no=last.action_no).delete()
    release_all(own)  # own attachments of the lines taken out that nothing else uses
    last.delete()
    current.no_of_criteria_actions = last.action_no - 1
    Segment.objects.filter(pk=current.pk).update(no_of_criteria_actions=last.action_no - 1)
    segment.no_of_criteria_actions = current.no_of_criteria_actions
    result = GoBackResult(
        action_no=last.action_no,
        action=last.action,
        label=label,
        lines_removed=int(removed),
        lines_restored=restored,
    )
    audit_record(
        operation="segment_go_back",
        object_type="segment",
        object_key=current.no,
        actor=actor,
        details={
            "action_no": result.action_no,
            "action": result.action,
            "lines_removed": result.lines_removed,
            "lines_restored": result.lines_restored,
        },
    )
    return result
