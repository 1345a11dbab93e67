"""Campaign entries (reference 1.13, NAV page 5089 Campaign entries and report 5189 Delete
Campaign entries): reading them with their interactions, cancel and un-cancel (cascading to
their interactions), and deleting canceled ones with their interactions.

A campaign entry is one logging of a campaign: a single interaction with a campaign gets one of
its own, a logged segment one per campaign its lines use (`register_no` = the logged segment's
entry no.). These operations write interaction log entries, so they live in the interactions
app (campaigns sits below it); `rapport.interactions.services` re-exports them: call them from
there. Each is one transaction, set-based (one UPDATE per table, one DELETE per table), and
raises a DomainError subclass with a user-facing message; a refusal changes nothing.

Who may do what (as for the interaction log, `log.may_change_entry`): the administrator and
marketing roles any entry; a salesperson an entry whose salesperson is their own (one without a
salesperson: one they made) and all of whose interactions they may change; the read-only role
none.

Where Rapport differs from NAV on purpose (for docs/differences.md):

* Cancel and un-cancel are two operations (NAV toggles); asking for the state an entry is in
  changes nothing.
* Un-canceling is refused while the entry's logged segment, or the logged segment of one of its
  interactions, is canceled (NAV checks the Register No. only).
* Deleting canceled entries never deletes an interaction that is not canceled: an entry that
  still has one (canceled again by hand after an un-cancel, say) is left alone and not counted.
  Their interactions go with their comment lines and the attachment copies nothing else uses
  (NAV deletes the log entries with their own delete logic, report 5189). The count comes first
  (a dry run).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit.services import audit_record
from rapport.campaigns.models import CampaignEntry
from rapport.core import permissions
from rapport.core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from rapport.interactions.filtersets import MAX_ENTRY_NO
from rapport.interactions.models import InteractionLogEntry
from rapport.interactions.services.entries import delete_entries
from rapport.interactions.services.rights import check_role, is_salesperson_role, own_salesperson
from rapport.interactions.services.uncancel_checks import refuse_uncancel

FILTERS = ("campaign_no", "entry_no", "canceled")
"""The filters of the campaign entry list (API `?campaign_no=`, the list page)."""

DELETE_CANCELED_FILTERS = ("campaign_no", "entry_no")
"""The filters of Delete campaign entries (report 5189: Entry No., Campaign No.)."""


# ---------------------------------------------------------------------------------------------
# Reading


def _same_canceled() -> Q:
    return Q(
        interaction_log_entries__canceled=F("canceled"),
        interaction_log_entries__postponed=False,
    )


def _clean_filters(filters: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    """The filters checked: unknown names and bad values are refused (ValidationFailed); None
    and "" mean "not given"."""
    unknown = sorted(set(filters) - set(allowed))
    if unknown:
        raise ValidationFailed(
            {name: [_("Unknown filter.")] for name in unknown}, code="unknown_field"
        )
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    campaign_no = filters.get("campaign_no")
    if campaign_no not in (None, ""):
        if not isinstance(campaign_no, str) or len(campaign_no.strip()) > 20:
            errors["campaign_no"] = [_("A campaign no. is text of at most 20 characters.")]
        else:
            cleaned["campaign_no"] = campaign_no.strip().upper()
    entry_no = filters.get("entry_no")
    if entry_no not in (None, ""):
        try:
            number = int(entry_no)
            if isinstance(entry_no, bool) or not 1 <= number <= MAX_ENTRY_NO:
                raise ValueError
            if isinstance(entry_no, float) and number != entry_no:
                raise ValueError
        except (TypeError, ValueError):
            errors["entry_no"] = [_("An entry no. is a whole number from 1.")]
        else:
            cleaned["entry_no"] = number
    canceled = filters.get("canceled")
    if canceled not in (None, ""):
        if not isinstance(canceled, bool):
            errors["canceled"] = [_("Canceled must be true or false.")]
        else:
            cleaned["canceled"] = canceled
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _filtered(queryset: QuerySet[CampaignEntry], cleaned: Mapping[str, Any]) -> QuerySet:
    if "campaign_no" in cleaned:
        queryset = queryset.filter(campaign__no=cleaned["campaign_no"])
    if "entry_no" in cleaned:
        queryset = queryset.filter(entry_no=cleaned["entry_no"])
    if "canceled" in cleaned:
        queryset = queryset.filter(canceled=cleaned["canceled"])
    return queryset


def campaign_entries(filters: Mapping[str, Any] | None = None) -> QuerySet[CampaignEntry]:
    """Campaign entries, newest first, each with NAV's FlowFields `no_of_interactions`, `cost`
    and `duration`: over its logged interactions whose Canceled equals the entry's (one query).
    Filters: `campaign_no`, `entry_no`, `canceled` (unknown names and bad values refused)."""
    cleaned = _clean_filters(filters or {}, FILTERS)
    same = _same_canceled()
    return (
        _filtered(CampaignEntry.objects.all(), cleaned)
        .select_related("campaign", "salesperson", "user")
        .annotate(
            no_of_interactions=Count("interaction_log_entries", filter=same),
            cost=Sum("interaction_log_entries__cost", filter=same),
            duration=Sum("interaction_log_entries__duration", filter=same),
        )
        .order_by("-entry_no")
    )


def campaign_entry_get(entry_no: Any) -> CampaignEntry:
    """The campaign entry with this entry no. (with the FlowFields of `campaign_entries`);
    NotFoundError if there is none."""
    try:
        number = int(entry_no)
    except (TypeError, ValueError):
        number = 0
    found = (
        campaign_entries().filter(entry_no=number).first() if 0 < number <= MAX_ENTRY_NO else None
    )
    if found is None:
        raise NotFoundError(_("There is no campaign entry %(no)s.") % {"no": str(entry_no)[:20]})
    return found


def campaign_entry_interactions(entry: CampaignEntry) -> QuerySet[InteractionLogEntry]:
    """The logged interactions of a campaign entry, in entry order (canceled ones too)."""
    return (
        InteractionLogEntry.objects.filter(campaign_entry=entry, postponed=False)
        .select_related("contact", "salesperson", "template")
        .order_by("entry_no")
    )


# ---------------------------------------------------------------------------------------------
# Who may change an entry


def _theirs(actor: Any) -> Q:
    """The campaign entries a salesperson-role `actor` may change (see the module docstring);
    for the other roles every entry. One condition, evaluated by the database."""
    if not is_salesperson_role(actor):
        return Q()
    own = own_salesperson(actor)
    own_id = own.pk if own is not None else None
    mine = Q(salesperson=None, user=actor)
    if own_id is not None:
        mine |= Q(salesperson_id=own_id)
    others = InteractionLogEntry.objects.filter(campaign_entry=OuterRef("pk")).exclude(mine)
    return mine & ~Q(Exists(others))


def may_change_campaign_entry(actor: Any, entry: CampaignEntry) -> bool:
    """Whether `actor` may cancel, un-cancel or delete `entry` (see the module docstring)."""
    if not permissions.user_can(actor, permissions.INTERACTIONS):
        return False
    return CampaignEntry.objects.filter(_theirs(actor), pk=entry.pk).exists()


def _lock(actor: Any, entry: CampaignEntry) -> CampaignEntry:
    check_role(actor)
    try:
        current = CampaignEntry.objects.select_for_update().get(pk=entry.pk)
    except CampaignEntry.DoesNotExist:
        raise ConflictError(
            _("Campaign entry %(no)s no longer exists.") % {"no": entry.entry_no},
            code="not_found",
        ) from None
    if not CampaignEntry.objects.filter(_theirs(actor), pk=current.pk).exists():
        raise PermissionDeniedError(
            _(
                "Campaign entry %(no)s has interactions of another salesperson: you cannot "
                "change it."
            )
            % {"no": current.entry_no}
        )
    return current


# ---------------------------------------------------------------------------------------------
# Cancel and un-cancel


def _set_canceled(actor: Any, current: CampaignEntry, canceled: bool) -> None:
    """Two set-based UPDATEs: the entry, and every logged interaction of it (NAV: ModifyAll
    Canceled on the log entries with this Campaign No. and Campaign Entry No.); the
    statistics' totals lose the entries before they are canceled, gain them once they count."""
    from rapport.interactions.services.totals import (
        interaction_totals_apply_campaign_entry,
        interaction_totals_lock,
    )

    entries = InteractionLogEntry.objects.filter(campaign_entry=current, postponed=False)
    interaction_totals_lock(entries)  # a single cancel of one of them goes first or waits
    if canceled:
        interaction_totals_apply_campaign_entry(current.pk, -1)
    CampaignEntry.objects.filter(pk=current.pk).update(canceled=canceled)
    count = entries.update(canceled=canceled, modified_at=timezone.now())
    if not canceled:
        interaction_totals_apply_campaign_entry(current.pk, 1)
    audit_record(
        operation="campaign_entry_cancel" if canceled else "campaign_entry_uncancel",
        object_type="campaign_entry",
        object_key=str(current.entry_no),
        actor=actor,
        before={"canceled": not canceled},
        after={"canceled": canceled},
        details={"no_of_interactions": count},
    )


