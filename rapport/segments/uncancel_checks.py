"""Segments' "may this entry be un-canceled?" check, registered with interactions in
`SegmentsConfig.ready()` (`rapport.interactions.services.register_uncancel_check`).

An interaction cannot be un-canceled while its logged segment is canceled (reference 2.7); a
campaign entry not while its logged segment (its register no.), or that of one of its
interactions, is canceled (NAV: "Canceled must be equal to 'No' in Logged Segment")."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from rapport.campaigns.models import CampaignEntry
from rapport.core.errors import ConflictError
from rapport.interactions.models import InteractionLogEntry
from rapport.segments.models import LoggedSegment


def _canceled_logged_segment_of_interaction(entry: InteractionLogEntry) -> int | None:
    """The entry no. of the interaction's logged segment when that one is canceled."""
    if entry.logged_segment_entry_no is None:
        return None
    canceled = LoggedSegment.objects.filter(
        entry_no=entry.logged_segment_entry_no, canceled=True
    ).exists()
    return entry.logged_segment_entry_no if canceled else None


def _canceled_logged_segment_of_campaign_entry(entry: CampaignEntry) -> int | None:
    """The entry no. of a canceled logged segment the campaign entry belongs to (its register
    no.) or one of its interactions was logged with; None when there is none."""
    numbers = InteractionLogEntry.objects.filter(campaign_entry=entry).values(
        "logged_segment_entry_no"
    )
    condition = Q(entry_no__in=numbers)
    if entry.register_no is not None:
        condition |= Q(entry_no=entry.register_no)
    return (
        LoggedSegment.objects.filter(condition, canceled=True)
        .order_by("entry_no")
        .values_list("entry_no", flat=True)
        .first()
    )


def logged_segment_uncancel_check(
    entry: InteractionLogEntry | CampaignEntry,
) -> ConflictError | None:
    """The refusal (409, code `logged_segment_canceled`) while a logged segment the entry was
    logged with is canceled; None otherwise."""
    if isinstance(entry, CampaignEntry):
        logged_segment = _canceled_logged_segment_of_campaign_entry(entry)
        if logged_segment is None:
            return None
        return ConflictError(
            _(
                "Campaign entry %(no)s cannot be un-canceled while logged segment "
                "%(entry)s is canceled. Un-cancel the logged segment instead."
            )
            % {"no": entry.entry_no, "entry": logged_segment},
            code="logged_segment_canceled",
        )
    logged_segment = _canceled_logged_segment_of_interaction(entry)
    if logged_segment is None:
        return None
    return ConflictError(
        _(
            "Interaction %(no)s cannot be un-canceled while its logged segment %(entry)s is "
            "canceled. Un-cancel the logged segment instead."
        )
        % {"no": entry.entry_no, "entry": logged_segment},
        code="logged_segment_canceled",
    )
