"""The rules of contacts: numbering, person-company links, inheritance, defaults, deletion."""

import pytest

from rapport.contacts import services
from rapport.contacts.models import (
    Contact,
    ContactProfileAnswer,
    Country,
    Language,
    MailingGroup,
    ProfileQuestionnaire,
    Territory,
)
from rapport.core.errors import ConflictError, DomainError, ValidationFailed
from rapport.numbering.models import NumberSeries
from rapport.numbering.services import number_series_create
from rapport.setup.selectors import marketing_setup_get
from rapport.setup.services import marketing_setup_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def series():
    return number_series_create(
        code="CONT",
        default_nos=True,
        manual_nos=False,
        lines=[{"starting_no": "CT0001", "ending_no": "CT9999"}],
    )


@pytest.fixture
def setup(series):
    sales = services.salesperson_create(code="SJ", name="Sven")
    english = Language.objects.get(code="EN")  # loaded by the migrations
    marketing_setup_update(
        contact_nos=series,
        default_salesperson=sales,
        default_language=english,
        default_correspondence_type="email",
    )
    return marketing_setup_get()


@pytest.fixture
def nl():
    return Country.objects.get(code="NL")  # loaded by the migrations


def test_numbers_come_from_the_contact_series(setup):
    first = services.contact_create(type="company", name="Acme")
    second = services.contact_create(type="company", name="Bolt")
    assert (first.no, second.no) == ("CT0001", "CT0002")
    assert first.no_series == "CONT"


def test_typed_number_refused_when_series_has_no_manual_nos(setup):
    with pytest.raises(DomainError) as error:
        services.contact_create(type="company", name="Acme", no="X1")
    assert "no" in error.value.fields()
    assert not Contact.objects.exists()
    assert NumberSeries.objects.get(code="CONT").lines.get().last_no_used == ""


def test_typed_number_allowed_with_manual_nos(setup, series):
    from rapport.numbering.services import number_series_update

    number_series_update(series=series, manual_nos=True)
    contact = services.contact_create(type="company", name="Acme", no="acme1")
    assert contact.no == "ACME1"
    assert contact.no_series == ""
    with pytest.raises(ValidationFailed, match="already exists"):
        services.contact_create(type="company", name="Again", no="ACME1")


def test_any_number_allowed_without_a_setup_series():
    contact = services.contact_create(type="company", name="Acme", no="C1")
    assert contact.no == "C1"


def test_without_series_and_number_the_error_names_marketing_setup():
    with pytest.raises(ConflictError, match=r"Contact Nos\."):
        services.contact_create(type="company", name="Acme")
    assert not Contact.objects.exists()


def test_new_contacts_get_marketing_setup_defaults(setup):
    contact = services.contact_create(type="company", name="Acme")
    assert contact.salesperson.code == "SJ"
    assert contact.language.code == "EN"
    assert contact.correspondence_type == "email"


def test_given_values_beat_the_defaults(setup):
    other = services.salesperson_create(code="PB", name="Pieter")
    contact = services.contact_create(
        type="company", name="Acme", salesperson=other, correspondence_type="hard_copy"
    )
    assert contact.salesperson == other
    assert contact.correspondence_type == "hard_copy"


def test_person_inherits_from_company_per_flags(setup, nl):
    north = services.code_table_create(model=Territory, code="NORTH")
    company = services.contact_create(
        type="company",
        name="Acme",
        address="Main 1",
        post_code="3511 AA",
        city="Utrecht",
        country=nl,
        territory=north,
        phone_no="+31 30 1",
        email="info@acme.nl",
    )
    person = services.contact_create(type="person", name="Anna", company=company)
    assert (person.address, person.post_code, person.city) == ("Main 1", "3511 AA", "Utrecht")
    assert person.country == nl and person.territory == north
    assert person.phone_no == "+31 30 1"
    assert person.email == ""  # e-mail is personal, never inherited
    assert person.company_no == "CT0001"
    assert company.company_no == "CT0001"


