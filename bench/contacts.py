"""Contacts: importing a file, and the contact search.

- `contacts_import`: `contacts_import` of 10,000 rows (2,000 companies, 8,000 persons under
  them, typed numbers, code columns, mailing groups, business relations, industry groups and
  job responsibilities), against inserting the SAME FINISHED rows in one raw transaction: every
  column of every contact, every link row. The baseline's rows are read back from what an import
  run actually wrote (and the bench checks that the import wrote to no other table), so the two
  cannot drift apart when the import learns to write more. The baseline writes the contacts as
  the import does (COPY on PostgreSQL, one executemany on SQLite), with their ids given, then the
  link rows; the import also checks every row, reads the code tables and the numbers already
  used, and reads the new contacts' ids back. Target 1.5.
- `contacts_import_drawn`: the same file where a tenth of the persons draw their number from
  Contact Nos., against the typed import (no target: what drawing numbers costs).
- `contact_search`: `contact_search(..., "jans")` on 100,000 contacts, the first page of 25 plus
  the count, against the same page and count with a plain `name__icontains` (no target).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from bench.runner import interleave, record, say, size, timed

FULL_ROWS = 10_000
SEARCH_CONTACTS = 100_000
TARGET = 1.5

LAST_NAMES = [
    "Jansen",
    "Janssen",
    "Janssens",
    "de Vries",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "de Boer",
    "Peeters",
    "Maes",
    "Smith",
    "Taylor",
    "Müller",
    "Schmidt",
    "Weber",
    "Miller",
    "Davis",
    "Garcia",
]
FIRST_NAMES = ["Anna", "Bram", "Chris", "Daan", "Emma", "Felix", "Iris", "Jan", "Lena", "Tom"]
CITIES = ["Amsterdam", "Rotterdam", "Gent", "Antwerpen", "London", "Berlin", "Boston"]
COUNTRIES = ["NL", "BE", "GB", "DE", "US"]
LANGUAGES = ["NL", "EN", "DE"]


def rows_for(count: int, rng: random.Random, *, drawn: int = 0) -> list[dict[str, str]]:
    """`count` import rows: a fifth companies, the rest persons spread over them; the first
    `drawn` persons have a blank number (drawn from Contact Nos.)."""
    companies = max(1, count // 5)
    persons = count - companies
    rows: list[dict[str, str]] = []
    for i in range(companies):
        rows.append(
            {
                "no": f"BC{i:07d}",
                "type": "company",
                "name": f"{rng.choice(LAST_NAMES)} {rng.choice(['B.V.', 'Ltd', 'GmbH'])} {i}",
                "address": f"Keizersgracht {i % 300 + 1}",
                "address_2": "2nd floor" if i % 3 == 0 else "",
                "post_code": f"{1000 + i % 8000}",
                "city": rng.choice(CITIES),
                "country_code": rng.choice(COUNTRIES),
                "territory_code": "NORTH" if i % 2 else "SOUTH",
                "language_code": rng.choice(LANGUAGES),
                "phone_no": f"+31 20 555 {i % 10000:04d}",
                "email": f"info@company{i}.example",
                "salesperson_code": "BENCH",
                "mailing_group_codes": "XMAS" if i % 2 else "",
                "industry_group_codes": "RETAIL|WHOLESALE" if i % 4 == 0 else "RETAIL",
                "business_relation_codes": "CUST" if i % 3 else "CUST|PROS",
            }
        )
    for i in range(persons):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        rows.append(
            {
                "no": "" if i < drawn else f"BP{i:07d}",
                "type": "person",
                "name": f"{first} {last}",
                "first_name": first,
                "surname": last,
                "company_no": f"BC{i % companies:07d}",
                "email": f"person{i}@company{i % companies}.example",
                "mobile_phone_no": f"+31 6 {i:08d}",
                "job_title": "Buyer",
                "salutation_code": "FORMAL",
                "exclude_from_segment": "yes" if i % 50 == 0 else "",
                "mailing_group_codes": "NEWS|XMAS" if i % 5 == 0 else "NEWS",
                "job_responsibility_codes": "PURCHASE",
            }
        )
    return rows


def set_up() -> None:
    """The code tables the rows name, a Contact Nos. series and Marketing Setup's defaults."""
    from rapport.contacts import services
    from rapport.contacts.models import (
        BusinessRelation,
        Country,
        IndustryGroup,
        JobResponsibility,
        Language,
        MailingGroup,
        Salesperson,
        Salutation,
        Territory,
    )
    from rapport.numbering.models import NumberSeries
    from rapport.numbering.services import number_series_create
    from rapport.setup.services import marketing_setup_update

    series = NumberSeries.objects.filter(code="BENCHCT").first() or number_series_create(
        code="BENCHCT",
        description="benchmark contacts",
        default_nos=True,
        manual_nos=True,
        lines=[{"starting_no": "BX00000001", "ending_no": "BX99999999"}],
    )
    codes: list[tuple[Any, str]] = [
        (Territory, "NORTH"),
        (Territory, "SOUTH"),
        (MailingGroup, "NEWS"),
        (MailingGroup, "XMAS"),
        (IndustryGroup, "RETAIL"),
        (IndustryGroup, "WHOLESALE"),
        (BusinessRelation, "CUST"),
        (BusinessRelation, "PROS"),
        (JobResponsibility, "PURCHASE"),
        (Salutation, "FORMAL"),
    ]
    codes += [(Country, code) for code in COUNTRIES] + [(Language, code) for code in LANGUAGES]
    for model, code in codes:
        if not model.objects.filter(code=code).exists():
            text = services.code_table_text_fields(model)[0]
            services.code_table_create(model=model, code=code, **{text: code})
    salesperson = Salesperson.objects.filter(code="BENCH").first() or services.salesperson_create(
        code="BENCH", name="Bench Mark"
    )
    marketing_setup_update(
        contact_nos=series, default_salesperson=salesperson, default_correspondence_type="email"
    )


