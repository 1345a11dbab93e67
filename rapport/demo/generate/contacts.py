"""Generated contacts: a block of numbers drawn from Contact Nos. at once, the companies (every
sixth contact) and the persons (each linked to one of the companies just before it) inserted
with one INSERT … SELECT each, then their classifications.

Values are picked from the word tables (`reference`) by pseudo-random numbers made from the
contact's position (`sql.rand`), so the same seed gives the same contacts. A person takes what
Marketing Setup's inherit flags say from its company and the setup's defaults otherwise, as
`contact_create` does; `search_text` is `contact_search_text` computed in SQL."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from rapport.contacts import services as contact_services
from rapport.contacts.models import Contact
from rapport.core.errors import ConflictError
from rapport.demo.generate import sql
from rapport.demo.generate.reference import World
from rapport.numbering import rules
from rapport.numbering.models import NumberSeries, NumberSeriesLine
from rapport.numbering.services.drawing import lock_lines

PERSONS_PER_COMPANY = 5
EVERY = PERSONS_PER_COMPANY + 1
"""Contact i is a company when i % EVERY == 0, else a person."""

COLUMNS = (
    "no, type, name, company_id, address, address_2, post_code, city, country_id, "
    "territory_id, phone_no, mobile_phone_no, fax_no, email, job_title, salutation_id, "
    "first_name, middle_name, surname, initials, language_id, correspondence_type, "
    "salesperson_id, exclude_from_segment, privacy_blocked, no_series, search_text, "
    "created_at, modified_at"
)


def _literal(text: str) -> str:
    """`text` as an SQL string literal in a statement run with parameters."""
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


@dataclass(frozen=True)
class NumberBlock:
    """`count` numbers drawn at once from one line of a series: prefix + counter + suffix,
    the counter `first + index * increment`, zero-padded to `width`."""

    code: str
    prefix: str
    suffix: str
    first: int
    increment: int
    width: int
    count: int

    def number(self, index: int) -> str:
        digits = str(self.first + index * self.increment).zfill(self.width)
        return f"{self.prefix}{digits}{self.suffix}"

    def value_sql(self, index: str) -> str:
        return f"({self.first} + ({index}) * {self.increment})"

    def sql(self, index: str) -> str:
        digits = sql.pad(self.value_sql(index), self.width)
        return f"{_literal(self.prefix)} || {digits} || {_literal(self.suffix)}"


def draw_numbers(series: NumberSeries, count: int, date: datetime.date) -> NumberBlock:
    """Draw `count` numbers of `series` for `date`, as `count` draws would, from the line a
    draw would use: its last no. used moves to the last of them. Refused (ConflictError,
    nothing drawn) when that line cannot give them all or a contact has one of them."""
    lines = lock_lines(series)
    plan = rules.plan_draw(series, lines, date)
    parts = rules.split_number(plan.number)
    assert parts is not None  # plan_draw gives numbers with a counter
    increment = max(plan.line.increment_by, 1)
    block = NumberBlock(
        series.code, parts.prefix, parts.suffix, parts.value, increment, parts.width, count
    )
    last = block.number(count - 1)
    ending = plan.line.ending_no
    if len(last) > rules.NUMBER_LENGTH or (ending and rules.compare_numbers(last, ending) > 0):
        raise ConflictError(
            _(
                "Number series %(code)s cannot give %(count)s numbers from %(first)s: its line "
                "ends at %(ending)s. Add a line with a wider range, or generate fewer contacts."
            )
            % {"code": series.code, "count": count, "first": plan.number, "ending": ending},
            code="series_used_up",
        )
    _refuse_taken(block, plan.number, last)
    NumberSeriesLine.objects.filter(pk=plan.line.pk).update(
        last_no_used=last,
        last_date_used=date,
        open=rules.line_is_open(ending_no=ending, last_no_used=last),
    )
    return block


def _refuse_taken(block: NumberBlock, first: str, last: str) -> None:
    """A contact typed by hand with a number of the block refuses the draw (numbers of one
    width compare as text)."""
    if len(first) != len(last):
        return
    taken = (
        Contact.objects.filter(no__gte=first, no__lte=last, no__startswith=block.prefix)
        .extra(where=["length(no) = %s"], params=[len(first)])
        .values_list("no", flat=True)
        .first()
    )
    if taken:
        raise ConflictError(
            _(
                "Number series %(code)s would give %(no)s, but a contact with that number exists "
                "already. Correct the series' last no. used."
            )
            % {"code": block.code, "no": taken},
            code="number_taken",
        )


def _params_for(world: World, now: Any) -> dict[str, Any]:
    setup = world.setup
    return {
        "now": Contact._meta.get_field("created_at").get_db_prep_save(now, connection),
        "series": setup.contact_nos.code if setup.contact_nos else "",
        "channel": setup.default_correspondence_type or "",
    }


def insert_companies(block: NumberBlock, world: World, seed: int, now: Any) -> int:
    """The companies: contacts EVERY * c for c = 0, 1, ... below the block's count."""
    companies = (block.count + EVERY - 1) // EVERY
    if companies == 0:
        return 0

    def h(which: int) -> str:
        return sql.rand("r.i", which, seed)

    number = f"({block.value_sql('r.i')})"
    house = f"(1 + {h(3)} %% 180)"
    email = f"'info@' || n.slug || '-' || {number} || '.example'"
    search = (
        f"substr(lower(r.no) || ' ' || n.name_lower || ' ' || p.city_lower || ' ' || {email}"
        " || ' ' || lower(p.post_code), 1, 400)"
    )
    params = _params_for(world, now)
    statement = f"""
        INSERT INTO {sql.table(Contact)} ({COLUMNS})
        {sql.with_keyword()} {sql.numbers()},
        r AS (SELECT {EVERY} * i AS i, {block.sql(f"{EVERY} * i")} AS no FROM seq)
        SELECT r.no, 'company', n.name, NULL,
            CASE WHEN p.house_first THEN {house} || ' ' || s.street
                 ELSE s.street || ' ' || {house} END,
            '', p.post_code, p.city, p.country_id, p.territory_id,
            p.phone_prefix || {sql.pad_to(f"{h(4)} %% p.phone_modulus", "p.phone_digits")},
            '', '', {email}, '', %s, '', '', '', '', p.language_id,
            CASE WHEN {h(5)} %% 10 = 0 THEN 'hard_copy' ELSE %s END,
            sp.id, FALSE, FALSE, %s, {search}, %s, %s
        FROM r
        JOIN gen_place p ON p.k = {h(0)} %% {world.places}
        JOIN gen_cname n ON n.ci = p.ci AND n.k = {h(1)} %% p.n_cname
        JOIN gen_street s ON s.ci = p.ci AND s.k = {h(2)} %% p.n_street
        JOIN gen_sp sp ON sp.k = {h(6)} %% {world.salespeople}
    """  # noqa: S608
    setup = world.setup
    return sql.execute(
        statement,
        [
            companies,
            setup.default_company_salutation_id,
            params["channel"],
            params["series"],
            params["now"],
            params["now"],
        ],
    )