def test_inherit_flags_off_means_nothing_copied(setup, nl):
    marketing_setup_update(inherit_address=False, inherit_country=False)
    company = services.contact_create(type="company", name="Acme", city="Utrecht", country=nl)
    person = services.contact_create(type="person", name="Anna", company=company)
    assert person.city == "" and person.country is None


def test_person_values_given_beat_inheritance(setup):
    company = services.contact_create(type="company", name="Acme", city="Utrecht")
    person = services.contact_create(type="person", name="Anna", company=company, city="Zeist")
    assert person.city == "Zeist"


def test_company_change_reaches_persons_that_had_the_old_value(setup):
    company = services.contact_create(type="company", name="Acme", city="Utrecht")
    same = services.contact_create(type="person", name="Anna", company=company)
    own = services.contact_create(type="person", name="Bert", company=company, city="Zeist")
    services.contact_update(contact=company, city="Amersfoort")
    same.refresh_from_db()
    own.refresh_from_db()
    assert same.city == "Amersfoort"
    assert own.city == "Zeist"
    assert "amersfoort" in same.search_text


def test_moving_a_person_to_another_company_takes_its_values(setup):
    first = services.contact_create(type="company", name="Acme", city="Utrecht")
    second = services.contact_create(type="company", name="Bolt", city="Delft")
    person = services.contact_create(type="person", name="Anna", company=first)
    services.contact_update(contact=person, company=second)
    person.refresh_from_db()
    assert person.company == second and person.city == "Delft"


def test_a_person_cannot_belong_to_a_person(setup):
    company = services.contact_create(type="company", name="Acme")
    person = services.contact_create(type="person", name="Anna", company=company)
    last = NumberSeries.objects.get(code="CONT").lines.get().last_no_used
    with pytest.raises(ValidationFailed, match="person") as error:
        services.contact_create(type="person", name="Bert", company=person)
    assert "company" in error.value.fields()
    assert Contact.objects.count() == 2
    assert NumberSeries.objects.get(code="CONT").lines.get().last_no_used == last


def test_a_company_cannot_belong_to_a_company(setup):
    company = services.contact_create(type="company", name="Acme")
    with pytest.raises(ValidationFailed):
        services.contact_create(type="company", name="Sub", company=company)


def test_a_company_with_persons_cannot_become_a_person(setup):
    company = services.contact_create(type="company", name="Acme")
    services.contact_create(type="person", name="Anna", company=company)
    with pytest.raises(ConflictError, match="has persons"):
        services.contact_update(contact=company, type="person")
    company.refresh_from_db()
    assert company.type == "company"


