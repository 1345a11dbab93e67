"""The logged segments (reference 1.12, 2.6): the list with its number of interactions, cancel
and un-cancel (with their interactions and campaign entries), delete the canceled ones.

Unlike NAV, cancel and un-cancel are two operations (NAV toggles); asking for the state a
logged segment is in changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit.services import audit_record
from rapport.campaigns.models import CampaignEntry
from rapport.core.errors import ConflictError, ValidationFailed
from rapport.interactions.models import (
    InteractionLogEntry,
)
from rapport.segments.models import (
    LoggedSegment,
    SavedSegmentCriteriaAction,
    SegmentCriteriaAction,
)
from rapport.segments.services.headers import check_may_segment

# ---------------------------------------------------------------------------------------------
# Logged segments (reference 1.12, 2.6)


def logged_segments() -> QuerySet[LoggedSegment]:
    """Logged segments with `no_of_interactions`: NAV's FlowField, the number of its
    interactions whose Canceled equals the logged segment's — a subquery in the same query."""
    counted = (
        InteractionLogEntry.objects.filter(
            logged_segment_entry_no=OuterRef("entry_no"),
            canceled=OuterRef("canceled"),
            postponed=False,
        )
        .order_by()
        .values("logged_segment_entry_no")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        LoggedSegment.objects.select_related("user")
        .annotate(
            no_of_interactions=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
        )
        .order_by("-entry_no")
    )


def logged_segment_interactions(logged_segment: LoggedSegment) -> QuerySet[InteractionLogEntry]:
    """The interactions logged with `logged_segment`, in entry order."""
    return (
        InteractionLogEntry.objects.filter(
            logged_segment_entry_no=logged_segment.entry_no, postponed=False
        )
        .select_related("contact", "salesperson", "template", "campaign")
        .order_by("entry_no")
    )


def _lock_logged(logged_segment: LoggedSegment) -> LoggedSegment:
    try:
        return LoggedSegment.objects.select_for_update().get(pk=logged_segment.pk)
    except LoggedSegment.DoesNotExist:
        raise ConflictError(
            _("Logged segment %(no)s no longer exists.") % {"no": logged_segment.entry_no},
            code="not_found",
        ) from None


def _set_canceled(actor: Any, logged_segment: LoggedSegment, canceled: bool) -> LoggedSegment:
    check_may_segment(actor)
    current = _lock_logged(logged_segment)
    if current.canceled != canceled:
        from rapport.interactions.services.totals import (
            interaction_totals_apply_log,
            interaction_totals_lock,
        )

        entries = InteractionLogEntry.objects.filter(
            logged_segment_entry_no=current.entry_no, postponed=False
        )
        interaction_totals_lock(entries)  # a single cancel of one of them goes first or waits
        if canceled:  # the statistics' totals lose the entries before they are canceled
            interaction_totals_apply_log(current.entry_no, -1)
        LoggedSegment.objects.filter(pk=current.pk).update(canceled=canceled)
        campaign_entries = CampaignEntry.objects.filter(register_no=current.entry_no).update(
            canceled=canceled
        )
        interactions = entries.update(canceled=canceled, modified_at=timezone.now())
        if not canceled:  # and gain them once they count again
            interaction_totals_apply_log(current.entry_no, 1)
        audit_record(
            operation="logged_segment_cancel" if canceled else "logged_segment_uncancel",
            object_type="logged_segment",
            object_key=str(current.entry_no),
            actor=actor,
            before={"canceled": not canceled},
            after={"canceled": canceled},
            details={
                "no_of_interactions": interactions,
                "no_of_campaign_entries": campaign_entries,
            },
        )
    logged_segment.refresh_from_db()
    return logged_segment


@transaction.atomic
def logged_segment_cancel(*, actor: Any, logged_segment: LoggedSegment) -> LoggedSegment:
    """Cancel a logged segment (reference 2.6): it, its campaign entries and all its
    interactions are marked canceled (three set-based updates; nothing is deleted). Its
    interactions cannot be un-canceled one by one while it is canceled. A canceled logged
    segment stays as it is."""
    return _set_canceled(actor, logged_segment, True)


@transaction.atomic
def logged_segment_uncancel(*, actor: Any, logged_segment: LoggedSegment) -> LoggedSegment:
    """Un-cancel a logged segment (reference 2.6): it, its campaign entries and all its
    interactions are no longer canceled. A logged segment that is not canceled stays as it
    is."""
    return _set_canceled(actor, logged_segment, False)


def _canceled_logged_segments(entry_no: Any, segment_no: Any) -> QuerySet[LoggedSegment]:
    found = LoggedSegment.objects.filter(canceled=True)
    if entry_no not in (None, ""):
        try:
            found = found.filter(entry_no=int(entry_no))
        except (TypeError, ValueError):
            raise ValidationFailed({"entry_no": [_("An entry no. is a whole number.")]}) from None
    if segment_no not in (None, ""):
        found = found.filter(segment_no=str(segment_no).strip().upper()[:20])
    return found


@transaction.atomic
def logged_segments_delete_canceled(
    *, actor: Any, entry_no: Any = None, segment_no: Any = None, dry_run: bool = False
) -> int:
    """Delete the canceled logged segments that match (reference 2.6, report 5191; all
    canceled ones without filters), keeping their interactions and campaign entries: their
    link to it (logged segment entry no., register no.) is cleared, the interactions keep their
    segment no. Never a logged segment that is not canceled. Returns how many (`dry_run`:
    would be) deleted."""
    check_may_segment(actor)
    found = _canceled_logged_segments(entry_no, segment_no)
    numbers = list(found.select_for_update().values_list("entry_no", flat=True))
    if dry_run or not numbers:
        return len(numbers)
    InteractionLogEntry.objects.filter(logged_segment_entry_no__in=numbers).update(
        logged_segment_entry_no=None
    )
    CampaignEntry.objects.filter(register_no__in=numbers).update(register_no=None)
    # Criteria that reused these logged segments must not replay a later one that gets the
    # same entry no. (numbers are highest + 1): they now refuse, saying it no longer exists.
    SegmentCriteriaAction.objects.filter(logged_segment_entry_no__in=numbers).update(
        logged_segment_entry_no=None
    )
    SavedSegmentCriteriaAction.objects.filter(logged_segment_entry_no__in=numbers).update(
        logged_segment_entry_no=None
    )
    LoggedSegment.objects.filter(entry_no__in=numbers, canceled=True).delete()
    audit_record(
        operation="logged_segments_delete_canceled",
        object_type="logged_segment",
        actor=actor,
        details={
            "count": len(numbers),
            "entry_nos": sorted(numbers),
            "filters": {"entry_no": entry_no, "segment_no": segment_no},
        },
    )
    return len(numbers)
