"""rapport import-contacts FILE.csv [--dry-run] [--delimiter ,] [--keep-blanks] [--work-date D]"""

from __future__ import annotations

import datetime
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import CommandError, CommandParser

from rapport.contacts.importing import COLUMNS, ImportFailed, contacts_import, read_csv_rows
from rapport.core.dates import date_in_range, date_range_message
from rapport.core.management.base import RapportCommand

DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _work_date(text: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--work-date must be a date (YYYY-MM-DD), not {text!r}.") from None
    if not date_in_range(day):
        raise CommandError(f"--work-date: {date_range_message()}")
    return day


class Command(RapportCommand):
    help = (
        "Import contacts from a CSV file (UTF-8, with or without BOM), all or nothing: every "
        "bad row is reported with its line number and nothing is imported. The first line names "
        f"the columns: {', '.join(COLUMNS)} (type and name are required; code lists are "
        "separated by |; flags are true/false, yes/no, 1/0). Rows without a number get the next "
        "number of Marketing Setup's Contact Nos.; blank cells get Marketing Setup's defaults "
        "and, for persons, their company's values per the inherit flags."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV file, or - for standard input.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check everything, numbers included, and write nothing.",
        )
        parser.add_argument(
            "--delimiter", default=",", help="The cell separator: , (default), ; or tab."
        )
        parser.add_argument(
            "--keep-blanks",
            action="store_true",
            help="Blank cells stay blank: no defaults, no values from the company "
            "(to restore an export exactly).",
        )
        parser.add_argument(
            "--work-date",
            type=_work_date,
            default=None,
            help="The date numbers are drawn for (YYYY-MM-DD; default today).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        delimiter = DELIMITER_NAMES.get(options["delimiter"].lower(), options["delimiter"])
        if len(delimiter) != 1:
            raise CommandError("--delimiter must be one character (or tab).")
        rows = self._read(options["file"], delimiter)
        bar = self.progress(len(rows), "Importing contacts")
        bar.advance(0)  # show the bar while the rows are checked
        try:
            result = contacts_import(
                rows=rows,
                work_date=options["work_date"],
                progress=bar.advance,
                keep_blanks=options["keep_blanks"],
                dry_run=options["dry_run"],
            )
        except ImportFailed as failure:
            bar.close()
            for line, reason in failure.errors:
                self.stderr.write(f"line {line}: {reason}")
            raise CommandError(failure.message) from failure
        bar.close()
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        seconds = time.monotonic() - started
        what = (
            f"{_count(result.total, 'contact', 'contacts')} "
            f"({_count(result.companies, 'company', 'companies')}, "
            f"{_count(result.persons, 'person', 'persons')})"
        )
        if result.dry_run:
            self.stdout.write(
                f"Dry run: {what} would be imported; nothing was written ({seconds:.1f} s)."
            )
        else:
            self.stdout.write(f"Imported {what} in {seconds:.1f} s.")

    def _read(self, name: str, delimiter: str) -> list[Any]:
        if name == "-":
            stream: TextIO = sys.stdin
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(encoding="utf-8-sig", newline="")
            return self._parse(stream, name, delimiter)
        path = Path(name)
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                return self._parse(stream, name, delimiter)
        except FileNotFoundError:
            raise CommandError(f"There is no file {name}.") from None
        except IsADirectoryError:
            raise CommandError(f"{name} is a folder, not a CSV file.") from None
        except PermissionError:
            raise CommandError(f"{name} cannot be read (permission denied).") from None

    def _parse(self, stream: TextIO, name: str, delimiter: str) -> list[Any]:
        try:
            return read_csv_rows(stream, delimiter=delimiter)
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{name} is not UTF-8 text (byte {error.start}): save it as CSV UTF-8."
            ) from None
        except ImportFailed as failure:
            for line, reason in failure.errors:
                self.stderr.write(f"line {line}: {reason}")
            raise CommandError(failure.message) from failure
