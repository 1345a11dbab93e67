"""rapport demo [--if-empty]: load the demo company."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from rapport.core.management.base import RapportCommand
from rapport.demo.data import DEMO_PASSWORD_NOTE, DEMO_STEPS, demo_loaded, load_demo


class Command(RapportCommand):
    help = (
        "Load the demo company: users, salespeople, number series, Marketing Setup, the "
        "classification tables and 60 companies with 240 persons (contacts only into a "
        "database without contacts)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the demo data was loaded before (used by `make run`).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and demo_loaded():
            self.stdout.write("Demo data was loaded before; nothing to do.")
        else:
            bar = self.progress(DEMO_STEPS, "Loading demo data")
            summary = load_demo(progress=bar)
            seconds = bar.close()
            self.stdout.write(f"{summary.line()} ({seconds:.1f} s)")
        self.stdout.write(
            self.style.SUCCESS(
                "Sign in at http://127.0.0.1:8000/ as admin (administrator), marketing, sales or "
                f"viewer; {DEMO_PASSWORD_NOTE}."
            )
        )
