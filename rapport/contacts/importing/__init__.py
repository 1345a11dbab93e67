"""Importing and exporting contacts as rows of text (`rapport import-contacts`,
`rapport export-contacts`).

The columns are the API's contact fields (API.md), so a file exported here, a file built from
the API and a file typed by hand look alike. Import is all or nothing: every row is checked
first, every problem is reported with its line number, and only a file without problems is
written: set-based, in batches (COPY on PostgreSQL, executemany on SQLite), one transaction.

The rules are `contact_create`'s, taken from `services` rather than copied: the text limits and
checks (`_clean_contact_changes`), the fields that a blank leaves to Marketing Setup or the
company (`DEFAULTED_FIELDS`, `inherited_fields`) and the search column (`contact_search_text`).

By subject: `columns` (the columns; reading and writing CSV), `checking` (every row checked
before anything is written), `quick` (the same checks column by column for the rows without a
problem: the bad rows go to `checking`, which words every problem), `writing` (the set-based
writes), `report` (ImportFailed, ImportResult), `importer` (`contacts_import`: the two in one
transaction), `exporting`.
"""

from __future__ import annotations

from rapport.contacts.importing.columns import (
    COLUMNS,
    read_csv_rows,
    spreadsheet_safe,
    unspreadsheet,
    write_csv_rows,
)
from rapport.contacts.importing.exporting import contacts_export
from rapport.contacts.importing.importer import contacts_import
from rapport.contacts.importing.report import ImportFailed, ImportResult
from rapport.contacts.importing.writing import BATCH_SIZE

__all__ = [
    "BATCH_SIZE",
    "COLUMNS",
    "ImportFailed",
    "ImportResult",
    "contacts_export",
    "contacts_import",
    "read_csv_rows",
    "spreadsheet_safe",
    "unspreadsheet",
    "write_csv_rows",
]
