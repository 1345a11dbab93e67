"""What generated contacts and interactions are made of: the setup rows they need (made through
the services when missing, the existing ones reused) and the small word tables, loaded into
temporary tables, that the set-based statements pick their values from."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from rapport.campaigns.models import Campaign
from rapport.campaigns.services import campaign_create
from rapport.contacts import services as contact_services
from rapport.contacts.models import (
    BusinessRelation,
    Country,
    IndustryGroup,
    JobResponsibility,
    Language,
    MailingGroup,
    Salesperson,
    Territory,
)
from rapport.core.errors import DomainError
from rapport.demo.countries import COUNTRIES, CountryData, ascii_slug, with_capital
from rapport.demo.data import DEMO_CODE_TABLES, DEMO_SALESPEOPLE, DEMO_TERRITORIES
from rapport.demo.generate import sql
from rapport.interactions import services as interaction_services
from rapport.interactions.demo import GROUPS, TEMPLATES
from rapport.interactions.models import InteractionGroup, InteractionTemplate
from rapport.numbering import services as numbering_services
from rapport.numbering.models import NumberSeries
from rapport.setup import services as setup_services
from rapport.setup.selectors import marketing_setup_get

# Series made when Marketing Setup has none: wide enough for ten million contacts.
SERIES = {
    "contact_nos": ("CONT", "Contacts", "CT0000001", "CT9999999", "CT9990000"),
    "segment_nos": ("SEG", "Segments", "SEG00001", "SEG99999", "SEG99000"),
    "campaign_nos": ("CAMP", "Campaigns", "CP0001", "CP9999", "CP9900"),
}
# Salespeople made when there are none: the demo's five and seven more.
MORE_SALESPEOPLE = [
    ("AB", "Anna Bos"),
    ("TH", "Tom Hughes"),
    ("JM", "Julia Meyer"),
    ("RD", "Ruben Dubois"),
    ("KS", "Kate Smith"),
    ("NP", "Noah Peters"),
    ("LW", "Lotte Willems"),
]
PLACES_PER_CITY = 24
# Phone numbers: (text before the digits, number of digits) per country; the United Kingdom
# and the United States keep to their ranges for fiction, as the demo does.
PHONES = {
    "NL": ("+31 {area} ", 7),
    "BE": ("+32 {area} ", 6),
    "GB": ("+44 {area} 0", 3),
    "DE": ("+49 {area} ", 7),
    "US": ("+1 {area} 555 01", 2),
}
MOBILES = {
    "NL": ("+31 6 ", 8),
    "BE": ("+32 47", 7),
    "GB": ("+44 7700 900", 3),
    "DE": ("+49 15", 9),
    "US": ("+1 212 555 01", 2),
}
TEMP_TABLES = (
    "gen_place",
    "gen_street",
    "gen_cname",
    "gen_pname",
    "gen_country",
    "gen_jobtitle",
    "gen_sp",
    "gen_code",
)
Say = Callable[[str], None]


@dataclass
class World:
    """What the statements need besides the word tables: counts of the temporary tables'
    rows and the setup's defaults."""

    places: int = 0
    salespeople: int = 0
    codes: dict[str, int] = field(default_factory=dict)
    setup: Any = None


def ensure_series(setup_field: str, say: Say) -> NumberSeries:
    """Marketing Setup's series `setup_field`; when it has none, the series of `SERIES` (made
    when missing) is made the setup's."""
    setup = marketing_setup_get()
    current = getattr(setup, setup_field)
    if current is not None:
        return current  # type: ignore[no-any-return]
    code, description, starting, ending, warning = SERIES[setup_field]
    series = NumberSeries.objects.filter(code=code).first()
    if series is None:
        series = numbering_services.number_series_create(
            code=code,
            description=description,
            default_nos=True,
            manual_nos=True,
            date_order=False,
            lines=[{"starting_no": starting, "ending_no": ending, "warning_no": warning}],
        )
        say(_("Number series %(code)s created.") % {"code": code})
    setup_services.marketing_setup_update(**{setup_field: series})
    return series


def ensure_salespeople(say: Say) -> None:
    if Salesperson.objects.exists():
        return
    people = [(code, name, email) for code, name, email, _user in DEMO_SALESPEOPLE]
    people += [(code, name, "") for code, name in MORE_SALESPEOPLE]
    for code, name, email in people:
        contact_services.salesperson_create(code=code, name=name, email=email)
    say(_("%(count)s salespeople created.") % {"count": len(people)})