@transaction.atomic
def campaign_entry_cancel(*, actor: Any, entry: CampaignEntry) -> CampaignEntry:
    """Cancel a campaign entry (NAV: Switch Check Mark in Canceled on Campaign entries): the
    entry and all its interactions are marked canceled (two set-based UPDATEs; nothing is
    deleted) and count in no statistic; its interactions cannot be un-canceled one by one
    while it is canceled. A canceled entry stays as it is. Needs the interactions capability;
    a salesperson only for an entry whose interactions are all theirs."""
    current = _lock(actor, entry)
    if not current.canceled:
        _set_canceled(actor, current, True)
    entry.refresh_from_db()
    return entry


@transaction.atomic
def campaign_entry_uncancel(*, actor: Any, entry: CampaignEntry) -> CampaignEntry:
    """Un-cancel a campaign entry: the entry and all its interactions are no longer canceled
    (two set-based UPDATEs). Refused (ConflictError 409, code `logged_segment_canceled`) while
    its logged segment, or that of one of its interactions, is canceled: un-cancel the logged
    segment instead (NAV: "Canceled must be equal to 'No' in Logged Segment"). An entry that
    is not canceled stays as it is."""
    current = _lock(actor, entry)
    if current.canceled:
        refuse_uncancel(current)  # the apps above: e.g. a canceled logged segment
        _set_canceled(actor, current, False)
    entry.refresh_from_db()
    return entry


