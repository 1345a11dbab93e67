"""Contacts:

(a) importing 10,000 contacts (2,000 companies, 8,000 persons under them, typed numbers, with
    mailing groups) with `contacts_import`, against the least any import costs: one raw
    executemany INSERT of the same 10,000 finished rows into the contact table. Also the same
    import where 1,000 persons draw their number from Contact Nos., against the typed import.
(b) the contact search on 100,000 contacts: `contact_search(..., "jans")`, first page of 25
    plus the count, against the same page and count with a plain `name__icontains`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

COMPANIES, PERSONS = 2_000, 8_000
DRAWN = 1_000
SEARCH_CONTACTS = 100_000
RUNS = 3

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


def _rows(companies: int, persons: int, rng: random.Random, drawn: int = 0) -> list[dict]:
    rows: list[dict[str, str]] = []
    for i in range(companies):
        rows.append(
            {
                "no": f"BC{i:07d}",
                "type": "company",
                "name": f"{rng.choice(LAST_NAMES)} {rng.choice(['B.V.', 'Ltd', 'GmbH'])} {i}",
                "address": f"Keizersgracht {i % 300 + 1}",
                "post_code": f"{1000 + i % 8000}",
                "city": rng.choice(CITIES),
                "country_code": "NL",
                "phone_no": f"+31 20 555 {i % 10000:04d}",
                "email": f"info@company{i}.example",
                "mailing_group_codes": "XMAS" if i % 2 else "",
            }
        )
    for i in range(persons):
        rows.append(
            {
                "no": "" if i < drawn else f"BP{i:07d}",
                "type": "person",
                "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "company_no": f"BC{i % companies:07d}",
                "email": f"person{i}@company{i % companies}.example",
                "job_title": "Buyer",
                "mailing_group_codes": "NEWS",
            }
        )
    return rows


def _delete_contacts() -> None:
    from rapport.contacts.models import Contact

    qn = connection.ops.quote_name
    tables = [
        field.remote_field.through._meta.db_table for field in Contact._meta.local_many_to_many
    ]
    tables += [rel.related_model._meta.db_table for rel in Contact._meta.related_objects]
    with transaction.atomic(), connection.cursor() as cursor:
        for table in dict.fromkeys(tables):
            if table != Contact._meta.db_table:
                cursor.execute(f"DELETE FROM {qn(table)}")  # noqa: S608
        cursor.execute(f"DELETE FROM {qn(Contact._meta.db_table)}")  # noqa: S608


def _timed(runs: int, prepare: Callable[[], Any], function: Callable[[], Any]) -> float:
    """The fastest of `runs` timings of `function`, each after an untimed `prepare`."""
    best = float("inf")
    for _ in range(runs):
        prepare()
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def _set_up() -> None:
    from rapport.contacts import services
    from rapport.contacts.models import Country, MailingGroup, Salesperson
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
    if not Country.objects.filter(code="NL").exists():
        services.code_table_create(model=Country, code="NL", name="Netherlands")
    for code in ("NEWS", "XMAS"):
        if not MailingGroup.objects.filter(code=code).exists():
            services.code_table_create(model=MailingGroup, code=code)
    salesperson = Salesperson.objects.filter(code="BENCH").first() or services.salesperson_create(
        code="BENCH", name="Bench Mark"
    )
    marketing_setup_update(
        contact_nos=series, default_salesperson=salesperson, default_correspondence_type="email"
    )


def _raw_insert(rows: list[dict[str, str]]) -> Callable[[], None]:
    """One executemany INSERT of the rows as finished contact records (every column)."""
    from django.utils import timezone

    from rapport.contacts.models import Contact

    meta = Contact._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    now = timezone.now()
    params = []
    for row in rows:
        values: dict[str, Any] = {f.attname: f.get_default() for f in fields}
        values.update({key: row[key] for key in ("no", "type", "name", "email") if key in row})
        values.update(created_at=now, modified_at=now, search_text=row["name"].lower())
        params.append([f.get_db_prep_save(values[f.attname], connection) for f in fields])

    def insert() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, params)

    return insert


def run(best_of, report) -> None:  # type: ignore[no-untyped-def]
    from rapport.contacts.importing import contacts_import
    from rapport.contacts.models import Contact
    from rapport.contacts.selectors import contact_search

    _set_up()
    _delete_contacts()
    rows = _rows(COMPANIES, PERSONS, random.Random(1))
    total = len(rows)

    imported = _timed(RUNS, _delete_contacts, lambda: contacts_import(rows=rows))
    assert Contact.objects.count() == total
    raw = _timed(RUNS, _delete_contacts, _raw_insert(rows))
    report(f"contacts_import, {total} rows (s)", imported, "raw executemany INSERT", raw, "s")

    drawing_rows = _rows(COMPANIES, PERSONS, random.Random(1), drawn=DRAWN)
    drawing = _timed(1, _delete_contacts, lambda: contacts_import(rows=drawing_rows))
    report(
        f"contacts_import, {total} rows, {DRAWN} drawn nos. (s)",
        drawing,
        "all numbers typed",
        imported,
        "s",
    )

    # (b) search on 100,000 contacts.
    _delete_contacts()
    started = time.perf_counter()
    big = _rows(SEARCH_CONTACTS // 5, SEARCH_CONTACTS - SEARCH_CONTACTS // 5, random.Random(2))
    contacts_import(rows=big)
    print(f"  (loaded {len(big)} contacts for the search in {time.perf_counter() - started:.1f} s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a database that lived a while has

    def page_and_count(queryset: Any) -> None:
        list(queryset[:25])
        queryset.count()

    search = best_of(5, lambda: page_and_count(contact_search(Contact.objects.all(), "jans")))
    plain = best_of(5, lambda: page_and_count(Contact.objects.filter(name__icontains="jans")))
    matches = contact_search(Contact.objects.all(), "jans").count()
    print(f"  ({matches} contacts match 'jans'; a page of 25 plus the count)")
    report(
        f"contact_search 'jans', {SEARCH_CONTACTS} contacts (ms)",
        search * 1000,
        "name__icontains",
        plain * 1000,
        "ms",
    )
    _delete_contacts()
