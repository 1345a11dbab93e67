"""rapport generate --contacts N --interactions M [--seed S] [--segments K] [--add]: fill a
database with a realistic volume, set-based (see rapport.demo.generate)."""

from __future__ import annotations

import argparse
import time
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from rapport.core.management.base import RapportCommand
from rapport.demo.generate import generate


def whole_number(text: str) -> int:
    """An option's value: a whole number of 0 or more (1,000,000 and 1_000_000 are fine)."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    if not cleaned.isdigit():
        raise argparse.ArgumentTypeError(
            _("%(value)r is not a whole number of 0 or more.") % {"value": text}
        )
    return int(cleaned)


class Command(RapportCommand):
    help = (
        "Fill a database with generated contacts (a company per five persons) and interactions "
        "over three years, set-based, in one transaction; e.g. --contacts 1000000 "
        "--interactions 5000000. Refuses a database that has contacts unless --add. Progress "
        "goes to stderr."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--contacts", type=whole_number, default=0, help="How many contacts (default 0)."
        )
        parser.add_argument(
            "--interactions",
            type=whole_number,
            default=0,
            help="How many interaction log entries (default 0).",
        )
        parser.add_argument(
            "--seed", type=whole_number, default=1, help="Another seed gives other data."
        )
        parser.add_argument(
            "--segments",
            type=whole_number,
            default=0,
            help="Also make this many segments, each with the contacts of one salesperson.",
        )
        parser.add_argument(
            "--add",
            action="store_true",
            help="Add to a database that has contacts already.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started, cpu = time.monotonic(), time.process_time()

        def say(text: str) -> None:
            # Wall time, and this process's CPU time (SQLite works in it; PostgreSQL does not).
            wall, used = time.monotonic() - started, time.process_time() - cpu
            self.stderr.write(f"[{wall:7.1f} s, CPU {used:6.1f} s] {text}")

        summary = generate(
            contacts_count=options["contacts"],
            interactions=options["interactions"],
            seed=options["seed"],
            segments=options["segments"],
            add=options["add"],
            say=say,
        )
        self.stdout.write(summary.line())
