"""Bench data, set-based: contacts by the million in one raw INSERT … SELECT over a generated
series (PostgreSQL `generate_series`, SQLite a recursive CTE), a bench user, a bench template and
a segment whose lines are added through the real Add contacts path (`segment_add_contacts`).

Measured on the shared 2-core machine (load average 7-16 while measuring, so wall times are
2-5x what an idle machine gives): `contacts(1_000_000)` took 42 s on SQLite (9.4 s of it CPU
for the rows themselves, the rest waiting for a core; 100,000 take 2.8 s, 20,000 1.6 s);
with `companies_every=5`, 100 s for 1,000,000 (a second INSERT … SELECT, the persons looking
up their company by no.). PostgreSQL, load average 14: 100,000 contacts with companies plus
the segments_add set-up around them, 50 s; `segment_with_lines` of 100,000 lines with its
100,000 contacts, 146-156 s (SQLite 30-66 s).

Numbers are `f"{prefix}{i:07d}"` for i = 1 … count (companies among them when
`companies_every` > 0: rows 1, 1 + k, 1 + 2k, …, each the company of the k - 1 persons after
it). Two thirds have an e-mail address (i % 3 != 0), and those have correspondence type e-mail;
the others have none (the template's default applies), so no contact is skipped for "no e-mail".
Countries, languages and salespeople are spread over the rows (i modulo their number) when the
database has them. Every NOT NULL column is filled (the model's default when not named here).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

SURNAMES = ("Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Dekker")
CITIES = ("Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen", "Tilburg")
SPREAD = 20  # at most this many countries / languages / salespeople are spread over the rows


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _series(alias: str = "n") -> str:
    """`(SELECT … i FROM 1 … %s) AS alias`: one parameter, the count."""
    if connection.vendor == "postgresql":
        return f"(SELECT generate_series(1, %s) AS i) AS {alias}"
    return (
        "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %s) "  # noqa: S608
        f"SELECT i FROM s) AS {alias}"
    )


def _padded(expression: str) -> str:
    """SQL of `expression` (an integer) as 7 digits with leading zeros."""
    if connection.vendor == "postgresql":
        return f"lpad(CAST({expression} AS text), 7, '0')"
    return f"printf('%%07d', {expression})"


def _pick(values: tuple[Any, ...] | list[Any], index: str) -> str:
    """SQL choosing values[index % len(values)] (literals inlined: they are ours); NULL when
    there are none."""
    if not values:
        return "NULL"

    def literal(value: Any) -> str:
        if isinstance(value, int):
            return str(value)
        return "'" + str(value).replace("'", "''") + "'"

    whens = " ".join(
        f"WHEN {position} THEN {literal(value)}" for position, value in enumerate(values)
    )
    return f"CASE ({index}) %% {len(values)} {whens} END"


def _ids(model: Any) -> list[int]:
    return list(model.objects.order_by("pk").values_list("pk", flat=True)[:SPREAD])


def _contact_expressions(prefix: str, companies_every: int) -> dict[str, str]:
    """Column → SQL over the series row `n.i` (and the company row `co`, when linked)."""
    from rapport.contacts.models import Country, Language, Salesperson

    no = f"'{prefix}' || {_padded('n.i')}"
    is_company = f"n.i %% {companies_every} = 1" if companies_every > 1 else "FALSE"
    if companies_every == 1:
        is_company = "TRUE"
    surname = _pick(SURNAMES, "n.i")
    name = (
        f"CASE WHEN {is_company} THEN 'Company ' || {_padded('n.i')} "
        f"ELSE {surname} || ' ' || {_padded('n.i')} END"
    )
    email = "CASE WHEN n.i %% 3 = 0 THEN '' ELSE 'c' || n.i || '@example.com' END"
    city = _pick(CITIES, "n.i")
    post_code = "CAST(1000 + n.i %% 9000 AS text) || ' AB'"
    # contact_search_text: no, name, city, e-mail, post code joined by spaces, lower case.
    search = (
        f"lower({no} || ' ' || {name} || ' ' || {city} || "
        f"CASE WHEN n.i %% 3 = 0 THEN '' ELSE ' c' || n.i || '@example.com' END || ' ' || "
        f"{post_code})"
    )
    return {
        "no": no,
        "type": f"CASE WHEN {is_company} THEN 'company' ELSE 'person' END",
        "name": name,
        "company_id": "co.id" if companies_every > 1 else "NULL",
        "email": email,
        "correspondence_type": "CASE WHEN n.i %% 3 = 0 THEN '' ELSE 'email' END",
        "city": city,
        "post_code": post_code,
        "country_id": _pick(_ids(Country), "n.i"),
        "language_id": _pick(_ids(Language), "n.i / 7"),
        "salesperson_id": _pick(_ids(Salesperson), "n.i / 3"),
        "search_text": search,
    }


def _insert_contacts(
    count: int, prefix: str, companies_every: int, *, companies_only: bool = False
) -> int:
    from django.utils import timezone

    from rapport.contacts.models import Contact

    meta = Contact._meta
    expressions = _contact_expressions(prefix, companies_every)
    now = timezone.now()
    columns, selects, params = [], [], []
    for field in meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(_qn(field.column))
        if field.attname in expressions:
            selects.append(expressions[field.attname])
        else:
            selects.append("%s")
            value = now if field.attname in ("created_at", "modified_at") else field.get_default()
            params.append(field.get_db_prep_save(value, connection))
    table = _qn(meta.db_table)
    joins, where = "", ""
    if companies_every > 1:
        if companies_only:
            where = f"WHERE n.i %% {companies_every} = 1"
            selects[columns.index(_qn("company_id"))] = "NULL"
        else:
            company_no = f"'{prefix}' || {_padded(f'n.i - (n.i - 1) %% {companies_every}')}"
            joins = f"LEFT JOIN {table} co ON co.no = {company_no}"
            where = f"WHERE n.i %% {companies_every} <> 1"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - names are ours
            f"SELECT {', '.join(selects)} FROM {_series()} {joins} {where}",
            [*params, count],
        )
        return int(cursor.rowcount)


@contextmanager
def _big_cache() -> Iterator[None]:
    """On SQLite, a page cache of 256 MiB while loading: the default 2 MiB makes every insert
    into the name, city and company indexes (spread over the whole B-tree) read pages back."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def contacts(count: int, *, prefix: str = "BX", companies_every: int = 0) -> None:
    """`count` contacts numbered `{prefix}0000001` …, in one transaction (see the module's
    docstring for their values); with `companies_every` = k > 1, every k-th row (1, 1 + k, …)
    is a company and the k - 1 rows after it its persons. The table is analysed afterwards."""
    from rapport.contacts.models import Contact

    with transaction.atomic(), _big_cache():
        inserted = 0
        if companies_every > 1:
            inserted += _insert_contacts(count, prefix, companies_every, companies_only=True)
        inserted += _insert_contacts(count, prefix, companies_every)
    assert inserted == count, (inserted, count)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {_qn(Contact._meta.db_table)}")


