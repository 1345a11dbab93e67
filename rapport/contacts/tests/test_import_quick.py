"""The import's quick check (`importing.quick`) accepts exactly the rows the full check accepts,
with the same result, and leaves every other row to the full check (which words the problems);
the e-mail check that both use is Django's; a number with control characters is refused."""

from __future__ import annotations

import datetime
import gc
import random
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from rapport.contacts import services
from rapport.contacts.importing import ImportFailed, contacts_import
from rapport.contacts.importing.checking import RowErrors, _RowChecker
from rapport.contacts.importing.quick import QuickChecker
from rapport.contacts.models import (
    BusinessRelation,
    Contact,
    IndustryGroup,
    JobResponsibility,
    Language,
    MailingGroup,
    Salutation,
    Territory,
)
from rapport.contacts.services.values import validate_email
from rapport.core.errors import DomainError
from rapport.numbering.services import number_series_check_manual, number_series_create
from rapport.setup.selectors import marketing_setup_get
from rapport.setup.services import marketing_setup_update

pytestmark = pytest.mark.django_db

# Good and bad cells per column: spaces, case, NULs, limits, unknown codes, lists, flag words.
CELLS: dict[str, list[str]] = {
    "no": ["", "A1", " a2 ", "A" * 20, "A" * 21, "B\x01C", "X\x00"],
    "type": ["company", " Person ", "PERSON", "", "robot"],
    "name": ["Acme", " Jansen ", "", "  ", "x" * 100, "x" * 101, "N\x00"],
    "company_no": ["", "c1", " C2 "],
    "address": ["", "Main 1", "  ", "y" * 100, "y" * 101],
    "address_2": ["", "2nd floor", "z" * 50, "z" * 51],
    "post_code": ["", "1000", "1" * 21],
    "city": ["", "Gent", " Gent "],
    "phone_no": ["", "+32 9 555", "9" * 31],
    "mobile_phone_no": ["", "+31 6 1"],
    "job_title": ["", "Buyer", "b" * 31],
    "email": ["", "a@b.co", " a@b.co ", "bad", "a@b", "x" * 75 + "@b.co", "a@localhost", "ü@x.com"],
    "correspondence_type": ["", "email", " EMAIL ", "pigeon", "hard_copy"],
    "country_code": ["", "nl", " NL ", "XX", "  "],
    "territory_code": ["", "north", "WEST"],
    "language_code": ["", "en", "zz"],
    "salesperson_code": ["", "SJ", "nobody"],
    "salutation_code": ["", "formal", "RUDE"],
    "mailing_group_codes": ["", "NEWS", "news|xmas", "NEWS|NEWS", "NEWS|", "|", "NEWS|nope"],
    "industry_group_codes": ["", "retail", " it | RETAIL "],
    "job_responsibility_codes": ["", "PURCHASE", "boss"],
    "business_relation_codes": ["", "CUST|PROSPECT", "cust"],
    "exclude_from_segment": ["", "yes", "No", "1", "0", "maybe", " TRUE "],
    "privacy_blocked": ["", "true", "FALSE", "y"],
    "first_name": ["", "Anna"],
    "surname": ["", "Jansen", "s" * 31],
}


@pytest.fixture
def code_tables():
    sven = services.salesperson_create(code="SJ", name="Sven Janssen")
    for model, codes in [
        (Territory, ["NORTH", "SOUTH"]),
        (MailingGroup, ["NEWS", "XMAS"]),
        (IndustryGroup, ["RETAIL", "IT"]),
        (JobResponsibility, ["PURCHASE"]),
        (BusinessRelation, ["CUST", "PROSPECT"]),
        (Salutation, ["FORMAL"]),
    ]:
        for code in codes:
            services.code_table_create(model=model, code=code, description=code.title())
    return sven


def _setup(code_tables, *, manual: bool, default: bool) -> Any:
    series = number_series_create(
        code="CONT",
        default_nos=default,
        manual_nos=manual,
        lines=[{"starting_no": "CT000001", "ending_no": "CT999999"}],
    )
    marketing_setup_update(
        contact_nos=series,
        default_salesperson=code_tables,
        default_language=Language.objects.get(code="EN"),
        default_correspondence_type="email",
    )
    return marketing_setup_get()


def _random_rows(count: int, rng: random.Random) -> list[dict[str, str]]:
    """Rows of a few sets of columns (as files have), each cell good or bad at random."""
    column_sets = [
        list(CELLS),
        ["no", "type", "name", "email", "mailing_group_codes", "country_code"],
        ["type", "name", "company_no", "address", "city", "salesperson_code", "privacy_blocked"],
        ["no", "name", "email"],  # no type column
        ["no", "type", "email"],  # no name column
    ]
    rows = []
    for _index in range(count):
        columns = rng.choice(column_sets)
        rows.append({column: rng.choice(CELLS[column]) for column in columns})
    return rows


