"""Saved segment criteria and reusing a logged segment (reference 2.4.5): save a segment's
criteria actions under a code, replay them on another segment, and add the contacts of a
logged segment's interactions (also the follow-up segment of a log).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import (
    Case,
    F,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from rapport.audit.services import audit_created, audit_record
from rapport.contacts.models import (
    Contact,
)
from rapport.core.errors import ErrorCollector, ValidationFailed
from rapport.interactions.models import InteractionLogEntry
from rapport.segments.choices import CriteriaAction
from rapport.segments.models import (
    LoggedSegment,
    SavedSegmentCriteria,
    SavedSegmentCriteriaAction,
    Segment,
)
from rapport.segments.services.filters import clean_filters
from rapport.segments.services.headers import lock_segment
from rapport.segments.services.line_values import insert_lines
from rapport.segments.services.selection import (
    SelectionResult,
    SkipReason,
    add_selected,
    check_actor,
    record_action,
    remove_selected,
    set_counts,
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
    check_actor(actor)
    current = lock_segment(segment)
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
    audit_created(
        saved,
        operation="segment_save_criteria",
        object_type="saved_criteria",
        actor=actor,
        fields=("code", "description"),
        details={"segment_no": current.no, "no_of_actions": len(actions)},
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
    check_actor(actor)
    key = str(code or "").strip().upper()
    criteria = SavedSegmentCriteria.objects.filter(code=key[:20]).first()
    if criteria is None:
        raise ValidationFailed(
            {"code": [_("There are no saved segment criteria %(code)s.") % {"code": key[:20]}]}
        )
    current = lock_segment(segment)
    results = []
    for saved in criteria.actions.order_by("action_no"):
        results.append(_replay(actor, current, saved))
    segment.no_of_criteria_actions = current.no_of_criteria_actions
    reused = ReuseResult(criteria_code=criteria.code, results=results)
    audit_record(
        operation="segment_reuse_criteria",
        object_type="segment",
        object_key=current.no,
        actor=actor,
        details={
            "criteria_code": criteria.code,
            "action_nos": [result.action_no for result in results],
            "added": reused.added,
            "removed": reused.removed,
        },
    )
    return reused


def _replay(actor: Any, segment: Segment, saved: SavedSegmentCriteriaAction) -> SelectionResult:
    action = saved.action
    if action in (CriteriaAction.ADD, CriteriaAction.ADD_LINE):
        filters = clean_filters(saved.filters, stored=True)
        if action == CriteriaAction.ADD_LINE:
            filters = _contact_filter_of(saved) or {"contact": {"no": "''"}}
        return add_selected(
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
        return remove_selected(
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
        return reuse_logged(actor, segment, logged, None)
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


def reuse_logged(
    actor: Any,
    segment: Segment,
    logged: LoggedSegment,
    entries: QuerySet[InteractionLogEntry] | None,
) -> SelectionResult:
    """Add a line per interaction of `logged` (of `entries` when given) to `segment`, locked
    or new, as one criteria action (`segment_reuse_logged_segment`, the log's follow-up)."""
    if entries is None:
        entries = InteractionLogEntry.objects.all()
    chosen = entries.filter(logged_segment_entry_no=logged.entry_no, contact__isnull=False)
    joined = Contact.objects.filter(interaction_log_entries__pk__in=chosen.values("pk"))
    skipped = joined.filter(privacy_blocked=True).count()
    record = record_action(
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
    set_counts(record, inserted=inserted)
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
    check_actor(actor)
    current = lock_segment(segment)
    result = reuse_logged(actor, current, logged_segment, entries)
    segment.no_of_criteria_actions = current.no_of_criteria_actions
    audit_record(
        operation="segment_reuse_logged_segment",
        object_type="segment",
        object_key=current.no,
        actor=actor,
        details={
            "logged_segment_entry_no": logged_segment.entry_no,
            "action_no": result.action_no,
            "added": result.added,
        },
    )
    return result
