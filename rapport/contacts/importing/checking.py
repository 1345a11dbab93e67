"""Checking the rows of an import before anything is written: each row on its own, then the
rules between rows and against the database (numbers, companies)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from rapport.contacts import services
from rapport.contacts.importing.columns import (
    CODE_COLUMNS,
    CODE_LIST_SEPARATOR,
    COLUMNS,
    FALSE_WORDS,
    LIST_COLUMNS,
    REQUIRED_COLUMNS,
    TRUE_WORDS,
    column_key,
    field_attname,
    shown,
)
from rapport.contacts.importing.lookups import existing_contacts
from rapport.contacts.importing.quick import QuickChecker
from rapport.contacts.importing.report import ImportFailed, RowErrors
from rapport.contacts.models import ContactType
from rapport.core.errors import DomainError, ValidationFailed
from rapport.numbering.models import NumberSeries
from rapport.numbering.selectors import number_series_preview_next
from rapport.numbering.services import number_series_check_default, number_series_check_manual

_CONTACT_TYPES = frozenset(ContactType.values)


@dataclass(slots=True)
class Row:
    """One checked row: what it gives, and (once written) its final values."""

    line: int
    type: str
    no: str
    company_no: str
    given: dict[str, Any]  # attname -> value for the fields the row gives
    links: dict[str, list[int]]  # m2m field name -> ids
    drawn: bool = False
    values: dict[str, Any] = field(default_factory=dict)  # attname -> final value


def check_rows(
    rows: Iterable[Mapping[str, str]],
    setup: Any,
    draw_date: datetime.date,
    keep_blanks: bool,
) -> tuple[list[Row], int]:
    """Check every row before anything is written; returns the rows and the number of
    non-blank rows. When any row (or the header) has a problem, ImportFailed lists every
    problem with its line number (header = line 1, first row = line 2, or the line a
    `read_csv_rows` record starts on).

    * `type` and `name` are required columns; other columns may be left out. A column that is
      not one of `COLUMNS` is refused. Fully blank rows are skipped.
    * Cells are checked as `contact_create` checks its fields (text limits, e-mail, option
      values); codes must exist (upper or lower case); code lists are separated by `|`; flags
      are true/false, yes/no, 1/0 or blank; a NUL character is refused in every cell.
    * `no`: typed numbers obey the Contact Nos. series' Manual Nos. (any number when Marketing
      Setup has no Contact Nos.) and may not exist already nor appear twice in the file; a
      blank number needs a series that can give one for `draw_date`.
    * `company_no` of a person names a company in the file (anywhere) or in the database;
      never a person. A company's `company_no` is blank or its own number (as exported).
    """
    errors = RowErrors()
    parsed, total = _parse_rows(rows, setup, draw_date, keep_blanks, errors)
    _check_numbers_and_companies(parsed, errors)
    if errors:
        raise ImportFailed(errors.items, rows=total)
    return parsed, total


def _lookup(model: type[models.Model]) -> dict[str, int]:
    return dict(model._default_manager.values_list("code", "pk"))  # type: ignore[arg-type]


def _parse_rows(
    rows: Iterable[Mapping[str, str]],
    setup: Any,
    draw_date: datetime.date,
    keep_blanks: bool,
    errors: RowErrors,
) -> tuple[list[Row], int]:
    """Check every row on its own (errors go to `errors`); returns the rows, bad ones included
    (the checks between rows need them), and the number of non-blank rows."""
    checker = _RowChecker(setup, draw_date, keep_blanks)
    column_maps: dict[tuple[Any, ...], tuple[list[tuple[Any, str]], bool]] = {}
    groups: dict[tuple[Any, ...], _Group] = {}  # the rows of each set of columns, to check
    header_errors: set[str] = set()
    total = 0
    for index, raw in enumerate(rows):
        line = getattr(raw, "line", 0) or index + 2
        keys = tuple(raw.keys())
        known = column_maps.get(keys)
        if known is None:
            pairs = list(_map_columns(keys, header_errors).items())
            same = len(pairs) == len(keys) and all(key == column for key, column in pairs)
            known = column_maps[keys] = (pairs, same)
        pairs, same = known
        # Keyed by the column names already (an exported file, rows built by code): as it is.
        cells: dict[str, str] = raw if same else {column: raw[key] for key, column in pairs}  # type: ignore[assignment]
        extra: Any = raw.get(None) if None in raw else None  # type: ignore[call-overload]
        if extra and any(str(cell).strip() for cell in extra):
            total += 1
            errors.add(line, "", _("The row has more cells than the header has columns."))
            continue
        try:
            joined = "".join(cells.values())
        except TypeError:  # a cell that is not text (None, a number): as text
            cells = {column: "" if value is None else str(value) for column, value in cells.items()}
            joined = "".join(cells.values())
        if not joined.strip():
            continue  # a blank row
        group = groups.get(keys)
        if group is None:
            group = groups[keys] = _Group({column for _key, column in pairs})
        group.add(total, line, cells, joined)
        total += 1
    parsed: list[Row | None] = [None] * total
    quick = QuickChecker(checker)
    for group in groups.values():
        checked = quick.rows(group.lines, group.cells, group.joined, group.columns)
        for position, line, cells, row in zip(
            group.positions, group.lines, group.cells, checked, strict=True
        ):
            parsed[position] = row or checker.check(line, cells, errors)
    for message in sorted(header_errors):
        errors.add(1, "", message)
    return [row for row in parsed if row is not None], total


class _Group:
    """The rows of one set of columns, in file order, with their places among all rows."""

    def __init__(self, columns: set[str]) -> None:
        self.columns = columns
        self.positions: list[int] = []
        self.lines: list[int] = []
        self.cells: list[dict[str, str]] = []
        self.joined: list[str] = []

    def add(self, position: int, line: int, cells: dict[str, str], joined: str) -> None:
        self.positions.append(position)
        self.lines.append(line)
        self.cells.append(cells)
        self.joined.append(joined)


def _map_columns(keys: Sequence[Any], header_errors: set[str]) -> dict[Any, str]:
    """Raw header names -> column names (trimmed, lower case); unknown or missing columns are
    header errors."""
    column_map: dict[Any, str] = {}
    known = set(COLUMNS)
    for key in keys:
        if key is None:
            continue
        name = column_key(key)
        if name in known:
            column_map[key] = name
        elif name:
            header_errors.add(
                _("Unknown column '%(name)s'. The columns are: %(columns)s.")
                % {"name": shown(name), "columns": ", ".join(COLUMNS)}
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
    """Why a typed number, and why a blank number, would be refused (None: allowed): the
    numbering rules of `number_series_assign`, asked once per import."""
    series: NumberSeries | None = setup.contact_nos
    manual: str | None = None
    if series is not None:
        try:
            number_series_check_manual(code=series.code, number="")
        except DomainError as error:
            manual = error.message
    try:
        checked = number_series_check_default(
            code=series.code if series is not None else None,
            setup_field_label=_("Contact Nos."),
        )
    except DomainError as error:
        return manual, error.message
    return manual, number_series_preview_next(checked, draw_date).problem


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
        self.attnames = {column: field_attname(name) for column, (name, _m) in CODE_COLUMNS.items()}
        self.manual_refusal, self.automatic_refusal = _numbering_refusals(setup, draw_date)
        self.defaulted = frozenset() if keep_blanks else services.DEFAULTED_FIELDS
        # The columns the services' cleaning of a contact's plain fields checks.
        self.cleaned_columns = (*services.CONTACT_TEXT_FIELDS, "email", "correspondence_type")
        self.flag_columns = services.CONTACT_FLAG_FIELDS

    def check(self, line: int, cells: dict[str, str], all_errors: RowErrors) -> Row:
        """The row as it would be written; its problems go to `all_errors`, in the order of
        the columns."""
        errors = RowErrors()
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
                number_series_check_manual(code=None, number=no)
            except DomainError as error:
                errors.add(line, "no", error.message)
            else:
                if self.manual_refusal:
                    errors.add(line, "no", self.manual_refusal)
        elif self.automatic_refusal and "no" not in bad:
            errors.add(line, "no", self.automatic_refusal)
        company_no = "" if "company_no" in bad else cells.get("company_no", "").strip().upper()
        all_errors.items.extend(sorted(errors.items, key=_column_order))
        return Row(
            line=line, type=contact_type, no=no, company_no=company_no, given=given, links=links
        )

    def _check_fields(
        self, line: int, cells: dict[str, str], bad: set[str], given: dict, errors: RowErrors
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
        self, line: int, cells: dict[str, str], bad: set[str], given: dict, errors: RowErrors
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
        self, line: int, cells: dict[str, str], bad: set[str], errors: RowErrors
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
        self, line: int, cells: dict[str, str], bad: set[str], given: dict, errors: RowErrors
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
                    % {"value": shown(cells[column].strip())},
                )


def _unknown_codes(model: type[models.Model], codes: Sequence[str]) -> str:
    return _("There is no %(name)s with code %(codes)s.") % {
        "name": model._meta.verbose_name,
        "codes": ", ".join(f"'{shown(code)}'" for code in codes),
    }


def _check_numbers_and_companies(rows: list[Row], errors: RowErrors) -> None:
    """The rules between rows and against the database: numbers unique (in the file and
    against existing contacts), persons under companies of the file or the database."""
    first_line: dict[str, Row] = {}
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
    existing = existing_contacts(first_line)
    for no in existing:
        errors.add(first_line[no].line, "no", _("Contact %(no)s already exists.") % {"no": no})

    outside = {
        row.company_no
        for row in rows
        if row.type == ContactType.PERSON and row.company_no and row.company_no not in first_line
    }
    in_database = existing_contacts(outside, "type")
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
                _("There is no contact with no. '%(no)s'.") % {"no": shown(row.company_no)},
            )
        elif company_type != ContactType.COMPANY:
            errors.add(
                row.line,
                "company_no",
                _("%(no)s is a person; a person can only belong to a company.")
                % {"no": row.company_no},
            )