def ensure_classifications(say: Say) -> None:
    """The demo's territories, mailing groups, industry groups, job responsibilities and
    business relations, for each of those tables that is empty."""
    tables: list[tuple[Any, str, list[tuple[str, str]]]] = [
        (Territory, "territories", DEMO_TERRITORIES),
        *DEMO_CODE_TABLES,
    ]
    for model, _what, rows in tables:
        if model.objects.exists():
            continue
        for code, description in rows:
            contact_services.code_table_create(model=model, code=code, description=description)
        say(
            _("%(count)s rows created in %(table)s.")
            % {"count": len(rows), "table": model._meta.verbose_name_plural}
        )


def ensure_templates(say: Say) -> None:
    """The demo's interaction groups and templates (without language rows) when there are no
    templates."""
    if InteractionTemplate.objects.exists():
        return
    for code, description in GROUPS:
        if not InteractionGroup.objects.filter(code=code).exists():
            interaction_services.interaction_group_create(code=code, description=description)
    for code, group, description, cost, duration, flow, initiated_by, channel in TEMPLATES:
        interaction_services.interaction_template_create(
            code=code,
            group=group,
            description=description,
            unit_cost=Decimal(cost),
            unit_duration=duration,
            information_flow=flow,
            initiated_by=initiated_by,
            correspondence_type_default=channel,
            ignore_contact_corres_type=not channel,
        )
    say(_("%(count)s interaction templates created.") % {"count": len(TEMPLATES)})


def ensure_campaigns(first_day: datetime.date, last_day: datetime.date, say: Say) -> None:
    """Two campaigns a year over the generated period (spring and autumn) when there are no
    campaigns; none when Campaign Nos. cannot give numbers."""
    if Campaign.objects.exists():
        return
    ensure_series("campaign_nos", say)
    made = 0
    for year in range(first_day.year, last_day.year + 1):
        for name, start, end in (
            ("Spring", datetime.date(year, 3, 1), datetime.date(year, 4, 30)),
            ("Autumn", datetime.date(year, 9, 15), datetime.date(year, 11, 15)),
        ):
            if end < first_day or start > last_day:
                continue
            try:
                campaign_create(
                    description=f"{name} campaign {year}",
                    starting_date=start,
                    ending_date=end,
                    work_date=last_day,
                )
            except DomainError as error:
                say(error.message)
                return
            made += 1
    say(_("%(count)s campaigns created.") % {"count": made})


# --- The word tables ---------------------------------------------------------------------------


def _ids(model: type[Any]) -> dict[str, int]:
    return dict(model.objects.values_list("code", "id"))


def _countries() -> list[tuple[int, CountryData, int, int | None]]:
    """(index, country data, country id, language id) of the demo countries that exist."""
    country_ids, language_ids = _ids(Country), _ids(Language)
    found: list[tuple[int, CountryData, int, int | None]] = []
    for country in COUNTRIES:
        if country.code in country_ids:
            found.append(
                (len(found), country, country_ids[country.code], language_ids.get(country.language))
            )
    return found


WORD_TABLES = {
    "gen_place": "k INTEGER PRIMARY KEY, ci INTEGER, country_id BIGINT, language_id BIGINT, "
    "territory_id BIGINT, city VARCHAR(30), city_lower VARCHAR(30), post_code VARCHAR(20), "
    "phone_prefix VARCHAR(30), phone_modulus BIGINT, phone_digits INTEGER, "
    "house_first BOOLEAN, n_street BIGINT, n_cname BIGINT",
    "gen_street": "ci INTEGER, k BIGINT, street VARCHAR(100), PRIMARY KEY (ci, k)",
    "gen_cname": "ci INTEGER, k BIGINT, name VARCHAR(100), name_lower VARCHAR(100), "
    "slug VARCHAR(60), industry_id BIGINT, PRIMARY KEY (ci, k)",
    "gen_pname": "ci INTEGER, k BIGINT, name VARCHAR(100), name_lower VARCHAR(100), "
    "first_name VARCHAR(30), middle_name VARCHAR(30), surname VARCHAR(30), "
    "local_part VARCHAR(60), PRIMARY KEY (ci, k)",
    "gen_country": "country_id BIGINT PRIMARY KEY, ci INTEGER, n_pname BIGINT, n_job BIGINT, "
    "mobile_prefix VARCHAR(30), mobile_modulus BIGINT, mobile_digits INTEGER",
    "gen_jobtitle": "ci INTEGER, k BIGINT, title VARCHAR(30), PRIMARY KEY (ci, k)",
    "gen_jobcode": "title VARCHAR(30) PRIMARY KEY, responsibility_id BIGINT",
}