def _inherited(world: World) -> dict[str, str]:
    """The SQL of each field a person may inherit: the company's (`co.`) when Marketing
    Setup's flag says so, else the setup's default or blank."""
    setup = world.setup
    inherited = set(contact_services.inherited_fields(setup))
    defaults = {
        "salesperson": str(setup.default_salesperson_id or "NULL"),
        "language": str(setup.default_language_id or "NULL"),
        "territory": "NULL",
        "country": "NULL",
    }
    result = {}
    for name in ("address", "address_2", "post_code", "city", "phone_no", "fax_no"):
        result[name] = f"co.{name}" if name in inherited else "''"
    for name, default in defaults.items():
        result[name] = f"co.{name}_id" if name in inherited else default
    return result


def insert_persons(block: NumberBlock, world: World, seed: int, now: Any) -> int:
    """The persons: the contacts that are not companies, each with the company 0-2 companies
    before its own block of EVERY contacts."""
    companies = (block.count + EVERY - 1) // EVERY
    persons = block.count - companies
    if persons == 0:
        return 0

    def h(which: int) -> str:
        return sql.rand("r.i", which, seed + 1)

    field = _inherited(world)
    email = (
        f"CASE WHEN {h(3)} %% 100 < 85 THEN pn.local_part || '@' || substr(co.email, 6) ELSE '' END"
    )
    search = (
        f"substr(lower(r.no) || ' ' || pn.name_lower"
        f" || CASE WHEN {field['city']} <> '' THEN ' ' || lower({field['city']}) ELSE '' END"
        f" || CASE WHEN ({email}) <> '' THEN ' ' || ({email}) ELSE '' END"
        f" || CASE WHEN {field['post_code']} <> '' THEN ' ' || lower({field['post_code']})"
        " ELSE '' END, 1, 400)"
    )
    mobile = sql.pad_to(f"{h(5)} %% gc.mobile_modulus", "gc.mobile_digits")
    params = _params_for(world, now)
    statement = f"""
        INSERT INTO {sql.table(Contact)} ({COLUMNS})
        {sql.with_keyword()} {sql.numbers()},
        q AS (SELECT i + i / {PERSONS_PER_COMPANY} + 1 AS i FROM seq),
        r AS (
            SELECT i, {block.sql("i")} AS no,
                CASE WHEN i / {EVERY} < {sql.rand("i", 0, seed + 1)} %% 3 THEN 0
                     ELSE i / {EVERY} - {sql.rand("i", 0, seed + 1)} %% 3 END AS company
            FROM q
        )
        SELECT r.no, 'person', pn.name, co.id, {field["address"]}, {field["address_2"]},
            {field["post_code"]}, {field["city"]}, {field["country"]}, {field["territory"]},
            {field["phone_no"]},
            CASE WHEN {h(4)} %% 10 < 7 THEN gc.mobile_prefix || {mobile} ELSE '' END,
            {field["fax_no"]}, {email}, jt.title, %s, pn.first_name, pn.middle_name,
            pn.surname, '', {field["language"]},
            CASE WHEN {h(6)} %% 20 = 0 THEN 'hard_copy' ELSE %s END,
            {field["salesperson"]}, {h(7)} %% 100 = 0, {h(7)} %% 200 = 1, %s, {search}, %s, %s
        FROM r
        JOIN {sql.table(Contact)} co ON co.no = {block.sql(f"{EVERY} * r.company")}
        JOIN gen_country gc ON gc.country_id = co.country_id
        JOIN gen_pname pn ON pn.ci = gc.ci AND pn.k = {h(1)} %% gc.n_pname
        JOIN gen_jobtitle jt ON jt.ci = gc.ci AND jt.k = {h(2)} %% gc.n_job
    """  # noqa: S608
    return sql.execute(
        statement,
        [
            persons,
            world.setup.default_person_salutation_id,
            params["channel"],
            params["series"],
            params["now"],
            params["now"],
        ],
    )


