"""Importing and exporting contacts as rows of text (`rapport import-contacts`,
`rapport export-contacts`).

The columns are the API's contact fields (API.md), so a file exported here, a file built from
the API and a file typed by hand look alike. Import is all or nothing: every row is checked
first, every problem is reported with its line number, and only a file without problems is
written: set-based, in batches (COPY on PostgreSQL, executemany on SQLite), one transaction.

The rules are `contact_create`'s, taken from `services` rather than copied: the text limits and
checks (`_clean_contact_changes`), the fields that a blank leaves to Marketing Setup or the
company (`DEFAULTED_FIELDS`, `inherited_fields`) and the search column (`contact_search_text`).
"""

from __future__ import annotations

import csv
import datetime
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, TextIO

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.contacts import services
from rapport.contacts.models import (
    BusinessRelation,
    Contact,
    ContactType,
    Country,
    IndustryGroup,
    JobResponsibility,
    Language,
    MailingGroup,
    Salesperson,
    Territory,
)
from rapport.core.errors import ConflictError, DomainError, ValidationFailed
from rapport.core.notices import collect_notices
from rapport.numbering import services as numbering_services
from rapport.numbering.models import NumberSeries
from rapport.numbering.selectors import number_series_preview_next
from rapport.setup.selectors import marketing_setup_get

__all__ = [
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
)
"""The columns of an import or export file: the API's contact fields, in the API's order."""

REQUIRED_COLUMNS = ("type", "name")
CODE_LIST_SEPARATOR = "|"
BATCH_SIZE = 1000
"""Rows per INSERT batch (and per progress step)."""

# Column -> (model field, table of codes) for the single codes and the code lists.
CODE_COLUMNS: dict[str, tuple[str, type[models.Model]]] = {
    "country_code": ("country", Country),
    "territory_code": ("territory", Territory),
    "language_code": ("language", Language),
    "salesperson_code": ("salesperson", Salesperson),
}
LIST_COLUMNS: dict[str, tuple[str, type[models.Model]]] = {
    "mailing_group_codes": ("mailing_groups", MailingGroup),
    "industry_group_codes": ("industry_groups", IndustryGroup),
    "job_responsibility_codes": ("job_responsibilities", JobResponsibility),
    "business_relation_codes": ("business_relations", BusinessRelation),
}
TRUE_WORDS = frozenset({"true", "yes", "1"})
FALSE_WORDS = frozenset({"false", "no", "0", ""})

_CONTACT_TYPES = frozenset(ContactType.values)
_IN_CHUNK = 500  # numbers per `IN (...)` query: far below every backend's parameter limit


# --- Results and errors -----------------------------------------------------------------------


class ImportFailed(DomainError):
    """The file has problems, so nothing was imported. `errors` lists every problem as
    (line number, reason); line 1 is the header, the first data row is line 2."""

    code = "import_failed"

    def __init__(self, errors: Sequence[tuple[int, str]], *, rows: int) -> None:
        self.errors: list[tuple[int, str]] = sorted(errors, key=lambda error: error[0])
        self.rows = rows
        bad = len({line for line, _reason in self.errors if line > 1})
        header = any(line <= 1 for line, _reason in self.errors)
        if header and not bad:
            message = _("Nothing was imported: the header has errors.")
        elif header:
            message = ngettext(
                "Nothing was imported: the header and %(bad)s of %(rows)s rows have errors.",
                "Nothing was imported: the header and %(bad)s of %(rows)s rows have errors.",
                bad,
            ) % {"bad": bad, "rows": rows}
        else:
            message = ngettext(
                "Nothing was imported: %(bad)s of %(rows)s rows has errors.",
                "Nothing was imported: %(bad)s of %(rows)s rows have errors.",
                bad,
            ) % {"bad": bad, "rows": rows}
        super().__init__(
            message,
            details={"errors": [{"line": line, "message": reason} for line, reason in self.errors]},
        )
        self.bad_rows = bad


@dataclass
class ImportResult:
    """What an import wrote (or, in a dry run, would have written)."""

    companies: int = 0
    persons: int = 0
    numbers: list[str] = field(default_factory=list)
    """The contacts' numbers (typed or drawn), in the order of the rows."""
    numbers_drawn: int = 0
    links: int = 0
    seconds: float = 0.0
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.companies + self.persons


