"""Writing the checked rows of an import, set-based: numbers drawn at once, values built as
`contact_create` builds them, then INSERTs in batches (COPY on PostgreSQL, executemany on
SQLite)."""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.contacts import services
from rapport.contacts.importing.checking import Row
from rapport.contacts.importing.columns import CODE_COLUMNS, LIST_COLUMNS, field_attname
from rapport.contacts.importing.lookups import chunks, existing_contacts
from rapport.contacts.importing.report import ImportFailed, ImportResult, RowErrors
from rapport.contacts.models import Contact, ContactType
from rapport.core.errors import ConflictError, DomainError
from rapport.numbering.services import number_series_next_many

BATCH_SIZE = 1000
"""Rows per INSERT batch (and per progress step)."""


def write_rows(
    rows: list[Row],
    result: ImportResult,
    *,
    setup: Any,
    draw_date: datetime.date,
    keep_blanks: bool,
    progress: Callable[[int], Any] | None,
    total: int,
) -> None:
    """Write the checked `rows` inside the caller's transaction and fill `result`: blank
    numbers drawn from Contact Nos. for `draw_date` (companies first, in file order), then the
    companies, then the persons (who may inherit from them), then the classification links,
    in batches of `BATCH_SIZE` rows; `progress(n)` is called after each batch of n contacts.
    A blank cell of a field in `DEFAULTED_FIELDS` takes the company's value or Marketing
    Setup's default, as in `contact_create`, unless `keep_blanks`."""
    companies = [row for row in rows if row.type == ContactType.COMPANY]
    persons = [row for row in rows if row.type == ContactType.PERSON]
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
    result.numbers = [row.no for row in rows]


def _draw_numbers(rows: list[Row], setup: Any, draw_date: datetime.date, total: int) -> int:
    """Give the rows without a number the next numbers of Contact Nos., in order, inside the
    caller's transaction. A number that exists already (typed in the file or in the database)
    or a series that runs out refuses the import."""
    blank = [row for row in rows if not row.no]
    if not blank:
        return 0
    code = setup.contact_nos.code
    try:
        numbers = number_series_next_many(code=code, count=len(blank), date=draw_date)
    except DomainError as error:
        raise ImportFailed([(blank[0].line, f"no: {error.message}")], rows=total) from error
    for row, number in zip(blank, numbers, strict=True):
        row.no, row.drawn = number, True
    typed = {row.no: row for row in rows if not row.drawn}
    existing = existing_contacts(numbers)
    problems = RowErrors()
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


def _blank_values() -> dict[str, Any]:
    """A contact's values before defaults: blank text, no codes, flags off."""
    return {
        **dict.fromkeys(services.CONTACT_TEXT_FIELDS, ""),
        "email": "",
        "correspondence_type": "",
        **{field_attname(name): None for name, _model in CODE_COLUMNS.values()},
        **dict.fromkeys(services.CONTACT_FLAG_FIELDS, False),
    }


def _apply_values(
    rows: list[Row],
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
        inherited = [field_attname(name) for name in services.inherited_fields(setup)]
    wanted = {row.company_no for row in rows if row.company_no and row.company_no not in companies}
    if wanted:
        companies = {**companies, **existing_contacts(wanted, "id", *inherited)}
    # What a person takes from its company, per company (a dict update per row).
    taken = {
        no: {"company_id": company["id"], **{attname: company[attname] for attname in inherited}}
        for no, company in companies.items()
    }
    result: dict[str, dict[str, Any]] = {}
    start = {**_blank_values(), **defaults, "company_id": None}
    drawn_series = setup.contact_nos.code if setup.contact_nos is not None else ""
    search_text = services.contact_search_text
    for row in rows:
        values = _Values(start)
        if row.company_no:
            company = taken.get(row.company_no)
            if company is None:
                raise ConflictError(
                    _(
                        "Company %(no)s was deleted while the file was being imported, so "
                        "nothing was imported."
                    )
                    % {"no": row.company_no}
                )
            values.update(company)
        values.update(row.given)
        values["no"] = row.no
        values["type"] = row.type
        values["no_series"] = drawn_series if row.drawn else ""
        values["search_text"] = search_text(values)  # type: ignore[arg-type]
        row.values = values
        result[row.no] = values
    return result


class _Values(dict[str, Any]):
    """A contact's values, readable as attributes too (for `contact_search_text`)."""

    __slots__ = ()
    __getattr__ = dict.__getitem__


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


def _insert_contacts(rows: list[Row], progress: Callable[[int], Any] | None) -> dict[str, int]:
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
    given = [f for f in fields if f.attname not in constants]
    fixed = [f for f in fields if f.attname in constants]
    columns = [str(f.column) for f in given + fixed]
    values_of = operator.itemgetter(*[f.attname for f in given])
    fixed_values = tuple(constants[f.attname] for f in fixed)
    before = _highest_id()
    for batch in chunks(rows, BATCH_SIZE):
        params = [values_of(row.values) + fixed_values for row in batch]
        _bulk_insert(meta.db_table, columns, params)
        if progress is not None:
            progress(len(batch))
    return _ids_after(before, {row.no for row in rows})


def _highest_id() -> int:
    meta, qn = Contact._meta, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({qn(str(meta.pk.column))}) FROM {qn(meta.db_table)}")  # noqa: S608
        return int(cursor.fetchone()[0] or 0)


def _ids_after(before: int, numbers: set[str]) -> dict[str, int]:
    """{no: id} of the contacts with these numbers inserted after the highest id was `before`:
    one range read on the primary key. Every id given after that read is higher (SQLite's
    writers take turns; a PostgreSQL sequence only grows); rows of other transactions in that
    range are left out by their numbers."""
    meta, qn = Contact._meta, connection.ops.quote_name
    pk = qn(str(meta.pk.column))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {qn('no')}, {pk} FROM {qn(meta.db_table)} WHERE {pk} > %s",  # noqa: S608
            [before],
        )
        return {no: pk for no, pk in cursor.fetchall() if no in numbers}


def _insert_links(rows: list[Row], ids: Mapping[str, int]) -> int:
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