# --- Classifications ---------------------------------------------------------------------------

# (relation, code list, contact type, share in %, second code's share in %)
LINKS = [
    ("mailing_groups", "mailing", "company", 30, 0),
    ("mailing_groups", "mailing", "person", 60, 25),
    ("industry_groups", "industry", "company", 100, 15),
    ("business_relations", "relation", "company", 100, 10),
    ("job_responsibilities", "job", "person", 0, 10),
]


def insert_links(world: World, first_id: int, seed: int, now: Any, new_contacts: int) -> int:
    """The classifications of the contacts inserted after `first_id` at `now`: mailing groups
    (companies and persons), industry groups and business relations (companies), job
    responsibilities (persons: the one of their job title, sometimes a second). Each link
    table is loaded as `sql.indexes_rebuilt` says."""
    stamp = _params_for(world, now)["now"]
    total = 0
    for relation in dict.fromkeys(link[0] for link in LINKS):
        through = Contact._meta.get_field(relation).remote_field.through  # type: ignore[union-attr]
        with sql.indexes_rebuilt(through, new_contacts):
            for which, link in enumerate(LINKS):
                if link[0] == relation:
                    total += _insert_link(world, which, link, first_id, seed, stamp)
    return total


def _insert_link(
    world: World, which: int, link: tuple, first_id: int, seed: int, stamp: Any
) -> int:
    relation, codes, kind, share, second = link
    count = world.codes.get(codes, 0)
    if count == 0:
        return 0
    field: Any = Contact._meta.get_field(relation)
    through = connection.ops.quote_name(field.remote_field.through._meta.db_table)
    insert = f"INSERT INTO {through} ({field.m2m_column_name()}, {field.m2m_reverse_name()})"
    source = f"FROM {sql.table(Contact)} c JOIN gen_code g ON g.list = '{codes}'"
    where = f"WHERE c.id > %s AND c.created_at = %s AND c.type = '{kind}'"
    first = f"{sql.rand('c.id', which, seed)} %% {count}"
    chosen = f"{sql.rand('c.id', which + 1, seed)} %% 100"
    again = f"{sql.rand('c.id', which + 2, seed)} %% 100 < {second}"
    params = [first_id, stamp]
    if codes == "job":
        job = "JOIN gen_jobcode j ON j.title = c.job_title"
        return sql.execute(
            f"{insert} SELECT c.id, j.responsibility_id FROM {sql.table(Contact)} c {job} "  # noqa: S608
            f"{where} AND j.responsibility_id IS NOT NULL",
            params,
        ) + sql.execute(
            f"{insert} SELECT c.id, g.id {source} AND g.k = {first} {job} "
            f"{where} AND {again} AND g.id <> j.responsibility_id",
            params,
        )
    made = sql.execute(
        f"{insert} SELECT c.id, g.id {source} AND g.k = {first} {where} AND {chosen} < {share}",
        params,
    )
    if second and count > 1:
        step = f"(1 + {sql.rand('c.id', which + 3, seed)} %% {count - 1})"
        made += sql.execute(
            f"{insert} SELECT c.id, g.id {source} AND g.k = ({first} + {step}) %% {count} "
            f"{where} AND {chosen} < {share} AND {again}",
            params,
        )
    return made
