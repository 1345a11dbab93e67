"""rapport export-contacts [--output FILE]"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import CommandError, CommandParser

from rapport.contacts.importing import contacts_export, write_csv_rows
from rapport.core.management.base import RapportCommand


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that Python's final flush of the closed pipe
    does not print a BrokenPipeError."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


class Command(RapportCommand):
    help = (
        "Export all contacts as CSV (UTF-8, a header line naming the columns; companies first, "
        "then persons), in the columns `rapport import-contacts` reads. A cell that starts "
        "with = + - @ (a spreadsheet formula) is written with a ' before it, which "
        "import-contacts removes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", "-o", default=None, help="Write to this file instead of standard output."
        )
        parser.add_argument("--delimiter", default=",", help="The cell separator (default ,).")

    def handle(self, *args: Any, **options: Any) -> None:
        delimiter = {"tab": "\t", "\\t": "\t"}.get(options["delimiter"], options["delimiter"])
        if len(delimiter) != 1:
            raise CommandError("--delimiter must be one character (or tab).")
        output = options["output"]
        if output is None:
            try:
                self._write(self.stdout, delimiter)
            except BrokenPipeError:
                _silence_stdout()  # the reader stopped early (`| head`): not an error
            return
        started = time.monotonic()
        try:
            with Path(output).open("w", encoding="utf-8", newline="") as stream:
                count = self._write(stream, delimiter)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        self.stderr.write(
            f"Exported {count} contacts to {output} in {time.monotonic() - started:.1f} s."
        )

    def _write(self, stream: TextIO | Any, delimiter: str) -> int:
        # Cells a spreadsheet would run as a formula (=, +, -, @, tab, CR first) get a leading
        # apostrophe; `rapport import-contacts` takes it off again.
        return write_csv_rows(stream, contacts_export(), delimiter=delimiter)