def test_a_person_that_becomes_a_company_leaves_its_company(setup):
    company = services.contact_create(type="company", name="Acme")
    person = services.contact_create(type="person", name="Anna", company=company)
    services.contact_update(contact=person, type="company")
    person.refresh_from_db()
    assert person.type == "company" and person.company is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "ok", "email": "not an address"}, "email"),
        ({"name": "ok", "city": "c" * 31}, "city"),
        ({"name": "ok", "correspondence_type": "pigeon"}, "correspondence_type"),
        ({"name": "a\x00b"}, "name"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_written(setup, fields, field):
    with pytest.raises(ValidationFailed) as error:
        services.contact_create(type="company", **fields)
    assert field in error.value.fields()
    assert not Contact.objects.exists()


def test_unknown_type_refused(setup):
    with pytest.raises(ValidationFailed):
        services.contact_create(type="robot", name="R2")


def test_classifications_and_search_text(setup):
    news = services.code_table_create(model=MailingGroup, code="news", description="Newsletter")
    contact = services.contact_create(
        type="company",
        name="Acme Trading",
        city="Utrecht",
        email="Info@Acme.nl",
        mailing_groups=[news],
    )
    assert list(contact.mailing_groups.values_list("code", flat=True)) == ["NEWS"]
    assert contact.search_text == "ct0001 acme trading utrecht info@acme.nl"
    services.contact_update(contact=contact, mailing_groups=[])
    assert not contact.mailing_groups.exists()


def test_deleting_a_company_deletes_its_persons(setup):
    company = services.contact_create(type="company", name="Acme")
    services.contact_create(type="person", name="Anna", company=company)
    other = services.contact_create(type="company", name="Bolt")
    services.contact_delete(contact=company)
    assert list(Contact.objects.values_list("no", flat=True)) == [other.no]


def test_profile_answers(setup):
    company = services.contact_create(type="company", name="Acme")
    size = services.code_table_create(model=ProfileQuestionnaire, code="SIZE", description="Size")
    services.profile_questionnaire_set_answers(
        questionnaire=size, answers=[{"answer": "Small"}, {"answer": "Large"}]
    )
    lines = list(size.answers.values_list("line_no", "answer"))
    assert lines == [(10000, "Small"), (20000, "Large")]
    services.contact_set_profile_answer(contact=company, questionnaire=size, line_no=20000)
    services.contact_set_profile_answer(contact=company, questionnaire=size, line_no=10000)
    assert [a.answer.answer for a in ContactProfileAnswer.objects.filter(contact=company)] == [
        "Small"
    ]
    with pytest.raises(ValidationFailed):
        services.contact_set_profile_answer(contact=company, questionnaire=size, line_no=5)
    with pytest.raises(ValidationFailed, match="given by contacts"):
        services.profile_questionnaire_set_answers(
            questionnaire=size, answers=[{"line_no": 20000, "answer": "Large"}]
        )
    assert size.answers.count() == 2
    services.contact_remove_profile_answer(contact=company, questionnaire=size)
    assert not ContactProfileAnswer.objects.exists()


def test_code_tables(nl):
    assert nl.code == "NL"
    with pytest.raises(ValidationFailed, match="already exists"):
        services.code_table_create(model=Country, code="nl", name="Again")
    with pytest.raises(ValidationFailed):
        services.code_table_create(model=Country, code="XA", name="")  # a name is required
    group = services.code_table_create(model=MailingGroup, code="NEWS")  # description optional
    services.code_table_update(row=group, description="Newsletter")
    group.refresh_from_db()
    assert group.description == "Newsletter"
    with pytest.raises(ValidationFailed):
        services.code_table_update(row=group, colour="red")


def test_a_country_in_use_cannot_be_deleted_but_a_mailing_group_can(setup, nl):
    news = services.code_table_create(model=MailingGroup, code="NEWS")
    contact = services.contact_create(
        type="company", name="Acme", country=nl, mailing_groups=[news]
    )
    with pytest.raises(ConflictError, match="still in use"):
        services.code_table_delete(row=nl)
    services.code_table_delete(row=news)
    assert not contact.mailing_groups.exists()
    assert Country.objects.filter(code="NL").exists()


def test_profile_questionnaire_save_keeps_line_numbers_by_position_and_is_atomic(setup):
    size = services.profile_questionnaire_save(
        questionnaire=None, code="size", description="Size", answer_texts=["Small", "Large"]
    )
    assert list(size.answers.values_list("line_no", "answer")) == [
        (10000, "Small"),
        (20000, "Large"),
    ]
    company = services.contact_create(type="company", name="Acme")
    services.contact_set_profile_answer(contact=company, questionnaire=size, line_no=20000)
    services.profile_questionnaire_save(
        questionnaire=size, code="SIZE", description="Company size", answer_texts=["S", "L", "XL"]
    )
    assert list(size.answers.values_list("line_no", "answer")) == [
        (10000, "S"),
        (20000, "L"),
        (30000, "XL"),
    ]
    with pytest.raises(ValidationFailed, match="given by contacts"):
        services.profile_questionnaire_save(
            questionnaire=size, code="SIZE", description="Renamed", answer_texts=["S"]
        )
    size.refresh_from_db()
    assert size.description == "Company size"  # nothing half-written
    assert size.answers.count() == 3
    with pytest.raises(ValidationFailed):
        services.profile_questionnaire_save(
            questionnaire=None, code="NEW", description="x", answer_texts=["a" * 101]
        )
    assert not ProfileQuestionnaire.objects.filter(code="NEW").exists()