# ---------------------------------------------------------------------------------------------
# Delete campaign entries (canceled ones)


def deletable_campaign_entries(
    *, actor: Any, filters: Mapping[str, Any] | None = None
) -> QuerySet[CampaignEntry]:
    """The canceled campaign entries that match `filters` (`campaign_no`, `entry_no`) and that
    Delete campaign entries would delete: none with an interaction that is not canceled (or is
    postponed); for a salesperson only their own (`actor=None`: the command line, all)."""
    cleaned = _clean_filters(filters or {}, DELETE_CANCELED_FILTERS)
    live = InteractionLogEntry.objects.filter(campaign_entry=OuterRef("pk")).filter(
        Q(canceled=False) | Q(postponed=True)
    )
    found = _filtered(CampaignEntry.objects.filter(canceled=True), cleaned).filter(~Exists(live))
    if actor is not None:
        found = found.filter(_theirs(actor))
    return found


@transaction.atomic
def campaign_entries_delete_canceled(
    *, actor: Any, filters: Mapping[str, Any] | None = None, dry_run: bool = False
) -> int:
    """Delete the canceled campaign entries that match `filters` (NAV report 5189 Delete
    Campaign entries; all canceled ones without filters) with their interactions, and return
    how many entries; `dry_run` only counts them.

    Filters: `campaign_no`, `entry_no` (an unknown name or a bad value is refused,
    ValidationFailed; an unknown campaign simply matches nothing). Never an entry that is not
    canceled, nor one that still has an interaction that is not canceled. The interactions go
    with their comment lines and the attachment copies nothing else uses. A salesperson
    deletes only their own entries; `actor=None` is the command line. Set-based: the entries
    are locked and read once, then one DELETE per table (comment lines, interactions, campaign
    entries)."""
    if actor is not None:
        check_role(actor)
    if not isinstance(dry_run, bool):
        raise ValidationFailed({"dry_run": [_("Dry Run must be true or false.")]})
    found = deletable_campaign_entries(actor=actor, filters=filters)
    if dry_run:
        return found.count()
    ids = list(found.select_for_update().values_list("pk", flat=True))
    if not ids:
        return 0
    interactions = delete_entries(InteractionLogEntry.objects.filter(campaign_entry_id__in=ids))
    CampaignEntry.objects.filter(pk__in=ids, canceled=True).delete()
    audit_record(
        operation="campaign_entries_delete_canceled",
        object_type="campaign_entry",
        actor=actor,
        details={
            "count": len(ids),
            "no_of_interactions": interactions,
            "filters": dict(filters or {}),
            "dry_run": False,
        },
    )
    return len(ids)


__all__ = [
    "DELETE_CANCELED_FILTERS",
    "campaign_entries",
    "campaign_entries_delete_canceled",
    "campaign_entry_cancel",
    "campaign_entry_get",
    "campaign_entry_interactions",
    "campaign_entry_uncancel",
    "deletable_campaign_entries",
    "may_change_campaign_entry",
]
