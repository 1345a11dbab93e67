"""Reference data every database starts with: the ISO 3166-1 countries and the common languages,
named in English and in Dutch.

The source is pycountry (the Debian iso-codes data, maintained upstream) and its gettext
catalogues (`pycountry.LOCALES_DIR`, domains `iso3166-1` and `iso639-3`). Codes:

- countries: ISO 3166-1 alpha-2 (NL, BE, GB, ...), as NAV's Country/Region table uses;
- languages: ISO 639-1 in upper case (NL, EN, DE, ...), the codes the demo and the existing
  data use (NAV's Windows codes such as NLD/ENU are not used by Rapport).

Loading only inserts the codes that are missing, set-based: a row that exists (a user's, the
demo's, or one loaded before) keeps its name; only a blank Dutch name is filled in. So loading
twice, or running the demo afterwards, never duplicates or overwrites anything.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

# The common languages: the official languages of the EU and its neighbours, the languages of
# the larger trading partners, and the regional languages of the Low Countries (Frisian,
# Luxembourgish). ISO 639-1 codes.
COMMON_LANGUAGES = [
    "AF",
    "AR",
    "BG",
    "BN",
    "BS",
    "CA",
    "CS",
    "CY",
    "DA",
    "DE",
    "EL",
    "EN",
    "ES",
    "ET",
    "EU",
    "FA",
    "FI",
    "FR",
    "FY",
    "GA",
    "GL",
    "HE",
    "HI",
    "HR",
    "HU",
    "ID",
    "IS",
    "IT",
    "JA",
    "KO",
    "LB",
    "LT",
    "LV",
    "MK",
    "MS",
    "MT",
    "NL",
    "NO",
    "PL",
    "PT",
    "RO",
    "RU",
    "SK",
    "SL",
    "SQ",
    "SR",
    "SV",
    "SW",
    "TH",
    "TL",
    "TR",
    "UK",
    "UR",
    "VI",
    "ZH",
]

# Where the ISO name is a reference form rather than what people call the language, or the
# Dutch catalogue has no translation yet: (English, Dutch).
_LANGUAGE_NAMES = {
    "EL": ("Greek", "Grieks"),
    "FY": ("Frisian", "Fries"),
    "LB": ("Luxembourgish", "Luxemburgs"),
    "MS": ("Malay", "Maleis"),
}
_NAME_LIMIT = 50  # Country.name / Language.name max_length
_QUALIFIER = re.compile(r"\s*\((?:macrolanguage|\d{3,4}-\d*)\)$")


@dataclass(frozen=True)
class ReferenceRow:
    code: str
    name: str
    name_nl: str


def _catalogue(domain: str) -> gettext.NullTranslations:
    import pycountry

    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["nl"], fallback=True)


def _translated(catalogue: gettext.NullTranslations, *names: str | None) -> str:
    """The Dutch name of the first of `names` the catalogue translates (else the first name)."""
    candidates = [name for name in names if name]
    for name in candidates:
        text = catalogue.gettext(name)
        if text != name:
            return text
    return candidates[0]


@cache
def countries() -> tuple[ReferenceRow, ...]:
    """Every ISO 3166-1 country, with its common English name ("South Korea" rather than
    "Korea, Republic of") and the Dutch translation."""
    import pycountry

    dutch = _catalogue("iso3166-1")
    rows = []
    for country in pycountry.countries:
        common = getattr(country, "common_name", None)
        name_nl = _translated(dutch, common, country.name)
        rows.append(
            ReferenceRow(
                code=country.alpha_2,
                name=(common or country.name)[:_NAME_LIMIT],
                name_nl=name_nl[:_NAME_LIMIT],
            )
        )
    return tuple(sorted(rows, key=lambda row: row.code))


@cache
def languages() -> tuple[ReferenceRow, ...]:
    """The common languages with their English and Dutch names ("Greek"/"Grieks")."""
    import pycountry

    dutch = _catalogue("iso639-3")
    rows = []
    for code in COMMON_LANGUAGES:
        language = pycountry.languages.get(alpha_2=code.lower())
        assert language is not None, code  # every code of COMMON_LANGUAGES is in ISO 639
        if code in _LANGUAGE_NAMES:
            name, name_nl = _LANGUAGE_NAMES[code]
        else:
            name = _QUALIFIER.sub("", language.name)  # "Swahili (macrolanguage)" -> Swahili
            name_nl = _QUALIFIER.sub("", _translated(dutch, language.name))
        rows.append(ReferenceRow(code=code, name=name[:_NAME_LIMIT], name_nl=name_nl[:_NAME_LIMIT]))
    return tuple(rows)


def load(model: Any, rows: tuple[ReferenceRow, ...]) -> tuple[int, int]:
    """Insert the rows whose code `model` lacks and fill blank Dutch names of existing rows.
    Returns (inserted, named). `model` may be a migration's historical model."""
    existing = dict(model.objects.values_list("code", "name_nl"))
    missing = [
        model(code=row.code, name=row.name, name_nl=row.name_nl)
        for row in rows
        if row.code not in existing
    ]
    model.objects.bulk_create(missing, batch_size=500)
    to_name = [row for row in rows if row.code in existing and not existing[row.code]]
    named = 0
    if to_name:
        objects = list(model.objects.filter(code__in=[row.code for row in to_name], name_nl=""))
        dutch = {row.code: row.name_nl for row in to_name}
        for obj in objects:
            obj.name_nl = dutch[obj.code]
        named = model.objects.bulk_update(objects, ["name_nl"], batch_size=500)
    return len(missing), named


def load_all(country_model: Any, language_model: Any) -> dict[str, tuple[int, int]]:
    return {
        "countries": load(country_model, countries()),
        "languages": load(language_model, languages()),
    }
