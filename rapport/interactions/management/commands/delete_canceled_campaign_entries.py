"""rapport delete-canceled-campaign-entries [--campaign-no NO] [--entry-no N] [--user NAME]
[--dry-run]"""

from __future__ import annotations

from typing import Any

from rapport.core.management.base import DeleteCanceledCommand
from rapport.interactions.services import campaign_entries_delete_canceled

FILTERS = {
    "campaign_no": "Only the canceled campaign entries of this campaign.",
    "entry_no": "Only the campaign entry with this entry no.",
}


class Command(DeleteCanceledCommand):
    help = (
        "Delete canceled campaign entries (NAV's Delete campaign entries) with their "
        "interactions, all of them or those that match the filters; an entry that is not "
        "canceled, or that still has an interaction that is not canceled, is never deleted. "
        "Prints how many were deleted (with --dry-run: would be)."
    )

    filters = FILTERS
    noun_singular = "campaign entry"
    noun_plural = "campaign entries"

    def delete_canceled(self, *, actor: Any, filters: dict[str, str], dry_run: bool) -> int:
        return campaign_entries_delete_canceled(actor=actor, filters=filters, dry_run=dry_run)