def bench_user(role: str = "marketing") -> Any:
    """The user `bench-<role>` with that role (created once), linked to the salesperson
    `BENCH-<ROLE>` (so that segments it creates get a salesperson, as logging needs)."""
    from rapport.contacts.models import Salesperson
    from rapport.contacts.services import salesperson_create
    from rapport.core.models import User

    user, _created = User.objects.get_or_create(
        username=f"bench-{role}", defaults={"role": role, "email": f"bench-{role}@example.com"}
    )
    code = f"BENCH-{role}".upper()[:20]
    if not Salesperson.objects.filter(code=code).exists():
        salesperson_create(code=code, name=f"Bench {role}", user=user)
    return user


def bench_template(code: str = "BENCH") -> Any:
    """The interaction template `code` (created once): group `code`, unit cost 0.50, unit
    duration 3, outbound, initiated by us, correspondence type hard copy by default, on the
    campaign `{code}CP`."""
    from rapport.campaigns.models import Campaign
    from rapport.campaigns.services import campaign_create
    from rapport.interactions import services
    from rapport.interactions.models import InteractionGroup, InteractionTemplate

    template = InteractionTemplate.objects.filter(code=code).first()
    if template is not None:
        return template
    campaign = Campaign.objects.filter(no=f"{code}CP").first() or campaign_create(
        no=f"{code}CP", description=f"Bench campaign {code}"
    )
    group = InteractionGroup.objects.filter(code=code).first() or (
        services.interaction_group_create(code=code, description=f"Bench {code}")
    )
    return services.interaction_template_create(
        code=code,
        group=group,
        description=f"Bench letter {code}",
        unit_cost="0.50",
        unit_duration=3,
        information_flow="outbound",
        initiated_by="us",
        correspondence_type_default="hard_copy",
        campaign=campaign,
    )


def segment_with_lines(no: str, contact_prefix: str, count: int, user: Any) -> Any:
    """A new segment `no` on `bench_template()` with one line for each of the contacts
    `{contact_prefix}0000001` … `{contact_prefix}{count:07d}`, added set-based through
    `segment_add_contacts` (a filter on the contact no. range). Raises when fewer were added."""
    from rapport.segments.services import segment_add_contacts, segment_create

    segment = segment_create(
        actor=user, no=no, description=f"Bench {no}", template=bench_template()
    )
    filters = {"contact": {"no": f"{contact_prefix}0000001..{contact_prefix}{count:07d}"}}
    result = segment_add_contacts(actor=user, segment=segment, filters=filters)
    if result.added != count:
        raise RuntimeError(f"segment {no}: {result.added} lines added, {count} wanted")
    segment.refresh_from_db()
    return segment
