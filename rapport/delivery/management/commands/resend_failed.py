"""rapport resend-failed [--logged-segment N] [--entry-no N ...]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from rapport.core.management.base import RapportCommand
from rapport.delivery.services import resend


class Command(RapportCommand):
    help = (
        "Queue the failed deliveries again (the same message, with the same Message-ID; a "
        "delivered one is never sent again): all of them, those of one logged segment, or of "
        "the given entries. Prints how many were queued; `rapport worker` sends them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--logged-segment",
            type=int,
            default=None,
            dest="logged_segment",
            help="Only the failed deliveries of this logged segment (its entry no.).",
        )
        parser.add_argument(
            "--entry-no",
            type=int,
            action="append",
            dest="entry_nos",
            help="Only the failed delivery of this interaction log entry (repeatable).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = resend(
            actor=None,
            entry_nos=options["entry_nos"],
            logged_segment_entry_no=options["logged_segment"],
        )
        noun = "delivery" if count == 1 else "deliveries"
        self.stdout.write(f"{count} failed {noun} queued again.")
