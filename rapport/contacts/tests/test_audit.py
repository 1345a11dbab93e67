"""Audit entries of the contacts operations: contacts, code tables, languages, salespeople,
salutations and their formulas, profile questionnaires and answers, and the import (one entry
per import). Refused operations write none."""

from __future__ import annotations

import pytest

from rapport.audit.models import AuditEntry
from rapport.audit.testing import audit_count, audited
from rapport.contacts import services
from rapport.contacts.importing import ImportFailed, contacts_import
from rapport.contacts.models import Contact, Language, MailingGroup, ProfileQuestionnaire
from rapport.core.acting import Source, acting_as
from rapport.core.errors import ConflictError, ValidationFailed
from rapport.core.testing import api_client_for, make_user
from rapport.numbering.services import number_series_create
from rapport.setup.services import marketing_setup_update

pytestmark = pytest.mark.django_db

BLANK_TEXTS = (
    "address",
    "address_2",
    "post_code",
    "city",
    "phone_no",
    "mobile_phone_no",
    "fax_no",
    "email",
    "job_title",
    "first_name",
    "middle_name",
    "surname",
    "initials",
    "no_series",
)


def created(**values):
    """The changes of a created contact: `values` plus the blank texts and flags."""
    after = dict.fromkeys(BLANK_TEXTS, "") | {
        "correspondence_type": "",
        "exclude_from_segment": False,
        "privacy_blocked": False,
    }
    after |= values
    return {name: {"before": None, "after": value} for name, value in after.items()}


@pytest.fixture
def ada():
    return make_user("administrator", username="ada")


@pytest.fixture
def acme(ada):
    with acting_as(ada, source=Source.WEB):
        return services.contact_create(type="company", name="Acme", no="C1", city="Gent")


