"""rapport delete-canceled-interactions [--contact-no NO] [--date-from D] [--date-to D]
[--template-code CODE] [--group-code CODE] [--salesperson-code CODE] [--campaign-no NO]
[--entry-no N] [--user NAME] [--dry-run]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from rapport.core.management.base import RapportCommand
from rapport.core.models import User
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


class Command(RapportCommand):
    help = (
        "Delete canceled interactions from the interaction log (with their comment lines), "
        "all of them or those that match the filters; postponed and not-canceled interactions "
        "are never deleted. Prints how many were deleted (with --dry-run: would be)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        for name, text in FILTERS.items():
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, default=None, help=text)
        parser.add_argument(
            "--user",
            default=None,
            help="Act as this user (their role's rules apply: a salesperson deletes only their "
            "own). Default: the command line, which may delete every canceled interaction.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the interactions; delete nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["user"] is not None:
            actor = User.objects.filter(username__iexact=options["user"].strip()).first()
            if actor is None or not actor.is_active:
                raise CommandError(f"There is no active user {options['user']!r}.")
        filters = {name: options[name] for name in FILTERS if options[name] not in (None, "")}
        count = interactions_delete_canceled(
            actor=actor, filters=filters, dry_run=options["dry_run"]
        )
        noun = "interaction" if count == 1 else "interactions"
        if options["dry_run"]:
            self.stdout.write(f"{count} canceled {noun} would be deleted (dry run).")
        else:
            self.stdout.write(f"{count} canceled {noun} deleted.")