class _DryRun(Exception):
    """Raised at the end of a dry run to roll everything back."""


# --- Spreadsheet formulas ---------------------------------------------------------------------

# A cell that starts with one of these is a formula to a spreadsheet (OWASP "CSV injection").
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
        key = _column_key(name)
        if key and key in seen:
            problems.append(
                (1, _("Column '%(name)s' appears twice in the header.") % {"name": _shown(key)})
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


# --- Import -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    line: int
    type: str
    no: str
    company_no: str
    given: dict[str, Any]  # attname -> value for the fields the row gives
    links: dict[str, list[int]]  # m2m field name -> ids
    drawn: bool = False
    values: dict[str, Any] = field(default_factory=dict)  # attname -> final value


class _Errors:
    def __init__(self) -> None:
        self.items: list[tuple[int, str]] = []

    def add(self, line: int, column: str, message: str) -> None:
        self.items.append((line, f"{column}: {message}" if column else message))

    def __bool__(self) -> bool:
        return bool(self.items)


def contacts_import(
    *,
    rows: Iterable[Mapping[str, str]],
    work_date: datetime.date | None = None,
    progress: Callable[[int], Any] | None = None,
    keep_blanks: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Import contacts from rows of text keyed by `COLUMNS`, all or nothing.

    * Every row is checked before anything is written; when any row (or the header) has a
      problem, ImportFailed lists every problem with its line number (header = line 1, first
      row = line 2, or the line a `read_csv_rows` record starts on) and nothing is written.
    * `type` and `name` are required columns; other columns may be left out. A column that is
      not one of `COLUMNS` is refused. Fully blank rows are skipped.
    * Cells are checked as `contact_create` checks its fields (text limits, e-mail, option
      values); codes must exist (upper or lower case); code lists are separated by `|`; flags
      are true/false, yes/no, 1/0 or blank; a NUL character is refused in every cell.
    * `no`: typed numbers obey the Contact Nos. series' Manual Nos. (any number when Marketing
      Setup has no Contact Nos.) and may not exist already nor appear twice in the file.
      Blank numbers are drawn from Contact Nos. for `work_date`, companies first, in file order.
    * `company_no` of a person names a company in the file (anywhere) or in the database;
      never a person. A company's `company_no` is blank or its own number (as exported).
    * A blank cell of a field in `DEFAULTED_FIELDS` means "not given": the person takes the
      company's value per Marketing Setup's inherit flags, else Marketing Setup's default
      applies, as in `contact_create`. With `keep_blanks`, blank cells stay blank (no defaults,
      no inheritance): for restoring an export exactly.
    * Written in one transaction: companies, then persons, then the classification links,
      set-based in batches of `BATCH_SIZE` rows (COPY on PostgreSQL, executemany on SQLite);
      `progress(n)` is called after each batch of n contacts. `dry_run` does everything
      (numbers drawn included), then rolls back.
    * A contact created or a company deleted by someone else between the check and the
      writes refuses the import as a whole (ConflictError).
    """
    started = time.monotonic()
    setup = marketing_setup_get()
    draw_date = work_date or timezone.localdate()
    errors = _Errors()
    parsed, total = _parse_rows(rows, setup, draw_date, keep_blanks, errors)
    _check_numbers_and_companies(parsed, errors)
    if errors:
        raise ImportFailed(errors.items, rows=total)

    result = ImportResult(dry_run=dry_run)
    try:
        with collect_notices() as notices, transaction.atomic():
            companies = [row for row in parsed if row.type == ContactType.COMPANY]
            persons = [row for row in parsed if row.type == ContactType.PERSON]
            ordered = companies + persons
            result.numbers_drawn = _draw_numbers(ordered, setup, draw_date, total)
            company_values = _apply_values(companies, setup, {}, keep_blanks)
            ids = _insert_contacts(companies, progress)
            for row in companies:
                company_values[row.no]["id"] = ids[row.no]
            _apply_values(persons, setup, company_values, keep_blanks)
            ids.update(_insert_contacts(persons, progress))
            result.links = _insert_links(ordered, ids)
            result.companies, result.persons = len(companies), len(persons)
            result.numbers = [row.no for row in parsed]
            if dry_run:
                raise _DryRun
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


def _column_key(name: Any) -> str:
    return str(name or "").replace("\ufeff", "").strip().lower()


def _shown(text: str, limit: int = 40) -> str:
    """A cell's text for a message: control characters made visible, long text cut."""
    text = "".join(char if ord(char) >= 32 else f"\\x{ord(char):02x}" for char in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _attname(name: str) -> str:
    """The column attribute of a contact field: `country` -> `country_id`."""
    return str(getattr(Contact._meta.get_field(name), "attname", name))


def _lookup(model: type[models.Model]) -> dict[str, int]:
    return dict(model._default_manager.values_list("code", "pk"))  # type: ignore[arg-type]


def _parse_rows(
    rows: Iterable[Mapping[str, str]],
    setup: Any,
    draw_date: datetime.date,
    keep_blanks: bool,
    errors: _Errors,
) -> tuple[list[_Row], int]:
    """Check every row on its own (errors go to `errors`); returns the rows, bad ones included
    (the checks between rows need them), and the number of non-blank rows."""
    checker = _RowChecker(setup, draw_date, keep_blanks)
    column_maps: dict[tuple[Any, ...], dict[Any, str]] = {}
    header_errors: set[str] = set()
    parsed: list[_Row] = []
    total = 0
    for index, raw in enumerate(rows):
        line = getattr(raw, "line", 0) or index + 2
        keys = tuple(raw.keys())
        column_map = column_maps.get(keys)
        if column_map is None:
            column_map = column_maps[keys] = _map_columns(keys, header_errors)
        cells: dict[str, str] = {}
        extra: Any = None
        for key, value in raw.items():
            if key is None:
                extra = value
            elif key in column_map:
                cells[column_map[key]] = "" if value is None else str(value)
        if extra and any(str(cell).strip() for cell in extra):
            total += 1
            errors.add(line, "", _("The row has more cells than the header has columns."))
            continue
        if not any(value.strip() for value in cells.values()):
            continue  # a blank row
        total += 1
        parsed.append(checker.check(line, cells, errors))
    for message in sorted(header_errors):
        errors.add(1, "", message)
    return parsed, total


def _map_columns(keys: Sequence[Any], header_errors: set[str]) -> dict[Any, str]:
    """Raw header names -> column names (trimmed, lower case); unknown or missing columns are
    header errors."""
    column_map: dict[Any, str] = {}
    known = set(COLUMNS)
    for key in keys:
        if key is None:
            continue
        name = _column_key(key)
        if name in known:
            column_map[key] = name
        elif name:
            header_errors.add(
                _("Unknown column '%(name)s'. The columns are: %(columns)s.")
                % {"name": _shown(name), "columns": ", ".join(COLUMNS)}
            )
    missing = [name for name in REQUIRED_COLUMNS if name not in column_map.values()]
    for name in missing:
        header_errors.add(
            _("Column '%(name)s' is missing: every contact needs it.") % {"name": name}
        )
    if missing:
        raise ImportFailed([(1, message) for message in sorted(header_errors)], rows=0)
    return column_map


def _numbering_refusals(setup: Any, draw_date: datetime.date) -> tuple[str | None, str | None]:
    """Why a typed number, and why a blank number, would be refused (None: allowed)."""
    series: NumberSeries | None = setup.contact_nos
    manual: str | None = None
    automatic: str | None
    if series is not None:
        try:
            numbering_services.number_series_check_manual(code=series.code, number="")
        except DomainError as error:
            manual = error.message
    if series is None:
        automatic = _("Set up %(field)s in %(setup)s first.") % {
            "field": _("Contact Nos."),
            "setup": _("Marketing Setup"),
        }
    elif not series.default_nos:
        automatic = _(
            "Number series %(code)s does not assign numbers automatically. Type a "
            "number, or turn on Default Nos. in number series %(code)s."
        ) % {"code": series.code}
    else:
        automatic = number_series_preview_next(series, draw_date).problem
    return manual, automatic


_COLUMN_ORDER = {column: index for index, column in enumerate(COLUMNS)}


def _column_order(error: tuple[int, str]) -> int:
    column = error[1].split(":", 1)[0]
    return _COLUMN_ORDER.get(column, -1)


class _RowChecker:
    """Checks one row's cells; what all rows share (code tables, numbering, the services'
    field lists) is read once, when an import starts."""

    def __init__(self, setup: Any, draw_date: datetime.date, keep_blanks: bool) -> None:
        self.lookups = {column: _lookup(model) for column, (_f, model) in CODE_COLUMNS.items()}
        self.list_lookups = {column: _lookup(model) for column, (_f, model) in LIST_COLUMNS.items()}
        self.attnames = {column: _attname(name) for column, (name, _m) in CODE_COLUMNS.items()}
        self.manual_refusal, self.automatic_refusal = _numbering_refusals(setup, draw_date)
        self.defaulted = frozenset() if keep_blanks else services.DEFAULTED_FIELDS
        # The columns the services' cleaning of a contact's plain fields checks.
        self.cleaned_columns = (*services.CONTACT_TEXT_FIELDS, "email", "correspondence_type")
        self.flag_columns = services.CONTACT_FLAG_FIELDS

    def check(self, line: int, cells: dict[str, str], all_errors: _Errors) -> _Row:
        """The row as it would be written; its problems go to `all_errors`, in the order of
        the columns."""
        errors = _Errors()
        bad = {column for column, value in cells.items() if "\x00" in value}
        for column in bad:
            errors.add(line, column, _("Null characters are not allowed."))
        given: dict[str, Any] = {}
        self._check_fields(line, cells, bad, given, errors)
        self._check_codes(line, cells, bad, given, errors)
        links = self._check_code_lists(line, cells, bad, errors)
        self._check_flags(line, cells, bad, given, errors)

        contact_type = "" if "type" in bad else cells.get("type", "").strip().lower()
        if contact_type not in _CONTACT_TYPES:
            if "type" not in bad:
                errors.add(line, "type", _("A contact is a company or a person."))
            contact_type = ""
        no = "" if "no" in bad else cells.get("no", "").strip().upper()
        if no:
            try:
                numbering_services.number_series_check_manual(code=None, number=no)
            except DomainError as error:
                errors.add(line, "no", error.message)
            else:
                if self.manual_refusal:
                    errors.add(line, "no", self.manual_refusal)
        elif self.automatic_refusal and "no" not in bad:
            errors.add(line, "no", self.automatic_refusal)
        company_no = "" if "company_no" in bad else cells.get("company_no", "").strip().upper()
        all_errors.items.extend(sorted(errors.items, key=_column_order))
        return _Row(
            line=line, type=contact_type, no=no, company_no=company_no, given=given, links=links
        )

    def _check_fields(
        self, line: int, cells: dict[str, str], bad: set[str], given: dict, errors: _Errors
    ) -> None:
        """Text, e-mail and correspondence type: the services' own checks."""
        changes: dict[str, Any] = {}
        for column in self.cleaned_columns:
            if column in bad:
                continue
            value = cells.get(column, "").strip()
            if column == "correspondence_type":
                value = value.lower()
            if value or column == "name" or (column in cells and column not in self.defaulted):
                changes[column] = value
        try:
            given.update(services._clean_contact_changes(changes))
        except ValidationFailed as error:
            for name, messages in error.errors.items():
                for message in messages:
                    errors.add(line, name, message)

    def _check_codes(
        self, line: int, cells: dict[str, str], bad: set[str], given: dict, errors: _Errors
    ) -> None:
        for column, (name, model) in CODE_COLUMNS.items():
            if column not in cells or column in bad:
                continue
            code = cells[column].strip().upper()
            if not code:
                if name not in self.defaulted:
                    given[self.attnames[column]] = None
                continue
            pk = self.lookups[column].get(code)
            if pk is None:
                errors.add(line, column, _unknown_codes(model, [code]))
            else:
                given[self.attnames[column]] = pk

    def _check_code_lists(
        self, line: int, cells: dict[str, str], bad: set[str], errors: _Errors
    ) -> dict[str, list[int]]:
        links: dict[str, list[int]] = {}
        for column, (name, model) in LIST_COLUMNS.items():
            if column not in cells or column in bad:
                continue
            codes = [
                code.strip().upper()
                for code in cells[column].split(CODE_LIST_SEPARATOR)
                if code.strip()
            ]
            table = self.list_lookups[column]
            missing = [code for code in codes if code not in table]
            if missing:
                errors.add(line, column, _unknown_codes(model, missing))
            elif codes:
                links[name] = list(dict.fromkeys(table[code] for code in codes))
        return links

    def _check_flags(
        self, line: int, cells: dict[str, str], bad: set[str], given: dict, errors: _Errors
    ) -> None:
        for column in self.flag_columns:
            if column not in cells or column in bad:
                continue
            word = cells[column].strip().lower()
            if word in TRUE_WORDS:
                given[column] = True
            elif word in FALSE_WORDS:
                given[column] = False
            else:
                errors.add(
                    line,
                    column,
                    _("'%(value)s' is not true or false: use true/false, yes/no, 1/0 or a blank.")
                    % {"value": _shown(cells[column].strip())},
                )


def _unknown_codes(model: type[models.Model], codes: Sequence[str]) -> str:
    return _("There is no %(name)s with code %(codes)s.") % {
        "name": model._meta.verbose_name,
        "codes": ", ".join(f"'{_shown(code)}'" for code in codes),
    }


def _existing_contacts(numbers: Iterable[str], *fields: str) -> dict[str, dict[str, Any]]:
    """The contacts with these numbers, as {no: {field: value}} (fields by attname: `id`,
    `country_id`, ...). Plain SQL, 500 numbers a query: the ORM spent more time building
    these IN lists than the database answering them."""
    meta = Contact._meta
    qn = connection.ops.quote_name
    names = ["no", *fields]
    columns = ", ".join(qn(str(meta.get_field(name).column)) for name in names)  # type: ignore[union-attr]
    found: dict[str, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        for chunk in _chunks(sorted(set(numbers)), _IN_CHUNK):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {columns} FROM {qn(meta.db_table)} WHERE {qn('no')} IN ({marks})",  # noqa: S608
                list(chunk),
            )
            for record in cursor.fetchall():
                found[record[0]] = dict(zip(names, record, strict=True))
    return found


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _check_numbers_and_companies(rows: list[_Row], errors: _Errors) -> None:
    """The rules between rows and against the database: numbers unique (in the file and
    against existing contacts), persons under companies of the file or the database."""
    first_line: dict[str, _Row] = {}
    for row in rows:
        if not row.no:
            continue
        other = first_line.get(row.no)
        if other is not None:
            errors.add(
                row.line,
                "no",
                _("Contact %(no)s is on line %(line)s of the file already.")
                % {"no": row.no, "line": other.line},
            )
        else:
            first_line[row.no] = row
    existing = _existing_contacts(first_line)
    for no in existing:
        errors.add(first_line[no].line, "no", _("Contact %(no)s already exists.") % {"no": no})

    outside = {
        row.company_no
        for row in rows
        if row.type == ContactType.PERSON and row.company_no and row.company_no not in first_line
    }
    in_database = _existing_contacts(outside, "type")
    for row in rows:
        if not row.company_no:
            continue
        if row.type == ContactType.COMPANY:
            if row.company_no != row.no:
                errors.add(row.line, "company_no", _("A company cannot belong to another company."))
            row.company_no = ""
            continue
        company = first_line.get(row.company_no)
        company_type = company.type if company else in_database.get(row.company_no, {}).get("type")
        if company_type == "":
            continue  # that row's type is wrong, and reported there
        if company_type is None:
            errors.add(
                row.line,
                "company_no",
                _("There is no contact with no. '%(no)s'.") % {"no": _shown(row.company_no)},
            )
        elif company_type != ContactType.COMPANY:
            errors.add(
                row.line,
                "company_no",
                _("%(no)s is a person; a person can only belong to a company.")
                % {"no": row.company_no},
            )


def _draw_numbers(rows: list[_Row], setup: Any, draw_date: datetime.date, total: int) -> int:
    """Give the rows without a number the next numbers of Contact Nos., in order, inside the
    caller's transaction. A number that exists already (typed in the file or in the database)
    or a series that runs out refuses the import."""
    blank = [row for row in rows if not row.no]
    if not blank:
        return 0
    code = setup.contact_nos.code
    try:
        numbers = _next_numbers(code, len(blank), draw_date)
    except DomainError as error:
        raise ImportFailed([(blank[0].line, f"no: {error.message}")], rows=total) from error
    for row, number in zip(blank, numbers, strict=True):
        row.no, row.drawn = number, True
    typed = {row.no: row for row in rows if not row.drawn}
    existing = _existing_contacts(numbers)
    problems = _Errors()
    for row in blank:
        if row.no in existing:
            message = _(
                "Number series %(series)s gave %(no)s, but a contact with that number exists "
                "already. Correct the series' last no. used."
            ) % {"series": code, "no": row.no}
            problems.add(row.line, "no", message)
        elif row.no in typed:
            message = _(
                "Number series %(series)s gave %(no)s, but line %(line)s of the file has that "
                "number. Correct the series' last no. used, or change the number on that line."
            ) % {"series": code, "no": row.no, "line": typed[row.no].line}
            problems.add(row.line, "no", message)
    if problems:
        raise ImportFailed(problems.items, rows=total)
    return len(blank)


def _next_numbers(code: str, count: int, draw_date: datetime.date) -> list[str]:
    """`count` numbers of series `code`, drawn under the series' lock in the caller's
    transaction. Uses numbering's `number_series_next_many` when it exists (one lock, one
    UPDATE); otherwise draws them one by one."""
    next_many = getattr(numbering_services, "number_series_next_many", None)
    if next_many is not None:
        return list(next_many(code=code, count=count, date=draw_date))
    return [numbering_services.number_series_next(code=code, date=draw_date) for _ in range(count)]


def _blank_values() -> dict[str, Any]:
    """A contact's values before defaults: blank text, no codes, flags off."""
    return {
        **dict.fromkeys(services.CONTACT_TEXT_FIELDS, ""),
        "email": "",
        "correspondence_type": "",
        **{_attname(name): None for name, _model in CODE_COLUMNS.values()},
        **dict.fromkeys(services.CONTACT_FLAG_FIELDS, False),
    }


def _apply_values(
    rows: list[_Row],
    setup: Any,
    companies: dict[str, dict[str, Any]],
    keep_blanks: bool,
) -> dict[str, dict[str, Any]]:
    """Each row's final values, as `contact_create` builds them: blanks, then Marketing
    Setup's defaults, then the company's inherited fields, then what the row gives. Companies
    of the database are read here (one query per 500). Returns {no: values}."""
    defaults: dict[str, Any] = {}
    inherited: list[str] = []
    if not keep_blanks:
        defaults = {
            "salesperson_id": setup.default_salesperson_id,
            "language_id": setup.default_language_id,
            "correspondence_type": setup.default_correspondence_type,
        }
        inherited = [_attname(name) for name in services.inherited_fields(setup)]
    wanted = {row.company_no for row in rows if row.company_no and row.company_no not in companies}
    if wanted:
        companies = {**companies, **_existing_contacts(wanted, "id", *inherited)}
    result: dict[str, dict[str, Any]] = {}
    blank = _blank_values()
    for row in rows:
        values = {**blank, **defaults}
        company_id = None
        if row.company_no:
            company = companies.get(row.company_no)
            if company is None:
                raise ConflictError(
                    _(
                        "Company %(no)s was deleted while the file was being imported, so "
                        "nothing was imported."
                    )
                    % {"no": row.company_no}
                )
            company_id = company["id"]
            for attname in inherited:
                values[attname] = company[attname]
        values.update(row.given)
        values["no"] = row.no
        values["type"] = row.type
        values["company_id"] = company_id
        values["no_series"] = setup.contact_nos.code if row.drawn else ""
        values["search_text"] = services.contact_search_text(
            SimpleNamespace(**values)  # type: ignore[arg-type]
        )
        row.values = values
        result[row.no] = values
    return result


def _bulk_insert(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """INSERT `rows` into `table`: COPY on PostgreSQL, one executemany elsewhere (SQLite runs
    in-process, where executemany is as fast as it gets). Values are plain Python values the
    driver adapts (text, numbers, booleans, None, datetimes)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    column_list = ", ".join(qn(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            copy_sql = f"COPY {qn(table)} ({column_list}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:  # type: ignore[union-attr]
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {qn(table)} ({column_list}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, rows)


def _insert_contacts(rows: list[_Row], progress: Callable[[int], Any] | None) -> dict[str, int]:
    """INSERT the rows in batches of BATCH_SIZE; returns {no: id}. Every concrete column is
    written (a field's Python default where the row has no value), so a column added to the
    model later gets its default here as it would through the ORM."""
    if not rows:
        return {}
    meta = Contact._meta
    now = timezone.now()
    fields = [
        f
        for f in meta.concrete_fields
        if not f.primary_key and (f.attname in rows[0].values or not f.has_db_default())
    ]
    constants: dict[str, Any] = {}
    for f in fields:
        if f.attname in rows[0].values:
            continue
        value = now if f.name in ("created_at", "modified_at") else f.get_default()
        constants[f.attname] = f.get_db_prep_save(value, connection)
    columns = [str(f.column) for f in fields]
    names = [f.attname for f in fields]
    for batch in _chunks(rows, BATCH_SIZE):
        params = [
            [row.values[name] if name in row.values else constants[name] for name in names]
            for row in batch
        ]
        _bulk_insert(meta.db_table, columns, params)
        if progress is not None:
            progress(len(batch))
    ids = _existing_contacts([row.no for row in rows], "id")
    return {no: values["id"] for no, values in ids.items()}


def _insert_links(rows: list[_Row], ids: Mapping[str, int]) -> int:
    """INSERT the classification links into the many-to-many tables."""
    count = 0
    for name, _model in LIST_COLUMNS.values():
        m2m: Any = Contact._meta.get_field(name)
        pairs = [(ids[row.no], target) for row in rows for target in row.links.get(name, ())]
        _bulk_insert(
            m2m.remote_field.through._meta.db_table,
            [m2m.m2m_column_name(), m2m.m2m_reverse_name()],
            pairs,
        )
        count += len(pairs)
    return count


# --- Export -----------------------------------------------------------------------------------

_EXPORT_FIELDS = {
    "no": "no",
    "type": "type",
    "name": "name",
    "company_no": "company__no",
    "address": "address",
    "address_2": "address_2",
    "post_code": "post_code",
    "city": "city",
    "country_code": "country__code",
    "territory_code": "territory__code",
    "phone_no": "phone_no",
    "mobile_phone_no": "mobile_phone_no",
    "fax_no": "fax_no",
    "email": "email",
    "job_title": "job_title",
    "language_code": "language__code",
    "correspondence_type": "correspondence_type",
    "salesperson_code": "salesperson__code",
    "exclude_from_segment": "exclude_from_segment",
    "privacy_blocked": "privacy_blocked",
}
EXPORT_CHUNK = 500


def contacts_export(
    *, queryset: models.QuerySet[Contact] | None = None
) -> Iterator[dict[str, str]]:
    """The contacts of `queryset` (default: all) as rows of text in `COLUMNS`, companies first,
    then persons, each by number, so that importing the rows into a database without these
    contacts recreates them with the same numbers (`keep_blanks` for blanks that should stay
    blank). A company's `company_no` is its own number, as in the API. Reads 500 contacts
    per round (five queries), so large tables stream."""
    queryset = Contact.objects.all() if queryset is None else queryset
    order = Case(When(type=ContactType.COMPANY, then=Value(0)), default=Value(1))
    ids = list(queryset.order_by(order, "no").values_list("pk", flat=True))
    lookups = list(_EXPORT_FIELDS.values())
    for chunk in _chunks(ids, EXPORT_CHUNK):
        by_id = {
            row["pk"]: row for row in Contact.objects.filter(pk__in=chunk).values("pk", *lookups)
        }
        codes: dict[str, dict[int, list[str]]] = {}
        for column, (name, _model) in LIST_COLUMNS.items():
            m2m: Any = Contact._meta.get_field(name)
            through = m2m.remote_field.through
            target = m2m.m2m_reverse_field_name()
            per_contact: dict[int, list[str]] = {}
            pairs = through.objects.filter(**{f"{m2m.m2m_field_name()}_id__in": chunk})
            for contact_id, code in pairs.values_list(
                f"{m2m.m2m_field_name()}_id", f"{target}__code"
            ):
                per_contact.setdefault(contact_id, []).append(code)
            codes[column] = per_contact
        for pk in chunk:
            values = by_id[pk]
            row = {}
            for column, lookup in _EXPORT_FIELDS.items():
                value = values[lookup]
                if isinstance(value, bool):
                    row[column] = "true" if value else "false"
                else:
                    row[column] = "" if value is None else str(value)
            if values["type"] == ContactType.COMPANY:
                row["company_no"] = values["no"]
            for column in LIST_COLUMNS:
                row[column] = CODE_LIST_SEPARATOR.join(sorted(codes[column].get(pk, ())))
            yield {column: row[column] for column in COLUMNS}