def _compare(setup: Any, rows: list[dict[str, str]], *, keep_blanks: bool) -> tuple[int, int]:
    """Quick and full check of every row; returns (rows accepted, rows refused)."""
    checker = _RowChecker(setup, datetime.date(2026, 1, 5), keep_blanks)
    quick = QuickChecker(checker)
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, cells in enumerate(rows):
        groups.setdefault(tuple(cells), []).append(index)
    accepted = refused = 0
    for columns, indexes in groups.items():
        group = [rows[index] for index in indexes]
        lines = [index + 2 for index in indexes]
        joined = ["".join(row.values()) for row in group]
        quick_rows = quick.rows(lines, group, joined, set(columns))
        for line, row_cells, quick_row in zip(lines, group, quick_rows, strict=True):
            errors = RowErrors()
            full_row = checker.check(line, row_cells, errors)
            if errors:
                assert quick_row is None, (row_cells, errors.items)
                refused += 1
            else:
                assert quick_row == full_row, row_cells
                accepted += 1
    return accepted, refused


@pytest.mark.parametrize("keep_blanks", [False, True])
@pytest.mark.parametrize(("manual", "default"), [(True, True), (False, True), (True, False)])
def test_the_quick_check_accepts_exactly_what_the_full_check_accepts(
    code_tables, keep_blanks, manual, default
):
    setup = _setup(code_tables, manual=manual, default=default)
    rows = _random_rows(3000, random.Random(f"{keep_blanks}{manual}{default}"))
    # Rows with only good cells, so that many rows pass.
    good = {column: [c for c in cells if _good(column, c)] for column, cells in CELLS.items()}
    rng = random.Random(7)
    rows += [{column: rng.choice(good[column]) for column in CELLS} for _index in range(1000)]
    accepted, refused = _compare(setup, rows, keep_blanks=keep_blanks)
    assert accepted > 200 and refused > 200


def _good(column: str, cell: str) -> bool:
    bad = {
        "no": {"A" * 21, "B\x01C", "X\x00"},
        "type": {"", "robot"},
        "name": {"", "  ", "x" * 101, "N\x00"},
        "email": {"bad", "a@b", "x" * 75 + "@b.co", "ü@x.com"},
        "correspondence_type": {"pigeon"},
        "country_code": {"XX"},
        "territory_code": {"WEST"},
        "language_code": {"zz"},
        "salesperson_code": {"nobody"},
        "salutation_code": {"RUDE"},
        "mailing_group_codes": {"NEWS|nope"},
        "job_responsibility_codes": {"boss"},
        "exclude_from_segment": {"maybe"},
        "privacy_blocked": {"y"},
    }
    limit = services.CONTACT_TEXT_FIELDS.get(column, 100)
    return cell not in bad.get(column, set()) and len(cell.strip()) <= limit


def test_a_file_with_good_and_bad_rows_reports_the_bad_ones_as_before(code_tables):
    """Through `contacts_import`: the quick check hands the bad rows to the full check."""
    _setup(code_tables, manual=True, default=True)
    rows = [{"no": f"C{index}", "type": "company", "name": f"Acme {index}"} for index in range(50)]
    rows[10]["name"] = "x" * 101
    rows[20]["email"] = "a@b"
    rows[30]["country_code"] = "XX"
    with pytest.raises(ImportFailed) as raised:
        contacts_import(rows=rows)
    assert raised.value.errors == [
        (12, "name: Use at most 100 characters."),
        (22, "email: 'a@b' is not a valid e-mail address."),
        (32, "country_code: There is no country/region with code 'XX'."),
    ]
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    "email",
    [
        "a@b.co",
        "A.B+c@sub.example.org",
        "a@[1.2.3.4]",
        "a@[::1]",
        "a@[1.2.3]",
        "a@localhost",
        "a@-x.com",
        "x@y",
        '"q r"@ex.com',
        "a@b..com",
        "é@x.com",
        "a@é.com",
        "a@b.c",
        "a@" + "d" * 64 + ".com",
        "@b.co",
        "a@",
        "a" * 321 + "@b.co",
    ],
)
def test_the_email_check_is_djangos(email):
    def accepted(validator: Any) -> bool:
        try:
            validator(email)
        except ValidationError:
            return False
        return True

    assert accepted(validate_email) == accepted(EmailValidator())
    assert accepted(validate_email) == accepted(validate_email)  # the remembered domain


@pytest.mark.parametrize("number", ["A\x01", "A\x1fB", "\x00B", "A\tB"])
def test_a_typed_number_with_control_characters_is_refused(number):
    with pytest.raises(DomainError) as raised:
        number_series_check_manual(code=None, number=number)
    assert raised.value.message == "A number may not contain control characters."


def test_a_typed_number_may_contain_spaces_and_other_text():
    number_series_check_manual(code=None, number="AB 12-é/ \x7f")


def test_the_import_leaves_the_cycle_collector_as_it_found_it(code_tables):
    """Off while checking and writing (a measured 6-8 % of an import), back on afterwards, also
    when the file is refused; left off when it was off."""
    _setup(code_tables, manual=True, default=True)
    seen: list[bool] = []
    contacts_import(
        rows=[{"no": "C1", "type": "company", "name": "Acme"}],
        progress=lambda _count: seen.append(gc.isenabled()),
    )
    assert seen == [False] and gc.isenabled()
    with pytest.raises(ImportFailed):
        contacts_import(rows=[{"no": "C2", "type": "robot", "name": "Acme"}])
    assert gc.isenabled()
    gc.disable()
    try:
        contacts_import(rows=[{"no": "C3", "type": "company", "name": "Acme"}])
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert Contact.objects.filter(no__in=["C1", "C3"]).count() == 2