def test_contact_create_through_the_api(ada):
    MailingGroup.objects.create(code="NEWS", description="News")
    response = api_client_for(ada).post(
        "/api/v1/contacts/",
        {"no": "C9", "type": "company", "name": "Beta", "mailing_group_codes": ["NEWS"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    entry = audited("contact_create", object_key="C9")
    assert (entry.object_type, entry.username, entry.source) == ("contact", "ada", "api")
    assert entry.changes == created(no="C9", type="company", name="Beta", mailing_groups=["NEWS"])
    assert entry.details == {}


def test_contact_update_writes_before_and_after_of_what_changed(ada, acme):
    english = Language.objects.get(code="EN")
    news = MailingGroup.objects.create(code="NEWS", description="News")
    with acting_as(ada, source=Source.WEB):
        services.contact_update(
            contact=acme, name="Acme Ltd", language=english, mailing_groups=[news]
        )
    entry = audited("contact_update", object_key="C1")
    assert (entry.object_type, entry.username, entry.source) == ("contact", "ada", "web")
    assert entry.changes == {
        "name": {"before": "Acme", "after": "Acme Ltd"},
        "language": {"before": None, "after": "EN"},
        "mailing_groups": {"before": [], "after": ["NEWS"]},
    }


def test_contact_delete_of_a_company_counts_its_persons(acme):
    services.contact_create(type="person", name="Anna", no="P1", company=acme)
    services.contact_delete(contact=acme)
    entry = audited("contact_delete", object_key="C1")
    assert entry.changes == {
        name: {"before": value["after"], "after": None}
        for name, value in created(no="C1", type="company", name="Acme", city="Gent").items()
    }
    assert entry.details == {"persons": 1}
    assert not Contact.objects.exists()


def test_refused_contact_operations_write_no_entry(acme):
    person = services.contact_create(type="person", name="Anna", no="P1", company=acme)
    before = audit_count()
    with pytest.raises(ValidationFailed):
        services.contact_create(type="company", name="", no="C2")
    with pytest.raises(ValidationFailed):
        services.contact_create(type="company", name="Dup", no="C1")
    with pytest.raises(ConflictError):
        services.contact_update(contact=acme, type="person")
    with pytest.raises(ValidationFailed):
        services.contact_update(contact=person, company=person)
    assert audit_count() == before


def test_code_tables_and_languages():
    group = services.code_table_create(model=MailingGroup, code="news", description="News")
    services.code_table_update(row=group, description="Newsletter")
    services.code_table_delete(row=group)
    assert audited("code_table_create", object_key="NEWS").changes == {
        "code": {"before": None, "after": "NEWS"},
        "description": {"before": None, "after": "News"},
    }
    entry = audited("code_table_update", object_key="NEWS")
    assert entry.object_type == "mailing_group"
    assert entry.changes == {"description": {"before": "News", "after": "Newsletter"}}
    assert audited("code_table_delete", object_key="NEWS").changes == {
        "code": {"before": "NEWS", "after": None},
        "description": {"before": "Newsletter", "after": None},
    }
    language = services.language_create(code="qq", name="Qq")
    services.language_update(language=language, name="Qq", name_nl="Kuku")
    services.language_delete(language=language)
    assert audited("language_create", object_key="QQ").object_type == "language"
    assert audited("language_update", object_key="QQ").changes == {
        "name_nl": {"before": "", "after": "Kuku"}
    }
    assert audited("language_delete", object_key="QQ").changes["name_nl"] == {
        "before": "Kuku",
        "after": None,
    }


def test_refused_code_table_operations_write_no_entry(acme):
    english = Language.objects.get(code="EN")
    services.contact_update(contact=acme, language=english)
    before = audit_count()
    with pytest.raises(ValidationFailed):
        services.code_table_create(model=Language, code="EN", name="English")
    with pytest.raises(ValidationFailed):
        services.code_table_update(row=english, name="")
    with pytest.raises(ConflictError):
        services.code_table_delete(row=english)
    with pytest.raises(ConflictError):
        services.language_delete(language=english)
    assert audit_count() == before


def test_salespeople(ada):
    salesperson = services.salesperson_create(code="jo", name="Jo", user=ada)
    services.salesperson_update(salesperson=salesperson, email="jo@example.com", user=None)
    assert audited("salesperson_create", object_key="JO").changes == {
        "code": {"before": None, "after": "JO"},
        "name": {"before": None, "after": "Jo"},
        "email": {"before": None, "after": ""},
        "user": {"before": None, "after": "ada"},
    }
    assert audited("salesperson_update", object_key="JO").changes == {
        "email": {"before": "", "after": "jo@example.com"},
        "user": {"before": "ada", "after": None},
    }
    marketing_setup_update(default_salesperson=salesperson)
    before = audit_count()
    with pytest.raises(ConflictError):
        services.salesperson_delete(salesperson=salesperson)
    with pytest.raises(ValidationFailed):
        services.salesperson_create(code="JO", name="Again")
    assert audit_count() == before
    marketing_setup_update(default_salesperson=None)
    services.salesperson_delete(salesperson=salesperson)
    assert audited("salesperson_delete", object_key="JO").changes["name"] == {
        "before": "Jo",
        "after": None,
    }


FORMAL = {
    "language_code": "",
    "type": "formal",
    "formula": "Dear %1",
    "name_1": "surname",
    "name_2": "",
    "name_3": "",
    "name_4": "",
    "name_5": "",
}


def test_salutations_write_one_entry_per_operation_with_their_formulas():
    salutation = services.salutation_create(code="m", description="Mister", formulas=[FORMAL])
    entry = audited("salutation_create", object_key="M")
    assert entry.object_type == "salutation"
    assert entry.changes == {
        "code": {"before": None, "after": "M"},
        "description": {"before": None, "after": "Mister"},
        "formulas": {"before": None, "after": [FORMAL]},
    }
    informal = {**FORMAL, "type": "informal", "formula": "Hi %1"}
    services.salutation_update(salutation=salutation, description="Sir", formulas=[informal])
    assert audited("salutation_update", object_key="M").changes == {
        "description": {"before": "Mister", "after": "Sir"},
        "formulas": {"before": [FORMAL], "after": [informal]},
    }
    services.salutation_set_formulas(salutation=salutation, formulas=[])
    assert audited("salutation_set_formulas", object_key="M").changes == {
        "formulas": {"before": [informal], "after": []}
    }
    before = audit_count()
    with pytest.raises(ValidationFailed):
        services.salutation_set_formulas(salutation=salutation, formulas=[{"type": "rude"}])
    with pytest.raises(ValidationFailed):
        services.salutation_create(code="M")
    assert audit_count() == before
    services.salutation_delete(salutation=salutation)
    assert audited("salutation_delete", object_key="M").changes["description"] == {
        "before": "Sir",
        "after": None,
    }
    assert audit_count() == before + 1


def test_profile_questionnaires_and_answers(acme):
    questionnaire = services.profile_questionnaire_save(
        questionnaire=None, code="size", description="Size", answer_texts=["Small", "Large"]
    )
    small = {"line_no": 10000, "answer": "Small"}
    large = {"line_no": 20000, "answer": "Large"}
    entry = audited("profile_questionnaire_save", object_key="SIZE")
    assert entry.object_type == "profile_questionnaire"
    assert entry.changes == {
        "code": {"before": None, "after": "SIZE"},
        "description": {"before": None, "after": "Size"},
        "answers": {"before": None, "after": [small, large]},
    }
    assert audit_count() == 1 + 2  # the user, acme and this one: code_table_create wrote none
    services.profile_questionnaire_set_answers(
        questionnaire=questionnaire, answers=[small, {"answer": "Huge"}]
    )
    assert audited("profile_questionnaire_set_answers", object_key="SIZE").changes == {
        "answers": {
            "before": [small, large],
            "after": [small, {"line_no": 30000, "answer": "Huge"}],
        }
    }
    services.contact_set_profile_answer(contact=acme, questionnaire=questionnaire, line_no=10000)
    services.contact_set_profile_answer(contact=acme, questionnaire=questionnaire, line_no=30000)
    entries = [
        entry.changes
        for entry in AuditEntry.objects.filter(
            operation="contact_set_profile_answer", object_key="C1:SIZE"
        ).order_by("id")
    ]
    assert entries == [
        {"line_no": {"before": None, "after": 10000}},
        {"line_no": {"before": 10000, "after": 30000}},
    ]
    before = audit_count()
    with pytest.raises(ValidationFailed):
        services.profile_questionnaire_set_answers(questionnaire=questionnaire, answers=[small])
    with pytest.raises(ValidationFailed):
        services.contact_set_profile_answer(contact=acme, questionnaire=questionnaire, line_no=5)
    with pytest.raises(ValidationFailed):
        services.profile_questionnaire_save(
            questionnaire=None, code="SIZE", description="", answer_texts=[]
        )
    assert audit_count() == before
    services.contact_remove_profile_answer(contact=acme, questionnaire=questionnaire)
    services.contact_remove_profile_answer(contact=acme, questionnaire=questionnaire)
    assert audited("contact_remove_profile_answer", object_key="C1:SIZE").changes == {
        "line_no": {"before": 30000, "after": None}
    }
    services.profile_questionnaire_save(
        questionnaire=questionnaire, code="SIZE", description="Sizes", answer_texts=["S"]
    )
    assert audited(
        "profile_questionnaire_save", object_key="SIZE", changes__description__after="Sizes"
    )
    assert ProfileQuestionnaire.objects.get().description == "Sizes"


def test_an_import_writes_one_entry_with_its_counts_and_options(ada):
    series = number_series_create(code="CONT", manual_nos=True, lines=[{"starting_no": "CT0001"}])
    marketing_setup_update(contact_nos=series)
    MailingGroup.objects.create(code="NEWS", description="News")
    rows = [
        {"no": "C1", "type": "company", "name": "Acme", "mailing_group_codes": "NEWS"},
        {"no": "", "type": "person", "name": "Anna", "company_no": "C1"},
        {"no": "", "type": "person", "name": "Bert", "company_no": "C1"},
    ]
    before = audit_count()
    contacts_import(rows=rows, dry_run=True)
    assert audit_count() == before
    with pytest.raises(ImportFailed):
        contacts_import(rows=[*rows, {"no": "", "type": "robot", "name": "R2"}])
    assert audit_count() == before
    with acting_as(ada, source=Source.CLI):
        result = contacts_import(rows=rows, keep_blanks=True)
    assert result.total == 3
    entry = audited("contacts_import")
    assert (entry.object_type, entry.object_key, entry.username, entry.source) == (
        "contact",
        "",
        "ada",
        "cli",
    )
    assert entry.changes == {}
    assert entry.details == {
        "companies": 1,
        "persons": 2,
        "links": 1,
        "numbers_drawn": 2,
        "work_date": entry.details["work_date"],
        "keep_blanks": True,
        "dry_run": False,
    }
    assert audit_count() == before + 1  # one entry, not one per contact


def test_an_api_questionnaire_with_answers_is_one_operation_written_whole_or_not_at_all():
    """Created through the API with its answers: one entry; refused answers (too many) leave
    neither the questionnaire nor an entry (it was created before its answers were refused)."""
    admin = make_user(role="administrator", username="qadmin")
    client = api_client_for(admin)
    before = audit_count()
    too_many = [{"answer": f"A{n}"} for n in range(services.MAX_PROFILE_ANSWERS + 1)]
    response = client.post(
        "/api/v1/profile-questionnaires/", {"code": "BIG", "answers": too_many}, format="json"
    )
    assert response.status_code == 400
    assert not ProfileQuestionnaire.objects.filter(code="BIG").exists()
    assert audit_count() == before
    response = client.post(
        "/api/v1/profile-questionnaires/",
        {"code": "SIZE", "description": "Size", "answers": [{"answer": "Small"}]},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert audit_count() == before + 1
    entry = audited("profile_questionnaire_create", object_key="SIZE")
    assert entry.changes["answers"] == {
        "before": None,
        "after": [{"line_no": 10000, "answer": "Small"}],
    }


def test_a_save_that_changes_nothing_writes_no_entry() -> None:
    salesperson = services.salesperson_create(code="JO", name="Jo")
    count = audit_count()
    services.salesperson_update(salesperson=salesperson, name="Jo")
    assert audit_count() == count
    services.salesperson_update(salesperson=salesperson, name="Jo Smit")
    assert audited("salesperson_update", object_key="JO").changes == {
        "name": {"before": "Jo", "after": "Jo Smit"}
    }
    assert audit_count() == count + 1
