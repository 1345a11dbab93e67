"""rapport delete-canceled-campaign-entries [--campaign-no NO] [--entry-no N] [--user NAME]
[--dry-run]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from rapport.core.management.base import RapportCommand
from rapport.core.models import User
from rapport.interactions.services import campaign_entries_delete_canceled

FILTERS = {
    "campaign_no": "Only the canceled campaign entries of this campaign.",
    "entry_no": "Only the campaign entry with this entry no.",
}


class Command(RapportCommand):
    help = (
        "Delete canceled campaign entries (NAV's Delete campaign entries) with their "
        "interactions, all of them or those that match the filters; an entry that is not "
        "canceled, or that still has an interaction that is not canceled, is never deleted. "
        "Prints how many were deleted (with --dry-run: would be)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        for name, text in FILTERS.items():
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, default=None, help=text)
        parser.add_argument(
            "--user",
            default=None,
            help="Act as this user (their role's rules apply: a salesperson deletes only their "
            "own). Default: the command line, which may delete every canceled campaign entry.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the campaign entries; delete nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["user"] is not None:
            actor = User.objects.filter(username__iexact=options["user"].strip()).first()
            if actor is None or not actor.is_active:
                raise CommandError(f"There is no active user {options['user']!r}.")
        filters = {name: options[name] for name in FILTERS if options[name] not in (None, "")}
        count = campaign_entries_delete_canceled(
            actor=actor, filters=filters, dry_run=options["dry_run"]
        )
        noun = "campaign entry" if count == 1 else "campaign entries"
        if options["dry_run"]:
            self.stdout.write(f"{count} canceled {noun} would be deleted (dry run).")
        else:
            self.stdout.write(f"{count} canceled {noun} deleted.")
