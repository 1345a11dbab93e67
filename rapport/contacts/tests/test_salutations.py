"""Salutations: the text a formula gives, the fallbacks of `salutations_for`, its query count,
and the services' refusals (which leave nothing changed)."""

from __future__ import annotations

import itertools

import pytest

from rapport.contacts import selectors, services
from rapport.contacts.models import Contact, Salutation, SalutationFormula
from rapport.core.errors import ConflictError, ValidationFailed
from rapport.setup import services as setup_services

pytestmark = pytest.mark.django_db

PARTS = {
    "": "",
    "job_title": "Director",
    "first_name": "Anna",
    "middle_name": "van",
    "surname": "Dijk",
    "initials": "A.",
    "company_name": "Cronus",
}


def formula(language="", type="formal", text="", *names):
    return {
        "language_code": language,
        "type": type,
        "formula": text,
        **{f"name_{n}": name for n, name in enumerate(names, start=1)},
    }


# --- salutation_text ---------------------------------------------------------------------------


def test_salutation_text_replaces_the_placeholders_with_the_chosen_parts():
    row = {"formula": "Dear %1 %2 %3,", "name_1": "first_name", "name_2": "middle_name"}
    row["name_3"] = "surname"
    assert services.salutation_text(row, PARTS) == "Dear Anna van Dijk,"
    row["name_1"], row["name_3"] = "surname", "first_name"
    assert services.salutation_text(row, PARTS) == "Dear Dijk van Anna,"


def test_salutation_text_collapses_the_spaces_a_blank_part_leaves_and_trims():
    row = {"formula": " Dear %1 %2 %3, ", "name_1": "first_name", "name_2": "middle_name"}
    row["name_3"] = "surname"
    assert services.salutation_text(row, {**PARTS, "middle_name": ""}) == "Dear Anna Dijk,"
    assert services.salutation_text(row, {}) == "Dear,"
    assert services.salutation_text({"formula": "Hi %1!", "name_1": "initials"}, {}) == "Hi!"
    # A space the formula itself puts before a mark stays (French: "Bonjour Anna !").
    french = {"formula": "Bonjour %1 %2 !", "name_1": "first_name", "name_2": "surname"}
    assert services.salutation_text(french, {"first_name": "Anna"}) == "Bonjour Anna !"


def test_salutation_text_does_not_replace_placeholders_inside_a_value():
    row = {"formula": "%1 %2", "name_1": "first_name", "name_2": "surname"}
    assert services.salutation_text(row, {"first_name": "%2", "surname": "X"}) == "%2 X"


def test_salutation_text_takes_a_formula_row():
    row = SalutationFormula(formula="Hello %1,", name_1="company_name")
    assert services.salutation_text(row, PARTS) == "Hello Cronus,"


def test_a_person_without_name_parts_gets_them_from_the_name_for_the_salutation():
    parts = services.contact_name_parts(type="person", name="Anna Maria  Jansen")
    assert (parts["first_name"], parts["middle_name"], parts["surname"]) == (
        "Anna Maria",
        "",
        "Jansen",
    )
    parts = services.contact_name_parts(type="person", name="Jansen")
    assert (parts["first_name"], parts["surname"]) == ("", "Jansen")
    parts = services.contact_name_parts(type="person", name="Anna Jansen", surname="Smit")
    assert (parts["first_name"], parts["surname"]) == ("", "Smit")
    parts = services.contact_name_parts(type="company", name="Cronus", first_name="x")
    assert parts["company_name"] == "Cronus" and parts["first_name"] == ""


# --- salutations_for: the fallbacks ------------------------------------------------------------


@pytest.fixture
def salutations():
    unisex = services.salutation_create(
        code="unisex",
        description="Person",
        formulas=[
            formula("", "formal", "Dear %1 %2 %3,", "first_name", "middle_name", "surname"),
            formula("", "informal", "Hi %1,", "first_name"),
            formula("NL", "formal", "Geachte %1 %2 %3,", "first_name", "middle_name", "surname"),
        ],
    )
    company = services.salutation_create(
        code="COMPANY",
        formulas=[
            formula("EN", "formal", "Dear Sir or Madam,"),
            formula("NL", "informal", "Beste %1,", "company_name"),
        ],
    )
    mister = services.salutation_create(
        code="M-JOB", formulas=[formula("EN", "formal", "Dear Mr %1,", "surname")]
    )
    return unisex, company, mister


_numbers = itertools.count(1)


def make(type, name, **fields):
    return services.contact_create(type=type, name=name, no=f"C{next(_numbers):05}", **fields)


def test_the_contacts_own_code_wins_over_the_setup_default(salutations):
    unisex, _company, _mister = salutations
    setup_services.marketing_setup_update(default_person_salutation=unisex)
    person = make("person", "Tom Baker", salutation_code="m-job", language=_lang("EN"))
    other = make("person", "Tom Baker", language=_lang("EN"))
    texts = selectors.salutations_for([person.pk, other.pk])
    assert texts == {person.pk: "Dear Mr Baker,", other.pk: "Dear Tom Baker,"}