def load_word_tables(seed: int) -> World:
    """Fill the temporary tables the contact statements read (see TEMP_TABLES)."""
    countries = _countries()
    if not countries:
        raise DomainError(_("None of the demo's countries (NL, BE, GB, DE, US) exists."))
    rows = _word_rows(random.Random(seed), countries)
    world = World(setup=marketing_setup_get())
    for name, columns in WORD_TABLES.items():
        sql.temp_table(name, columns, rows[name])
    world.places = len(rows["gen_place"])
    world.salespeople = sql.temp_table(
        "gen_sp",
        "k INTEGER PRIMARY KEY, id BIGINT",
        enumerate(Salesperson.objects.order_by("code").values_list("id", flat=True)),
    )
    world.codes = _load_codes()
    return world


def _word_rows(rng: random.Random, countries: list[tuple]) -> dict[str, list]:
    """The rows of each table of WORD_TABLES, from the demo's word lists."""
    territory_ids = _ids(Territory)
    industry_ids, job_ids = _ids(IndustryGroup), _ids(JobResponsibility)
    rows: dict[str, list] = {name: [] for name in WORD_TABLES}
    titles: dict[str, int | None] = {}
    for ci, country, country_id, language_id in countries:
        rows["gen_street"] += [(ci, k, street) for k, street in enumerate(country.streets)]
        company_names = _company_names(country, industry_ids)
        rows["gen_cname"] += [(ci, k, *row) for k, row in enumerate(company_names)]
        person_names = _person_names(country)
        rows["gen_pname"] += [(ci, k, *row) for k, row in enumerate(person_names)]
        jobs = [
            (title, job_ids.get(code))
            for code, items in country.job_titles.items()
            for title in items
        ]
        rows["gen_jobtitle"] += [(ci, k, title) for k, (title, _id) in enumerate(jobs)]
        for title, job_id in jobs:
            titles.setdefault(title, job_id)
        mobile, digits = MOBILES.get(country.code, ("+", 9))
        rows["gen_country"].append(
            (country_id, ci, len(person_names), len(jobs), mobile, 10**digits, digits)
        )
        phone, digits = PHONES.get(country.code, ("+{area} ", 7))
        for city in country.cities:
            for _copy in range(PLACES_PER_CITY):
                place = (territory_ids.get(city.territory), city.name, city.name.lower())
                rows["gen_place"].append(
                    (
                        len(rows["gen_place"]),
                        ci,
                        country_id,
                        language_id,
                        *place,
                        country.post_code(rng, city),
                        phone.format(area=city.dialling),
                        10**digits,
                        digits,
                        country.house_number_first,
                        len(country.streets),
                        len(company_names),
                    )
                )
    rows["gen_jobcode"] = list(titles.items())
    return rows


def _company_names(country: CountryData, industry_ids: dict[str, int]) -> list[tuple]:
    rows = []
    for industry, patterns in country.companies.items():
        for pattern in patterns:
            for last in country.last_names:
                name = pattern.format(Last=with_capital(last))
                rows.append((name, name.lower(), ascii_slug(last), industry_ids.get(industry)))
    return rows


def _person_names(country: CountryData) -> list[tuple]:
    rows = []
    for first in country.first_names:
        for last in country.last_names:
            *middle, surname = last.split()
            name = f"{first} {last}"
            local = f"{ascii_slug(first, '')}.{ascii_slug(last, '')}"
            rows.append((name, name.lower(), first, " ".join(middle), surname, local))
    return rows


CODE_MODELS: dict[str, Any] = {
    "mailing": MailingGroup,
    "industry": IndustryGroup,
    "relation": BusinessRelation,
    "job": JobResponsibility,
}


def _load_codes() -> dict[str, int]:
    rows: list[tuple[str, int, int]] = []
    counts: dict[str, int] = {}
    for name, model in CODE_MODELS.items():
        ids = list(model.objects.order_by("code").values_list("id", flat=True))
        counts[name] = len(ids)
        rows += [(name, k, id_) for k, id_ in enumerate(ids)]
    sql.temp_table("gen_code", "list VARCHAR(10), k BIGINT, id BIGINT, PRIMARY KEY (list, k)", rows)
    return counts


def drop_word_tables() -> None:
    sql.drop_temp_tables([*TEMP_TABLES, "gen_jobcode"])
