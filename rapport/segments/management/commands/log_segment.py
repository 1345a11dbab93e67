"""rapport log-segment NO [--follow-up] [--follow-up-outcome all|failed|evaluation]
[--evaluation X] [--copy-setup] [--user NAME] [--dry-run] [--deliver|--no-deliver]"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db.models import Q

from rapport.core.choices import Role
from rapport.core.management.base import RapportCommand
from rapport.core.models import User
from rapport.interactions.choices import Evaluation
from rapport.segments import selectors
from rapport.segments.choices import FollowUpOutcome
from rapport.segments.services import segment_log_start


def _lines(count: int) -> str:
    return f"{count} line" if count == 1 else f"{count} lines"


class Command(RapportCommand):
    help = (
        "Log a segment (one interaction per line with a contact, a logged segment, one campaign "
        "entry per campaign; the segment is removed), all or nothing; optionally create the "
        "follow-up segment. Prints one summary line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("no", help="The segment no.")
        parser.add_argument(
            "--follow-up", action="store_true", help="Create the follow-up segment."
        )
        parser.add_argument(
            "--follow-up-outcome",
            choices=FollowUpOutcome.values,
            default=FollowUpOutcome.ALL,
            help="Which contacts the follow-up segment gets (default: all).",
        )
        parser.add_argument(
            "--evaluation",
            choices=[value for value in Evaluation.values if value],
            default=None,
            help="With --follow-up-outcome evaluation: this evaluation or worse.",
        )
        parser.add_argument(
            "--copy-setup",
            action="store_true",
            help="Copy the template and interaction fields to the follow-up segment.",
        )
        parser.add_argument(
            "--user",
            default=None,
            help="Log as this user (marketing or administrator role). Default: the first "
            "active administrator.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Run every check and count; log nothing."
        )
        parser.add_argument(
            "--deliver",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="Send or print the logged entries (default: when a line has a "
            "correspondence type; every line to deliver needs an attachment).",
        )

    def _actor(self, name: str | None) -> User:
        if name is not None:
            actor = User.objects.filter(username__iexact=name.strip(), is_active=True).first()
            if actor is None:
                raise CommandError(f"There is no active user {name!r}.")
            return actor
        actor = (
            User.objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(role=Role.ADMINISTRATOR))
            .order_by("pk")
            .first()
        )
        if actor is None:
            raise CommandError("There is no active administrator: give --user.")
        return actor

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self._actor(options["user"])
        segment = selectors.segment_get(options["no"])
        result = segment_log_start(
            actor=actor,
            segment=segment,
            background=False,  # a terminal waits: even a big segment is logged at once
            follow_up=options["follow_up"],
            follow_up_outcome=options["follow_up_outcome"],
            follow_up_evaluation=options["evaluation"],
            follow_up_copy_setup=options["copy_setup"],
            dry_run=options["dry_run"],
            deliver=options["deliver"],
        ).result
        assert result is not None
        count = result.no_of_interactions
        noun = "interaction" if count == 1 else "interactions"
        if result.dry_run:
            line = f"Segment {result.segment_no}: {count} {noun} would be logged (dry run)"
            if options["follow_up"]:
                line += f"; the follow-up segment would get {_lines(result.follow_up_lines)}"
        else:
            assert result.logged_segment is not None
            line = (
                f"Segment {result.segment_no} logged: {count} {noun}, logged segment "
                f"{result.logged_segment.entry_no}"
            )
            if result.follow_up_segment is not None:
                line += (
                    f", follow-up segment {result.follow_up_segment.no} "
                    f"({_lines(result.follow_up_lines)})"
                )
        if result.deliver:
            counts = ", ".join(f"{kind} {n}" for kind, n in sorted(result.deliveries.items()))
            line += f"; to deliver: {counts}" if result.dry_run else f"; delivering: {counts}"
        self.stdout.write(line + ".")