def test_the_setup_default_goes_by_the_contact_type(salutations):
    unisex, company_salutation, _mister = salutations
    setup_services.marketing_setup_update(
        default_person_salutation=unisex, default_company_salutation=company_salutation
    )
    company = make("company", "Cronus", language=_lang("EN"))
    person = make("person", "Anna van Dijk", company=company, first_name="Anna")
    person_nl = make("person", "x", first_name="Anna", middle_name="van", surname="Dijk")
    Contact.objects.filter(pk=person_nl.pk).update(language=_lang("NL"))
    texts = selectors.salutations_for([company.pk, person.pk, person_nl.pk])
    # The person inherits EN from its company; no EN formal formula: the blank-language one.
    assert texts == {
        company.pk: "Dear Sir or Madam,",
        person.pk: "Dear Anna,",
        person_nl.pk: "Geachte Anna van Dijk,",
    }
    informal = selectors.salutations_for([company.pk, person.pk], salutation_type="informal")
    assert informal == {company.pk: "", person.pk: "Hi Anna,"}


def test_a_given_language_wins_over_the_contacts_and_falls_back_to_the_blank_one(salutations):
    unisex, company_salutation, _mister = salutations
    setup_services.marketing_setup_update(
        default_person_salutation=unisex, default_company_salutation=company_salutation
    )
    person = make("person", "Anna de Vries", language=_lang("EN"))
    company = make("company", "Cronus", language=_lang("EN"))
    assert selectors.salutations_for([person.pk], language_by_contact={person.pk: "nl"}) == {
        person.pk: "Geachte Anna de Vries,"
    }
    assert selectors.salutations_for(
        [company.pk], salutation_type="informal", language_by_contact={company.pk: "NL"}
    ) == {company.pk: "Beste Cronus,"}
    # DE has no formula and COMPANY no blank-language one: nothing.
    assert selectors.salutations_for([company.pk], language_by_contact={company.pk: "DE"}) == {
        company.pk: ""
    }


def test_no_salutation_anywhere_gives_blank_and_every_id_is_a_key(salutations):
    person = make("person", "Anna Jansen")
    assert selectors.salutations_for([person.pk, person.pk, 999_999]) == {
        person.pk: "",
        999_999: "",
    }
    assert selectors.salutations_for([]) == {}


def test_salutations_for_takes_a_constant_number_of_queries(
    salutations, django_assert_max_num_queries
):
    unisex, _company_salutation, _mister = salutations
    setup_services.marketing_setup_update(default_person_salutation=unisex)
    company = make("company", "Cronus")
    Contact.objects.bulk_create(
        Contact(no=f"P{index:04}", type="person", name=f"Person {index}", company=company)
        for index in range(200)
    )
    ids = list(Contact.objects.filter(type="person").values_list("pk", flat=True))
    with django_assert_max_num_queries(3):
        one = selectors.salutations_for(ids[:1])
    with django_assert_max_num_queries(3):
        everyone = selectors.salutations_for(ids)
    assert one == {ids[0]: "Dear Person 0,"}
    assert len(everyone) == 200 and everyone[ids[199]] == "Dear Person 199,"


def _lang(code):
    from rapport.contacts.models import Language

    return Language.objects.get(code=code)


# --- The services' refusals --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "errors"),
    [
        (
            [formula("EN", "formal", "Dear %6,", "surname")],
            {"formulas.0.formula": ["%6 is not a placeholder: use %1 to %5."]},
        ),
        (
            [formula("EN", "formal", "Dear %1 %2,", "first_name")],
            {"formulas.0.name_2": ["The formula uses %2: choose what Name 2 stands for."]},
        ),
        (
            [formula("XX", "formal", "Dear,")],
            {"formulas.0.language_code": ["There is no language XX."]},
        ),
        (
            [formula("EN", "polite", "Dear,")],
            {"formulas.0.type": ["The salutation type is formal or informal."]},
        ),
        (
            [formula("EN", "formal", "Dear %1,", "shoe_size")],
            {"formulas.0.name_1": ["Choose one of the name parts."]},
        ),
        (
            [formula("", "formal", "A"), formula("en", "formal", "B"), formula("", "formal", "C")],
            {"formulas.2.language_code": ["Row 1 has this language and type already."]},
        ),
        (
            [{**formula("EN", "formal", "A"), "colour": "red"}],
            {"formulas.0.colour": ["Unknown field."]},
        ),
        (
            [formula("EN", "formal", "x" * 51)],
            {"formulas.0.formula": ["Use at most 50 characters."]},
        ),
    ],
)
def test_bad_formulas_are_refused_naming_the_row_and_nothing_changes(rows, errors):
    salutation = services.salutation_create(
        code="KEEP", description="Kept", formulas=[formula("EN", "formal", "Dear %1,", "surname")]
    )
    with pytest.raises(ValidationFailed) as refused:
        services.salutation_update(salutation=salutation, description="Changed", formulas=rows)
    assert refused.value.errors == errors
    with pytest.raises(ValidationFailed):
        services.salutation_create(code="NEW", formulas=rows)
    assert list(Salutation.objects.values_list("code", "description")) == [("KEEP", "Kept")]
    assert list(SalutationFormula.objects.values_list("formula", "name_1")) == [
        ("Dear %1,", "surname")
    ]