def _tables() -> dict[str, int]:
    """Every table's row count (the tables an import writes to are those that grow)."""
    qn = connection.ops.quote_name
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {qn(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def contact_tables() -> list[str]:
    """The contact table and the link tables of its classifications (contact first)."""
    from rapport.contacts.models import Contact

    meta = Contact._meta
    links = [f.remote_field.through._meta.db_table for f in meta.local_many_to_many]  # type: ignore[union-attr]
    return [meta.db_table, *links]


def delete_contacts() -> None:
    """Empty the contact table and every table that refers to it (untimed, between runs)."""
    from rapport.contacts.models import Contact

    qn = connection.ops.quote_name
    tables = contact_tables()[1:]
    tables += [rel.related_model._meta.db_table for rel in Contact._meta.related_objects]
    with transaction.atomic(), connection.cursor() as cursor:
        for table in dict.fromkeys(tables):
            if table != Contact._meta.db_table:
                cursor.execute(f"DELETE FROM {qn(table)}")  # noqa: S608
        cursor.execute(f"DELETE FROM {qn(Contact._meta.db_table)}")  # noqa: S608


def last_audit_id() -> int:
    """The id of the newest audit entry (0: none yet)."""
    from rapport.audit.models import AuditEntry

    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


class Written:
    """What an import wrote, read back: per table, its columns and rows (the contact table with
    its ids, the link tables without their own id column), and the import's audit entry."""

    def __init__(self) -> None:
        self.tables: list[tuple[str, list[str], list[tuple[Any, ...]]]] = []
        self.audit_entries: list[dict[str, Any]] = []

    @classmethod
    def read(cls, grown: set[str], *, audit_after: int = 0) -> Written:
        """Read back every row of the tables an import wrote to (and the audit entries after
        `audit_after`); refuse when it wrote to a table the baseline does not know (the
        baseline must write it too)."""
        from rapport.audit.models import AuditEntry

        known = contact_tables()
        unknown = grown - {*known, AuditEntry._meta.db_table}
        if unknown:
            raise RuntimeError(
                f"the import wrote to {sorted(unknown)}: teach the baseline to write them too"
            )
        written = cls()
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            for index, table in enumerate(known):
                columns = [
                    column.name
                    for column in connection.introspection.get_table_description(cursor, table)
                    if index == 0 or column.name != "id"
                ]
                names = ", ".join(qn(column) for column in columns)
                cursor.execute(f"SELECT {names} FROM {qn(table)} ORDER BY 1")  # noqa: S608
                written.tables.append((table, columns, [tuple(row) for row in cursor.fetchall()]))
        entries = AuditEntry.objects.filter(id__gt=audit_after).order_by("id").values()
        written.audit_entries = [
            {name: value for name, value in row.items() if name != "id"} for row in entries
        ]
        return written

    def rows(self) -> int:
        return sum(len(rows) for _table, _columns, rows in self.tables) + len(self.audit_entries)

    def insert(self) -> None:
        """Insert every row in one transaction: COPY on PostgreSQL, executemany on SQLite."""
        qn = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            for table, columns, rows in self.tables:
                names = ", ".join(qn(column) for column in columns)
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(columns))
                    sql = f"INSERT INTO {qn(table)} ({names}) VALUES ({marks})"  # noqa: S608
                    cursor.executemany(sql, rows)
            # The import's one audit entry (its counts and options), as the import writes it.
            from rapport.audit.models import AuditEntry

            AuditEntry.objects.bulk_create(AuditEntry(**row) for row in self.audit_entries)


def import_once(rows: list[dict[str, str]]) -> Callable[[], float]:
    """One timed import of `rows` on an empty contact table."""
    from rapport.contacts.importing import contacts_import

    def run_once() -> float:
        delete_contacts()
        return timed(lambda: contacts_import(rows=rows))

    return run_once


def baseline_from(rows: list[dict[str, str]]) -> Callable[[], float]:
    """Import `rows` once (untimed), read back what it wrote, and return one timed raw insert
    of exactly those rows on an empty contact table."""
    from rapport.contacts.importing import contacts_import

    delete_contacts()
    before = _tables()
    audit_after = last_audit_id()
    contacts_import(rows=rows)
    after = _tables()
    grown = {table for table, count in after.items() if count > before.get(table, 0)}
    written = Written.read(grown, audit_after=audit_after)
    say(f"the import wrote {written.rows():,} rows to {', '.join(sorted(grown))}")

    def run_once() -> float:
        delete_contacts()
        return timed(written.insert)

    return run_once


def _search(count: int) -> None:
    from rapport.contacts.importing import contacts_import
    from rapport.contacts.models import Contact
    from rapport.contacts.selectors import contact_search

    delete_contacts()
    seconds = timed(lambda: contacts_import(rows=rows_for(count, random.Random(2))))
    say(f"loaded {count:,} contacts for the search in {seconds:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a database that lived a while has

    def page_and_count(queryset: Any) -> Callable[[], float]:
        return lambda: timed(lambda: (list(queryset()[:25]), queryset().count()))

    search, plain = interleave(
        page_and_count(lambda: contact_search(Contact.objects.all(), "jans")),
        page_and_count(lambda: Contact.objects.filter(name__icontains="jans")),
    )
    matches = contact_search(Contact.objects.all(), "jans").count()
    record(
        "contact_search",
        count,
        search,
        plain,
        target=None,
        note=f"{matches:,} match 'jans'; a page of 25 plus the count vs name__icontains",
    )


def run() -> None:
    count = size(FULL_ROWS, minimum=10)
    set_up()
    rows = rows_for(count, random.Random(1))
    baseline = baseline_from(rows)
    imported, raw = interleave(import_once(rows), baseline)
    record(
        "contacts_import",
        count,
        imported,
        raw,
        target=TARGET,
        note="vs the same finished rows (every column, every link row) in one raw transaction",
    )
    drawn_rows = rows_for(count, random.Random(1), drawn=max(1, count // 10))
    drawn, typed = interleave(import_once(drawn_rows), import_once(rows))
    record(
        "contacts_import_drawn",
        count,
        drawn,
        typed,
        target=None,
        note=f"{max(1, count // 10):,} numbers drawn from Contact Nos. vs all typed",
    )
    _search(size(SEARCH_CONTACTS, minimum=10))
    delete_contacts()
