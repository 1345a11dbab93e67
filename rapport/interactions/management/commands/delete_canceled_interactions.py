"""rapport delete-canceled-interactions [--contact-no NO] [--date-from D] [--date-to D]
[--template-code CODE] [--group-code CODE] [--salesperson-code CODE] [--campaign-no NO]
[--entry-no N] [--user NAME] [--dry-run]"""

from __future__ import annotations

from typing import Any

from rapport.core.management.base import DeleteCanceledCommand
from rapport.interactions.services import interactions_delete_canceled

FILTERS = {
    "contact_no": "Only the canceled interactions with this contact.",
    "date_from": "Only those on or after this date (YYYY-MM-DD).",
    "date_to": "Only those on or before this date (YYYY-MM-DD).",
    "template_code": "Only those of this interaction template.",
    "group_code": "Only those of this interaction group.",
    "salesperson_code": "Only those of this salesperson.",
    "campaign_no": "Only those of this campaign.",
    "entry_no": "Only the interaction with this entry no.",
}


class Command(DeleteCanceledCommand):
    help = (
        "Delete canceled interactions from the interaction log (with their comment lines), "
        "all of them or those that match the filters; postponed and not-canceled interactions "
        "are never deleted. Prints how many were deleted (with --dry-run: would be)."
    )

    filters = FILTERS
    noun_singular = "interaction"
    noun_plural = "interactions"

    def delete_canceled(self, *, actor: Any, filters: dict[str, str], dry_run: bool) -> int:
        return interactions_delete_canceled(actor=actor, filters=filters, dry_run=dry_run)