def test_codes_follow_the_rules_of_the_other_code_tables():
    assert services.salutation_create(code=" m-job ").code == "M-JOB"
    with pytest.raises(ValidationFailed) as refused:
        services.salutation_create(code="m-job")
    assert refused.value.errors == {"code": ["Salutation M-JOB already exists."]}
    with pytest.raises(ValidationFailed) as refused:
        services.salutation_create(code="ABCDEFGHIJK")
    assert refused.value.errors == {"code": ["Code can have at most 10 characters."]}
    with pytest.raises(ValidationFailed):
        services.salutation_create(code="  ")
    assert Salutation.objects.count() == 1


def test_update_replaces_the_formulas_and_keeps_them_when_not_given():
    salutation = services.salutation_create(
        code="S", formulas=[formula("EN", "formal", "Dear %1,", "surname")]
    )
    services.salutation_update(salutation=salutation, description="New text")
    assert SalutationFormula.objects.count() == 1
    services.salutation_update(
        salutation=salutation,
        formulas=[
            formula("", "informal", "Hi %1,", "first_name"),
            formula("NL", "formal", "Geachte,"),
        ],
    )
    rows = list(
        SalutationFormula.objects.order_by("salutation_type").values_list(
            "language__code", "salutation_type", "formula"
        )
    )
    assert rows == [("NL", "formal", "Geachte,"), (None, "informal", "Hi %1,")]
    assert Salutation.objects.get().description == "New text"


def test_a_salutation_in_use_cannot_be_deleted_and_stays_whole():
    salutation = services.salutation_create(
        code="USED", formulas=[formula("EN", "formal", "Dear %1,", "surname")]
    )
    make("person", "Tom Baker", salutation_code="USED")
    make("person", "Ann Baker", salutation=salutation)
    setup_services.marketing_setup_update(default_company_salutation=salutation)
    with pytest.raises(ConflictError) as refused:
        services.salutation_delete(salutation=salutation)
    assert refused.value.message == (
        "Salutation USED is still used by 2 contacts, Marketing Setup's default company "
        "salutation code and cannot be deleted."
    )
    Contact.objects.update(salutation=None)
    with pytest.raises(ConflictError) as refused:
        services.salutation_delete(salutation=salutation)
    assert "default company salutation code" in refused.value.message
    assert SalutationFormula.objects.count() == 1
    setup_services.marketing_setup_update(default_company_salutation=None)
    services.salutation_delete(salutation=salutation)
    assert not Salutation.objects.exists() and not SalutationFormula.objects.exists()


def test_contact_create_and_update_take_the_salutation_code_and_name_parts():
    services.salutation_create(code="M-JOB")
    person = make(
        "person", "Tom Baker", salutation_code="m-job", first_name=" Tom ", surname="Baker"
    )
    person.refresh_from_db()
    assert (person.salutation.code, person.first_name, person.surname) == ("M-JOB", "Tom", "Baker")
    services.contact_update(contact=person, salutation_code="", initials="T.", middle_name="J")
    person.refresh_from_db()
    assert (person.salutation, person.initials, person.middle_name) == (None, "T.", "J")
    with pytest.raises(ValidationFailed) as refused:
        services.contact_update(contact=person, salutation_code="nope", surname="x" * 31)
    assert refused.value.errors == {
        "salutation_code": ["There is no salutation NOPE."],
        "surname": ["Use at most 30 characters."],
    }
    person.refresh_from_db()
    assert (person.salutation, person.surname) == (None, "Baker")


# --- Import and export -------------------------------------------------------------------------


def test_import_and_export_carry_the_salutation_code_and_name_parts():
    from rapport.contacts.importing import ImportFailed, contacts_export, contacts_import

    services.salutation_create(code="M-JOB")
    row = {
        "no": "P1",
        "type": "person",
        "name": "Tom de Boer",
        "salutation_code": "m-job",
        "first_name": "Tom",
        "middle_name": "de",
        "surname": "Boer",
        "initials": "T.",
    }
    contacts_import(rows=[row])
    exported = next(contacts_export())
    assert {key: exported[key] for key in row} == {**row, "salutation_code": "M-JOB"}
    with pytest.raises(ImportFailed) as refused:
        contacts_import(rows=[{**row, "no": "P2", "salutation_code": "NOPE", "initials": "x" * 31}])
    assert refused.value.errors == [
        (2, "salutation_code: There is no salutation with code 'NOPE'."),
        (2, "initials: Use at most 30 characters."),
    ]
    assert Contact.objects.count() == 1
