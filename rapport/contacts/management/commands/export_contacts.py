"""rapport export-contacts [--output FILE]"""

from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import CommandError, CommandParser

from rapport.contacts.importing import COLUMNS, contacts_export
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
        "then persons), in the columns `rapport import-contacts` reads."
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
        writer = csv.DictWriter(
            stream, fieldnames=COLUMNS, delimiter=delimiter, lineterminator="\n"
        )
        writer.writeheader()
        count = 0
        for row in contacts_export():
            writer.writerow(row)
            count += 1
        return count
