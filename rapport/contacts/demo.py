"""The demo's salutations (English and Dutch, formal and informal, for companies and persons),
loaded by `rapport demo` through the salutation services. Marketing Setup's default company
and person salutation codes point at COMPANY and UNISEX (`DEMO_DEFAULT_SALUTATIONS`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rapport.contacts.models import Salutation
from rapport.contacts.services.salutations import salutation_create


def _formula(language: str, type: str, formula: str, *names: str) -> dict[str, Any]:
    return {
        "language_code": language,
        "type": type,
        "formula": formula,
        **{f"name_{number}": name for number, name in enumerate(names, start=1)},
    }


DEMO_SALUTATIONS: list[tuple[str, str, list[dict[str, Any]]]] = [
    (
        "COMPANY",
        "Company",
        [
            _formula("", "formal", "Dear Sir or Madam,"),
            _formula("", "informal", "Hello %1,", "company_name"),
            _formula("EN", "formal", "Dear Sir or Madam,"),
            _formula("EN", "informal", "Hello %1,", "company_name"),
            _formula("NL", "formal", "Geachte heer, mevrouw,"),
            _formula("NL", "informal", "Beste medewerkers van %1,", "company_name"),
        ],
    ),
    (
        "UNISEX",
        "Person (no gender)",
        [
            _formula("", "formal", "Dear %1 %2 %3,", "first_name", "middle_name", "surname"),
            _formula("", "informal", "Dear %1,", "first_name"),
            _formula("EN", "formal", "Dear %1 %2 %3,", "first_name", "middle_name", "surname"),
            _formula("EN", "informal", "Dear %1,", "first_name"),
            _formula("NL", "formal", "Geachte %1 %2 %3,", "first_name", "middle_name", "surname"),
            _formula("NL", "informal", "Beste %1,", "first_name"),
        ],
    ),
    (
        "M-JOB",
        "Male, with job title",
        [
            _formula("EN", "formal", "Dear Mr %1 %2,", "middle_name", "surname"),
            _formula("EN", "informal", "Dear %1,", "first_name"),
            _formula("NL", "formal", "Geachte heer %1 %2,", "middle_name", "surname"),
            _formula("NL", "informal", "Beste %1,", "first_name"),
        ],
    ),
    (
        "F-JOB",
        "Female, with job title",
        [
            _formula("EN", "formal", "Dear Ms %1 %2,", "middle_name", "surname"),
            _formula("EN", "informal", "Dear %1,", "first_name"),
            _formula("NL", "formal", "Geachte mevrouw %1 %2,", "middle_name", "surname"),
            _formula("NL", "informal", "Beste %1,", "first_name"),
        ],
    ),
]
DEMO_DEFAULT_SALUTATIONS = {"company": "COMPANY", "person": "UNISEX"}


def load_demo_salutations(add: Callable[[str], None]) -> None:
    """Create the demo salutations that do not exist yet."""
    existing = set(Salutation.objects.values_list("code", flat=True))
    for code, description, formulas in DEMO_SALUTATIONS:
        if code not in existing:
            salutation_create(code=code, description=description, formulas=formulas)
            add("salutations")


def demo_name_parts(first: str, last: str) -> dict[str, str]:
    """A demo person's name parts: a Dutch 'tussenvoegsel' ("de" of "de Vries") is the middle
    name, as in NAV's Dutch version."""
    *middle, surname = last.split()
    return {"first_name": first, "middle_name": " ".join(middle), "surname": surname}
