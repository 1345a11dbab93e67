"""The demo company: users, salespeople, number series, salutations, Marketing Setup, the
classification tables, profile questionnaires, and 60 companies with 240 persons in five
countries.

Countries and languages are the reference data the migrations load
(`rapport.contacts.reference_data`); the demo loads whatever of them is missing (a database
emptied by `flush`) and keeps its own data on top.

Everything is created through the same services the UI, API and CLI use (the contacts through
the import operation, which applies `contact_create`'s rules set-based), so the demo data
obeys every rule a user's data does. The contacts are made up from small built-in word lists
(`countries`) with a seeded random generator: every load gives the same demo.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction

from rapport.contacts import reference_data
from rapport.contacts import services as contact_services
from rapport.contacts.demo import (
    DEMO_DEFAULT_SALUTATIONS,
    demo_name_parts,
    load_demo_salutations,
)
from rapport.contacts.importing import contacts_import
from rapport.contacts.models import (
    BusinessRelation,
    Contact,
    Country,
    IndustryGroup,
    JobResponsibility,
    Language,
    MailingGroup,
    ProfileQuestionnaire,
    Salesperson,
    Salutation,
    Territory,
)
from rapport.core import services as core_services
from rapport.core.choices import CorrespondenceType, Role
from rapport.core.models import User
from rapport.demo.countries import (
    COUNTRIES,
    MGMT,
    CountryData,
    company_domain,
    person_email,
    with_capital,
)
from rapport.numbering import services as numbering_services
from rapport.numbering.models import NumberSeries
from rapport.setup import services as setup_services

DEMO_PASSWORD_NOTE = "the password is the user name"  # noqa: S105
DEMO_USERS = [
    ("admin", Role.ADMINISTRATOR, "Ada", "Admin"),
    ("marketing", Role.MARKETING, "Mila", "de Vries"),
    ("sales", Role.SALESPERSON, "Sven", "Janssen"),
    ("viewer", Role.READ_ONLY, "Vera", "Peeters"),
]
DEMO_SALESPEOPLE = [
    ("SJ", "Sven Janssen", "sven.janssen@rapport.example", "sales"),
    ("MV", "Mila de Vries", "mila.devries@rapport.example", "marketing"),
    ("PB", "Pieter Bakker", "pieter.bakker@rapport.example", None),
    ("EW", "Emma Wright", "emma.wright@rapport.example", None),
    ("LK", "Lukas Keller", "lukas.keller@rapport.example", None),
]
DEMO_SERIES = [
    ("CONT", "Contacts", "CT000001", "CT999999", "CT999000"),
    ("SEG", "Segments", "SEG00001", "SEG99999", "SEG99000"),
    ("CAMP", "Campaigns", "CP0001", "CP9999", "CP9900"),
]


@dataclass
class DemoSummary:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, count: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + count

    def line(self) -> str:
        parts = [f"{count} {what}" for what, count in self.created.items()]
        return "Demo data loaded: " + (", ".join(parts) if parts else "nothing new") + "."


DEMO_TERRITORIES = [
    ("NORTH", "North Netherlands"),
    ("SOUTH", "South Netherlands and Belgium"),
    ("EXPORT", "Export: Germany, United Kingdom, United States"),
]
DEMO_CODE_TABLES: list[tuple[type[Any], str, list[tuple[str, str]]]] = [
    (
        MailingGroup,
        "mailing groups",
        [
            ("NEWS", "Newsletter"),
            ("EVENTS", "Event invitations"),
            ("XMAS", "Christmas card"),
        ],
    ),
    (
        IndustryGroup,
        "industry groups",
        [
            ("RETAIL", "Retail"),
            ("MANUF", "Manufacturing"),
            ("IT", "IT and software"),
            ("FOOD", "Food and beverages"),
            ("LOGIST", "Transport and logistics"),
        ],
    ),
    (
        JobResponsibility,
        "job responsibilities",
        [
            ("PURCHASE", "Purchasing"),
            ("IT", "IT"),
            ("MGMT", "Management"),
            ("SALES", "Sales"),
            ("MARKETING", "Marketing"),
        ],
    ),
    (
        BusinessRelation,
        "business relations",
        [
            ("CUST", "Customer"),
            ("PROSPECT", "Prospect"),
            ("VEND", "Vendor"),
            ("PARTNER", "Partner"),
        ],
    ),
]
DEMO_QUESTIONNAIRES = [
    (
        "COMPSIZE",
        "Company size",
        ["1–9 employees", "10–49 employees", "50–249 employees", "250 or more employees"],
    ),
    (
        "CUSTSAT",
        "Customer satisfaction",
        ["Very satisfied", "Satisfied", "Neutral", "Dissatisfied"],
    ),
]
COMPANIES_PER_COUNTRY = 12
PERSONS = 240
SEED = 2026


def demo_loaded() -> bool:
    return User.objects.filter(username="admin").exists()


# --- The steps --------------------------------------------------------------------------------


@dataclass
class _DemoState:
    """What later steps need to know of earlier ones: the contacts as import rows and the
    numbers the companies got."""

    companies: list[dict[str, str]] = field(default_factory=list)
    persons: list[list[dict[str, str]]] = field(default_factory=list)  # per company
    company_nos: list[str] = field(default_factory=list)
    skipped: bool = False  # the database had contacts: none are loaded


def _users(summary: DemoSummary, state: _DemoState) -> None:
    for username, role, first, last in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        user = core_services.user_create(
            username=username, role=role, password=username, validate=False
        )
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
        summary.add("users")


def _reference_data(summary: DemoSummary, state: _DemoState) -> None:
    """The countries and languages (normally loaded by the migrations already)."""
    for what, (inserted, _named) in reference_data.load_all(Country, Language).items():
        if inserted:
            summary.add(what, inserted)


def _salespeople(summary: DemoSummary, state: _DemoState) -> None:
    for code, name, email, linked in DEMO_SALESPEOPLE:
        if not Salesperson.objects.filter(code=code).exists():
            user = User.objects.filter(username=linked).first() if linked else None
            contact_services.salesperson_create(code=code, name=name, email=email, user=user)
            summary.add("salespeople")


def _number_series(summary: DemoSummary, state: _DemoState) -> None:
    for code, description, starting, ending, warning in DEMO_SERIES:
        if not NumberSeries.objects.filter(code=code).exists():
            numbering_services.number_series_create(
                code=code,
                description=description,
                default_nos=True,
                manual_nos=True,
                date_order=False,
                lines=[{"starting_no": starting, "ending_no": ending, "warning_no": warning}],
            )
            summary.add("number series")


def _salutations(summary: DemoSummary, state: _DemoState) -> None:
    load_demo_salutations(summary.add)


def _marketing_setup(summary: DemoSummary, state: _DemoState) -> None:
    salutations = {
        kind: Salutation.objects.get(code=code) for kind, code in DEMO_DEFAULT_SALUTATIONS.items()
    }
    setup_services.marketing_setup_update(
        default_company_salutation=salutations["company"],
        default_person_salutation=salutations["person"],
        contact_nos=NumberSeries.objects.get(code="CONT"),
        segment_nos=NumberSeries.objects.get(code="SEG"),
        campaign_nos=NumberSeries.objects.get(code="CAMP"),
        default_salesperson=Salesperson.objects.get(code="SJ"),
        default_language=Language.objects.get(code="EN"),
        default_correspondence_type=CorrespondenceType.EMAIL,
    )


def _code_rows(
    model: type[Any], what: str, rows: list[tuple[str, str]], summary: DemoSummary
) -> None:
    existing = set(model.objects.values_list("code", flat=True))
    for code, text in rows:
        if code not in existing:
            contact_services.code_table_create(model=model, code=code, description=text)
            summary.add(what)


def _territories(summary: DemoSummary, state: _DemoState) -> None:
    _code_rows(Territory, "territories", DEMO_TERRITORIES, summary)


def _classifications(summary: DemoSummary, state: _DemoState) -> None:
    for model, what, rows in DEMO_CODE_TABLES:
        _code_rows(model, what, rows, summary)


def _questionnaires(summary: DemoSummary, state: _DemoState) -> None:
    for code, description, answers in DEMO_QUESTIONNAIRES:
        if ProfileQuestionnaire.objects.filter(code=code).exists():
            continue
        questionnaire = contact_services.code_table_create(
            model=ProfileQuestionnaire, code=code, description=description
        )
        contact_services.profile_questionnaire_set_answers(
            questionnaire=questionnaire, answers=[{"answer": answer} for answer in answers]
        )
        summary.add("profile questionnaires")


def _companies(summary: DemoSummary, state: _DemoState) -> None:
    if Contact.objects.exists():
        state.skipped = True  # contacts are only loaded into a database without any
        return
    state.companies, state.persons = demo_contacts(random.Random(SEED))
    result = contacts_import(rows=state.companies)
    state.company_nos = result.numbers
    summary.add("companies", result.companies)


def _persons(summary: DemoSummary, state: _DemoState) -> None:
    if state.skipped:
        return
    rows = [
        {**person, "company_no": company_no}
        for company_no, persons in zip(state.company_nos, state.persons, strict=True)
        for person in persons
    ]
    result = contacts_import(rows=rows)
    summary.add("persons", result.persons)


def _profile_answers(summary: DemoSummary, state: _DemoState) -> None:
    """Company size for most companies; customer satisfaction for most customers."""
    if state.skipped:
        return
    rng = random.Random(SEED + 1)
    size, satisfaction = (
        ProfileQuestionnaire.objects.get(code=code) for code, _d, _a in DEMO_QUESTIONNAIRES
    )
    size_lines = list(size.answers.values_list("line_no", flat=True))
    satisfaction_lines = list(satisfaction.answers.values_list("line_no", flat=True))
    companies = Contact.objects.in_bulk(state.company_nos, field_name="no")
    for no, row in zip(state.company_nos, state.companies, strict=True):
        company = companies[no]
        if rng.random() < 0.85:
            line_no = rng.choices(size_lines, weights=[3, 4, 2, 1])[0]
            contact_services.contact_set_profile_answer(
                contact=company, questionnaire=size, line_no=line_no
            )
            summary.add("profile answers")
        if "CUST" in row["business_relation_codes"] and rng.random() < 0.8:
            line_no = rng.choices(satisfaction_lines, weights=[3, 5, 2, 1])[0]
            contact_services.contact_set_profile_answer(
                contact=company, questionnaire=satisfaction, line_no=line_no
            )
            summary.add("profile answers")


def load_interaction_demo(summary: DemoSummary) -> None:
    """The demo's interaction groups and templates (4 groups, about 12 templates: letters,
    e-mails, phone calls and meetings, with costs and durations).

    The interactions app fills this in through its services; it does nothing while
    `rapport.interactions` is not installed."""
    if not apps.is_installed("rapport.interactions"):
        return
    from rapport.interactions.demo import load_demo_interactions

    load_demo_interactions(summary.add)


def _interactions(summary: DemoSummary, state: _DemoState) -> None:
    load_interaction_demo(summary)


_STEPS: list[Callable[[DemoSummary, _DemoState], None]] = [
    _users,
    _reference_data,
    _salespeople,
    _number_series,
    _salutations,
    _marketing_setup,
    _territories,
    _classifications,
    _questionnaires,
    _companies,
    _persons,
    _profile_answers,
    _interactions,
]
DEMO_STEPS = len(_STEPS)


@transaction.atomic
def load_demo(progress=None) -> DemoSummary:  # type: ignore[no-untyped-def]
    """Create the demo records that do not exist yet (safe to run twice). Contacts are only
    loaded into a database that has none. `progress.advance()` is called after each step."""
    summary = DemoSummary()
    state = _DemoState()
    for step in _STEPS:
        step(summary, state)
        if progress is not None:
            progress.advance()
    return summary


# --- The contacts -----------------------------------------------------------------------------


def demo_contacts(
    rng: random.Random,
) -> tuple[list[dict[str, str]], list[list[dict[str, str]]]]:
    """60 companies (12 in each country) as import rows, and for each its persons (240 in
    all, 2 to 7 per company) as import rows without their company no. Persons leave address,
    phone, salesperson, country, territory and language blank: they take their company's."""
    companies: list[dict[str, str]] = []
    countries: list[CountryData] = []
    names: set[str] = set()
    for country in COUNTRIES:
        industries = list(country.companies) * 3
        rng.shuffle(industries)
        for index in range(COMPANIES_PER_COUNTRY):
            companies.append(_company_row(rng, country, industries[index], index, names))
            countries.append(country)

    sizes = [PERSONS // len(companies)] * len(companies)
    for _ in range(len(companies)):
        give, take = rng.randrange(len(sizes)), rng.randrange(len(sizes))
        if sizes[give] > 2 and sizes[take] < 7:
            sizes[give] -= 1
            sizes[take] += 1
    persons = [
        _person_rows(rng, country, company, size)
        for country, company, size in zip(countries, companies, sizes, strict=True)
    ]
    everyone = [person for group in persons for person in group]
    excluded = rng.sample(everyone, 6)
    for person in excluded[:4]:
        person["exclude_from_segment"] = "yes"
    for person in excluded[4:]:
        person["privacy_blocked"] = "yes"
        person["mailing_group_codes"] = ""
    return companies, persons


def _company_row(
    rng: random.Random, country: CountryData, industry: str, index: int, names: set[str]
) -> dict[str, str]:
    while True:
        pattern = rng.choice(country.companies[industry])
        name = pattern.format(Last=with_capital(rng.choice(country.last_names)))
        if name not in names:
            names.add(name)
            break
    city = rng.choice(country.cities)
    industries = [industry]
    if rng.random() < 0.15:
        industries.append(rng.choice([code for code in country.companies if code != industry]))
    draw = rng.random()
    relations = [
        "CUST" if draw < 0.5 else "PROSPECT" if draw < 0.8 else "VEND" if draw < 0.9 else "PARTNER"
    ]
    if relations == ["CUST"] and rng.random() < 0.1:
        relations.append("VEND")
    mailing = []
    if ("CUST" in relations or "PARTNER" in relations) and rng.random() < 0.7:
        mailing.append("XMAS")
    if rng.random() < 0.2:
        mailing.append("EVENTS")
    return {
        "type": "company",
        "name": name,
        "address": country.address(rng),
        "post_code": country.post_code(rng, city),
        "city": city.name,
        "country_code": country.code,
        "territory_code": city.territory,
        "phone_no": country.phone(rng, city),
        "email": f"info@{company_domain(name)}",
        "language_code": country.language,
        "salesperson_code": country.salespeople[index % len(country.salespeople)],
        "correspondence_type": "hard_copy" if rng.random() < 0.1 else "",
        "mailing_group_codes": "|".join(mailing),
        "industry_group_codes": "|".join(industries),
        "business_relation_codes": "|".join(relations),
    }


def _person_rows(
    rng: random.Random, country: CountryData, company: dict[str, str], size: int
) -> list[dict[str, str]]:
    domain = company["email"].split("@", 1)[1]
    others = [code for code in country.job_titles if code != MGMT]
    rows: list[dict[str, str]] = []
    names: set[str] = set()
    for index in range(size):
        while True:
            first, last = rng.choice(country.first_names), rng.choice(country.last_names)
            if (first, last) not in names:
                names.add((first, last))  # type: ignore[arg-type]
                break
        responsibility = MGMT if index == 0 else rng.choice(others)
        responsibilities = [responsibility]
        if rng.random() < 0.1:
            responsibilities.append(rng.choice([code for code in others if code != responsibility]))
        mailing = []
        if rng.random() < 0.6:
            mailing.append("NEWS")
        if rng.random() < 0.25:
            mailing.append("EVENTS")
        rows.append(
            {
                "type": "person",
                "name": f"{first} {last}",
                **demo_name_parts(first, last),
                "job_title": rng.choice(country.job_titles[responsibility]),
                "email": person_email(first, last, domain),
                "mobile_phone_no": country.mobile(rng) if rng.random() < 0.7 else "",
                "correspondence_type": "hard_copy" if rng.random() < 0.05 else "",
                "mailing_group_codes": "|".join(mailing),
                "job_responsibility_codes": "|".join(responsibilities),
            }
        )
    return rows
