"""The columns of an import or export file, and reading and writing such a file as CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from django.db import models
from django.utils.translation import gettext as _

from rapport.contacts.importing.report import ImportFailed
from rapport.contacts.models import (
    BusinessRelation,
    Contact,
    Country,
    IndustryGroup,
    JobResponsibility,
    Language,
    MailingGroup,
    Salesperson,
    Salutation,
    Territory,
)

COLUMNS: tuple[str, ...] = (
    "no",
    "type",
    "name",
    "company_no",
    "address",
    "address_2",
    "post_code",
    "city",
    "country_code",
    "territory_code",
    "phone_no",
    "mobile_phone_no",
    "fax_no",
    "email",
    "job_title",
    "language_code",
    "correspondence_type",
    "salesperson_code",
    "exclude_from_segment",
    "privacy_blocked",
    "mailing_group_codes",
    "industry_group_codes",
    "job_responsibility_codes",
    "business_relation_codes",
    "salutation_code",
    "first_name",
    "middle_name",
    "surname",
    "initials",
)
"""The columns of an import or export file: the API's contact fields, in the API's order."""

REQUIRED_COLUMNS = ("type", "name")
CODE_LIST_SEPARATOR = "|"


# Column -> (model field, table of codes) for the single codes and the code lists.
CODE_COLUMNS: dict[str, tuple[str, type[models.Model]]] = {
    "country_code": ("country", Country),
    "territory_code": ("territory", Territory),
    "language_code": ("language", Language),
    "salesperson_code": ("salesperson", Salesperson),
    "salutation_code": ("salutation", Salutation),
}
LIST_COLUMNS: dict[str, tuple[str, type[models.Model]]] = {
    "mailing_group_codes": ("mailing_groups", MailingGroup),
    "industry_group_codes": ("industry_groups", IndustryGroup),
    "job_responsibility_codes": ("job_responsibilities", JobResponsibility),
    "business_relation_codes": ("business_relations", BusinessRelation),
}
TRUE_WORDS = frozenset({"true", "yes", "1"})
FALSE_WORDS = frozenset({"false", "no", "0", ""})


def column_key(name: Any) -> str:
    return str(name or "").replace("\ufeff", "").strip().lower()


def shown(text: str, limit: int = 40) -> str:
    """A cell's text for a message: control characters made visible, long text cut."""
    text = "".join(char if ord(char) >= 32 else f"\\x{ord(char):02x}" for char in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def field_attname(name: str) -> str:
    """The column attribute of a contact field: `country` -> `country_id`."""
    return str(getattr(Contact._meta.get_field(name), "attname", name))


# --- Spreadsheet formulas ---------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A cell for a CSV file: one `'` before text a spreadsheet would run as a formula
    (`=HYPERLINK(...)` -> `'=HYPERLINK(...)`), and before text that already starts with
    apostrophes and then a formula character, so that `unspreadsheet` gives back every value
    exactly."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_START) else text


def unspreadsheet(text: str) -> str:
    """The value `spreadsheet_safe` wrote: one leading `'` less when the text after its
    apostrophes starts with a formula character; any other text as it is."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_START):
        return text[1:]
    return text


def write_csv_rows(
    stream: TextIO, rows: Iterable[Mapping[str, str]], *, delimiter: str = ","
) -> int:
    """Write `COLUMNS` as the header and then `rows`, with formulas neutralised; returns the
    number of rows. `read_csv_rows` reads the file back to the same values."""
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        writer.writerow([spreadsheet_safe(row.get(column, "")) for column in COLUMNS])
        count += 1
    return count


# --- Reading a CSV file -----------------------------------------------------------------------


class CsvRow(dict[str, str]):
    """One record of a CSV file, keyed by the header's column names, with the line of the file
    it starts on (a quoted cell may span lines, and blank lines are skipped). Cells beyond the
    header's columns are kept under the key None, as `csv.DictReader` does."""

    line: int = 0


def read_csv_rows(stream: TextIO, *, delimiter: str = ",") -> list[CsvRow]:
    """The records of a CSV file whose first line names the columns. Blank lines are skipped;
    a cell that `spreadsheet_safe` protected (`'=...`) loses that one apostrophe. Raises
    ImportFailed for an empty file or a header that names a column twice."""
    reader = csv.reader(stream, delimiter=delimiter)
    header = next(reader, None)
    while header is not None and not any(cell.strip() for cell in header):
        header = next(reader, None)
    if header is None:
        raise ImportFailed(
            [(1, _("The file is empty: its first line must name the columns."))], rows=0
        )
    seen: set[str] = set()
    problems = []
    for name in header:
        key = column_key(name)
        if key and key in seen:
            problems.append(
                (1, _("Column '%(name)s' appears twice in the header.") % {"name": shown(key)})
            )
        seen.add(key)
    if problems:
        raise ImportFailed(problems, rows=0)
    rows: list[CsvRow] = []
    width = len(header)
    for record in reader:
        if not record:
            continue
        row = CsvRow(zip(header, map(unspreadsheet, record), strict=False))
        if len(record) > width:
            row[None] = record[width:]  # type: ignore[index,assignment]
        row.line = reader.line_num - sum(cell.count("\n") for cell in record)
        rows.append(row)
    return rows
