"""The import of contacts as one operation: check everything, then write everything, in one
transaction."""

from __future__ import annotations

import contextlib
import datetime
import gc
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit.services import audit_record
from rapport.contacts.importing.checking import check_rows
from rapport.contacts.importing.report import ImportResult
from rapport.contacts.importing.writing import write_rows
from rapport.core.errors import ConflictError
from rapport.core.notices import collect_notices
from rapport.setup.selectors import marketing_setup_get


class _DryRun(Exception):
    """Raised at the end of a dry run to roll everything back."""


@contextlib.contextmanager
def _no_collector_pauses() -> Iterator[None]:
    """Python's cycle collector off while the rows are checked and written, as it was after.
    An import makes hundreds of thousands of small dicts, lists and tuples without cycles; the
    collector walked them again and again: 6-8 % of an import of 10,000 rows (measured)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _audit(result: ImportResult, *, work_date: datetime.date, keep_blanks: bool) -> None:
    """The import's one audit entry: what it wrote, and its options (a dry run writes none)."""
    audit_record(
        operation="contacts_import",
        object_type="contact",
        details={
            "companies": result.companies,
            "persons": result.persons,
            "links": result.links,
            "numbers_drawn": result.numbers_drawn,
            "work_date": work_date,
            "keep_blanks": keep_blanks,
            "dry_run": False,
        },
    )


def contacts_import(
    *,
    rows: Iterable[Mapping[str, str]],
    work_date: datetime.date | None = None,
    progress: Callable[[int], Any] | None = None,
    keep_blanks: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Import contacts from rows of text keyed by `COLUMNS`, all or nothing.

    * Every row is checked before anything is written (`checking.check_rows`: the columns,
      each cell as `contact_create` checks it, numbers, companies); when any row or the header
      has a problem, ImportFailed lists every problem with its line number and nothing is
      written.
    * Blank numbers are drawn from Contact Nos. for `work_date`, companies first, in file
      order. A blank cell of a field in `DEFAULTED_FIELDS` means "not given": the person takes
      the company's value per Marketing Setup's inherit flags, else Marketing Setup's default
      applies, as in `contact_create`. With `keep_blanks`, blank cells stay blank (no
      defaults, no inheritance): for restoring an export exactly.
    * Written in one transaction (`writing.write_rows`): companies, then persons, then the
      classification links, set-based in batches of `BATCH_SIZE` rows (COPY on PostgreSQL,
      executemany on SQLite); `progress(n)` is called after each batch of n contacts.
      `dry_run` does everything (numbers drawn included), then rolls back.
    * A contact created or a company deleted by someone else between the check and the
      writes refuses the import as a whole (ConflictError).
    """
    started = time.monotonic()
    setup = marketing_setup_get()
    draw_date = work_date or timezone.localdate()
    with _no_collector_pauses():
        parsed, total = check_rows(rows, setup, draw_date, keep_blanks)
    result = ImportResult(dry_run=dry_run)
    try:
        with _no_collector_pauses(), collect_notices() as notices, transaction.atomic():
            write_rows(
                parsed,
                result,
                setup=setup,
                draw_date=draw_date,
                keep_blanks=keep_blanks,
                progress=progress,
                total=total,
            )
            if dry_run:
                raise _DryRun
            _audit(result, work_date=draw_date, keep_blanks=keep_blanks)
    except _DryRun:
        pass
    except IntegrityError as error:
        raise ConflictError(
            _(
                "Someone changed contacts while the file was being imported, so nothing was "
                "imported. Import the file again. (%(error)s)"
            )
            % {"error": error}
        ) from error
    result.warnings = list(notices)
    result.seconds = time.monotonic() - started
    return result
