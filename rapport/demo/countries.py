"""Word lists for the demo contacts: per country its cities (with post codes, dialling codes
and sales territory), streets, first and last names, company name patterns and job titles.

Small built-in lists on purpose: the demo runs on production installs, which have no Faker.
Phone numbers use the ranges set aside for fiction where a country has one (UK 020 7946 0xxx
and 07700 900xxx, US 555-01xx); e-mail addresses end in `.example` (RFC 2606), so the demo can
never mail anyone.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

# Industry group codes (see data.INDUSTRY_GROUPS) and job responsibility codes
# (data.JOB_RESPONSIBILITIES) used below.
RETAIL, MANUF, IT, FOOD, LOGIST = "RETAIL", "MANUF", "IT", "FOOD", "LOGIST"
PURCHASE, MGMT, SALES, MARKETING = "PURCHASE", "MGMT", "SALES", "MARKETING"


@dataclass(frozen=True)
class City:
    name: str
    post_code: str  # the first post code of the city; a few are counted up from it
    dialling: str  # the area code after the country code
    territory: str


@dataclass(frozen=True)
class CountryData:
    code: str  # a country the migrations load (rapport.contacts.reference_data)
    language: str
    salespeople: tuple[str, ...]
    cities: tuple[City, ...]
    streets: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    companies: Mapping[str, tuple[str, ...]]  # industry group -> name patterns ({Last})
    job_titles: Mapping[str, tuple[str, ...]]  # job responsibility -> titles
    house_number_first: bool = False  # "12 High Street" rather than "Kerkstraat 12"

    def address(self, rng: random.Random) -> str:
        street, number = rng.choice(self.streets), rng.randint(1, 180)
        return f"{number} {street}" if self.house_number_first else f"{street} {number}"

    def post_code(self, rng: random.Random, city: City) -> str:
        return POST_CODES[self.code](rng, city.post_code)

    def phone(self, rng: random.Random, city: City) -> str:
        return PHONES[self.code](rng, city.dialling)

    def mobile(self, rng: random.Random) -> str:
        return MOBILES[self.code](rng)


def _nl_post_code(rng: random.Random, first: str) -> str:
    letters = "ABCDEGHJKLMNPRTVWXZ"
    return f"{int(first) + rng.randint(0, 40)} {rng.choice(letters)}{rng.choice(letters)}"


def _be_post_code(rng: random.Random, first: str) -> str:
    return first


def _gb_post_code(rng: random.Random, first: str) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{first} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _five_digits(rng: random.Random, first: str) -> str:
    return f"{int(first) + rng.randint(0, 30):05d}"


POST_CODES = {
    "NL": _nl_post_code,
    "BE": _be_post_code,
    "GB": _gb_post_code,
    "DE": _five_digits,
    "US": _five_digits,
}


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(count))


PHONES = {
    "NL": lambda rng, area: (
        f"+31 {area} {_digits(rng, 3)} {_digits(rng, 4)}"
        if len(area) == 2
        else f"+31 {area} {_digits(rng, 3)} {_digits(rng, 3)}"
    ),
    "BE": lambda rng, area: f"+32 {area} {_digits(rng, 3)} {_digits(rng, 2)} {_digits(rng, 2)}",
    "GB": lambda rng, area: f"+44 {area} 0{_digits(rng, 3)}",
    "DE": lambda rng, area: f"+49 {area} {_digits(rng, 4)} {_digits(rng, 3)}",
    "US": lambda rng, area: f"+1 {area} 555 01{_digits(rng, 2)}",
}
MOBILES = {
    "NL": lambda rng: f"+31 6 {_digits(rng, 4)} {_digits(rng, 4)}",
    "BE": lambda rng: (
        f"+32 47{rng.randint(0, 9)} {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)}"
    ),
    "GB": lambda rng: f"+44 7700 900{_digits(rng, 3)}",
    "DE": lambda rng: f"+49 15{rng.randint(1, 7)} {_digits(rng, 4)} {_digits(rng, 4)}",
    "US": lambda rng: f"+1 {rng.choice(['212', '312', '617'])} 555 01{_digits(rng, 2)}",
}

_DUTCH_TITLES = {
    PURCHASE: ("Inkoper", "Hoofd Inkoop"),
    IT: ("ICT-manager", "Systeembeheerder"),
    MGMT: ("Directeur", "Algemeen directeur"),
    SALES: ("Accountmanager", "Verkoopleider"),
    MARKETING: ("Marketingmanager", "Communicatieadviseur"),
}
_ENGLISH_TITLES = {
    PURCHASE: ("Purchasing Manager", "Buyer"),
    IT: ("IT Manager", "Systems Administrator"),
    MGMT: ("Managing Director", "Chief Executive Officer"),
    SALES: ("Sales Manager", "Account Manager"),
    MARKETING: ("Marketing Manager", "Head of Marketing"),
}

COUNTRIES: tuple[CountryData, ...] = (
    CountryData(
        code="NL",
        language="NL",
        salespeople=("SJ", "MV", "PB"),
        cities=(
            City("Amsterdam", "1012", "20", "NORTH"),
            City("Utrecht", "3511", "30", "NORTH"),
            City("Groningen", "9711", "50", "NORTH"),
            City("Zwolle", "8011", "38", "NORTH"),
            City("Rotterdam", "3011", "10", "SOUTH"),
            City("Eindhoven", "5611", "40", "SOUTH"),
            City("Breda", "4811", "76", "SOUTH"),
        ),
        streets=(
            "Keizersgracht",
            "Stationsweg",
            "Kerkstraat",
            "Industrieweg",
            "Marktplein",
            "Havenstraat",
            "Oudegracht",
            "Molenweg",
            "Parallelweg",
            "Zuidersingel",
        ),
        first_names=(
            "Jan",
            "Pieter",
            "Sanne",
            "Lotte",
            "Daan",
            "Emma",
            "Bram",
            "Fleur",
            "Thijs",
            "Anouk",
            "Joost",
            "Marloes",
            "Ruud",
            "Ingrid",
            "Koen",
            "Eva",
            "Wouter",
            "Linda",
        ),
        last_names=(
            "de Vries",
            "Jansen",
            "van Dijk",
            "Bakker",
            "Visser",
            "Smit",
            "Meijer",
            "de Boer",
            "Mulder",
            "de Groot",
            "Bos",
            "Vos",
            "Hendriks",
            "van Leeuwen",
            "Dekker",
            "Brouwer",
            "de Wit",
            "Dijkstra",
            "Kok",
            "Prins",
            "Huisman",
            "Kuipers",
            "Vermeer",
            "Postma",
        ),
        companies={
            RETAIL: ("{Last} Woonwinkels B.V.", "Drogisterij {Last}", "{Last} Mode B.V."),
            MANUF: ("{Last} Metaalbewerking B.V.", "{Last} Installatietechniek B.V."),
            IT: ("{Last} ICT B.V.", "{Last} Software B.V."),
            FOOD: ("Bakkerij {Last}", "Kaashandel {Last} B.V."),
            LOGIST: ("{Last} Transport B.V.", "{Last} Logistiek B.V."),
        },
        job_titles=_DUTCH_TITLES,
    ),
    CountryData(
        code="BE",
        language="NL",
        salespeople=("PB", "MV"),
        cities=(
            City("Antwerpen", "2000", "3", "SOUTH"),
            City("Gent", "9000", "9", "SOUTH"),
            City("Brussel", "1000", "2", "SOUTH"),
            City("Leuven", "3000", "16", "SOUTH"),
            City("Brugge", "8000", "50", "SOUTH"),
            City("Mechelen", "2800", "15", "SOUTH"),
            City("Hasselt", "3500", "11", "SOUTH"),
        ),
        streets=(
            "Meir",
            "Veldstraat",
            "Kerkstraat",
            "Stationsstraat",
            "Grote Markt",
            "Nieuwstraat",
            "Bondgenotenlaan",
            "Kortrijksesteenweg",
            "Leopoldlaan",
        ),
        first_names=(
            "Lucas",
            "Noor",
            "Wout",
            "Lien",
            "Arne",
            "Elke",
            "Jens",
            "Sofie",
            "Hanne",
            "Bart",
            "Katrien",
            "Tom",
            "Stijn",
            "Ellen",
            "Pieter-Jan",
            "An",
        ),
        last_names=(
            "Peeters",
            "Janssens",
            "Maes",
            "Jacobs",
            "Mertens",
            "Willems",
            "Claes",
            "Goossens",
            "Wouters",
            "De Smet",
            "Lambrechts",
            "Vermeulen",
            "Hermans",
            "Van den Bossche",
        ),
        companies={
            RETAIL: ("Modehuis {Last}", "{Last} Interieur BV"),
            MANUF: ("{Last} Staalbouw NV", "{Last} Machinebouw NV"),
            IT: ("{Last} IT Solutions BV", "{Last} Digital BV"),
            FOOD: ("Brouwerij {Last}", "Chocolaterie {Last}"),
            LOGIST: ("{Last} Logistics NV", "Transport {Last} NV"),
        },
        job_titles=_DUTCH_TITLES,
    ),
    CountryData(
        code="GB",
        language="EN",
        salespeople=("EW",),
        cities=(
            City("London", "EC1A", "20 7946", "EXPORT"),
            City("Manchester", "M1", "161 496", "EXPORT"),
            City("Birmingham", "B2", "121 496", "EXPORT"),
            City("Leeds", "LS1", "113 496", "EXPORT"),
            City("Bristol", "BS1", "117 496", "EXPORT"),
            City("Glasgow", "G1", "141 496", "EXPORT"),
            City("Edinburgh", "EH1", "131 496", "EXPORT"),
        ),
        streets=(
            "High Street",
            "Station Road",
            "Church Lane",
            "King Street",
            "Victoria Road",
            "Market Street",
            "Queen Street",
            "Mill Lane",
        ),
        first_names=(
            "Oliver",
            "Amelia",
            "Harry",
            "Isla",
            "George",
            "Ava",
            "Jack",
            "Emily",
            "Charlie",
            "Sophie",
            "Thomas",
            "Grace",
            "James",
            "Chloe",
            "William",
            "Lucy",
        ),
        last_names=(
            "Smith",
            "Jones",
            "Taylor",
            "Brown",
            "Williams",
            "Wilson",
            "Johnson",
            "Davies",
            "Robinson",
            "Wright",
            "Thompson",
            "Evans",
            "Walker",
            "Roberts",
        ),
        companies={
            RETAIL: ("{Last} Retail Group plc", "{Last} Home Stores Ltd"),
            MANUF: ("{Last} & Sons Ltd", "{Last} Engineering Ltd"),
            IT: ("{Last} Digital Ltd", "{Last} Systems Ltd"),
            FOOD: ("{Last} Foods Ltd", "{Last} Bakery Ltd"),
            LOGIST: ("{Last} Logistics Ltd", "{Last} Freight Ltd"),
        },
        job_titles=_ENGLISH_TITLES,
        house_number_first=True,
    ),
    CountryData(
        code="DE",
        language="DE",
        salespeople=("LK",),
        cities=(
            City("Berlin", "10115", "30", "EXPORT"),
            City("Hamburg", "20095", "40", "EXPORT"),
            City("München", "80331", "89", "EXPORT"),
            City("Köln", "50667", "221", "EXPORT"),
            City("Frankfurt am Main", "60311", "69", "EXPORT"),
            City("Düsseldorf", "40210", "211", "EXPORT"),
            City("Stuttgart", "70173", "711", "EXPORT"),
        ),
        streets=(
            "Hauptstraße",
            "Bahnhofstraße",
            "Schillerstraße",
            "Goethestraße",
            "Gartenstraße",
            "Lindenallee",
            "Industriestraße",
            "Am Markt",
        ),
        first_names=(
            "Lukas",
            "Anna",
            "Felix",
            "Marie",
            "Jonas",
            "Lena",
            "Maximilian",
            "Laura",
            "Paul",
            "Julia",
            "Tobias",
            "Katharina",
            "Stefan",
            "Sabine",
        ),
        last_names=(
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Meyer",
            "Wagner",
            "Becker",
            "Schulz",
            "Hoffmann",
            "Koch",
            "Richter",
            "Klein",
            "Neumann",
        ),
        companies={
            RETAIL: ("{Last} Handels GmbH", "Kaufhaus {Last} GmbH"),
            MANUF: ("{Last} Maschinenbau GmbH", "{Last} Metallwerk GmbH"),
            IT: ("{Last} Software GmbH", "{Last} IT-Systeme GmbH"),
            FOOD: ("Bäckerei {Last}", "{Last} Feinkost GmbH"),
            LOGIST: ("{Last} Logistik GmbH", "Spedition {Last} GmbH"),
        },
        job_titles={
            PURCHASE: ("Leiter Einkauf", "Einkäufer"),
            IT: ("IT-Leiter", "Systemadministrator"),
            MGMT: ("Geschäftsführer", "Geschäftsführerin"),
            SALES: ("Vertriebsleiter", "Key Account Manager"),
            MARKETING: ("Marketingleiter", "Marketing Manager"),
        },
    ),
    CountryData(
        code="US",
        language="EN",
        salespeople=("EW", "SJ"),
        cities=(
            City("New York, NY", "10001", "212", "EXPORT"),
            City("Chicago, IL", "60601", "312", "EXPORT"),
            City("Boston, MA", "02108", "617", "EXPORT"),
            City("Seattle, WA", "98101", "206", "EXPORT"),
            City("Austin, TX", "78701", "512", "EXPORT"),
            City("Denver, CO", "80202", "303", "EXPORT"),
            City("Atlanta, GA", "30303", "404", "EXPORT"),
        ),
        streets=(
            "Main Street",
            "Oak Avenue",
            "Maple Drive",
            "Park Avenue",
            "Elm Street",
            "Washington Boulevard",
            "Lake Street",
            "Pine Road",
        ),
        first_names=(
            "Michael",
            "Jennifer",
            "David",
            "Jessica",
            "Chris",
            "Ashley",
            "Matthew",
            "Sarah",
            "Daniel",
            "Emily",
            "Ryan",
            "Megan",
            "Kevin",
            "Rachel",
        ),
        last_names=(
            "Miller",
            "Davis",
            "Garcia",
            "Rodriguez",
            "Martinez",
            "Anderson",
            "Thomas",
            "Moore",
            "Jackson",
            "Martin",
            "Lee",
            "Harris",
            "Clark",
            "Lewis",
        ),
        companies={
            RETAIL: ("{Last} Outfitters Inc.", "{Last} Markets Inc."),
            MANUF: ("{Last} Industries Inc.", "{Last} Manufacturing Co."),
            IT: ("{Last} Software Inc.", "{Last} Data Systems LLC"),
            FOOD: ("{Last} Foods Inc.", "{Last} Farms LLC"),
            LOGIST: ("{Last} Logistics LLC", "{Last} Freight Lines Inc."),
        },
        job_titles={**_ENGLISH_TITLES, MGMT: ("President", "Chief Executive Officer")},
        house_number_first=True,
    ),
)

LEGAL_FORMS = ("B.V.", "BV", "NV", "Ltd", "plc", "GmbH", "Inc.", "LLC", "Co.", "&")


def ascii_slug(text: str, separator: str = "-") -> str:
    """`Müller & Söhne B.V.` -> `muller-sohne-b-v` (letters and digits, lower case)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(char if char.isalnum() else " " for char in plain.lower()).split()
    return separator.join(words)


def company_domain(name: str) -> str:
    words = [word for word in name.split() if word not in LEGAL_FORMS]
    return ascii_slug(" ".join(words)) + ".example"


def person_email(first: str, last: str, domain: str) -> str:
    return f"{ascii_slug(first, '')}.{ascii_slug(last, '')}@{domain}"


def with_capital(text: str) -> str:
    """`de Vries Transport` -> `De Vries Transport` (a name that starts a company name)."""
    return text[:1].upper() + text[1:]
