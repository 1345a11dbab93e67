import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.contacts import services
from rapport.contacts.models import (
    Contact,
    ContactProfileAnswer,
    Country,
    MailingGroup,
    ProfileQuestionnaire,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    nl = Country.objects.get(code="NL")  # loaded by the migrations
    services.code_table_create(model=MailingGroup, code="NEWS", description="Newsletter")
    company = services.contact_create(
        type="company", name="Acme", no="C1", city="Utrecht", country=nl
    )
    services.contact_create(type="person", name="Anna Jansen", no="P1", company=company)
    return company


def test_list_search_and_filters(admin_client, acme):
    services.contact_create(type="company", name="Bolt", no="C2", city="Delft")
    page = admin_client.get("/contacts/").content.decode()
    assert "Acme" in page and "Anna Jansen" in page and "Bolt" in page and "3 records" in page
    page = admin_client.get("/contacts/?q=delft").content.decode()
    assert "Bolt" in page and "Acme" not in page
    page = admin_client.get("/contacts/?type=person").content.decode()
    assert "Anna Jansen" in page and "Bolt" not in page
    page = admin_client.get("/contacts/?country=NL&type=company").content.decode()
    assert "Acme" in page and "Bolt" not in page and "Anna" not in page


def test_company_card_lists_its_persons(admin_client, acme):
    page = admin_client.get("/contacts/C1/").content.decode()
    assert 'data-testid="company-persons"' in page
    assert "/contacts/P1/" in page
    assert "New person" in page
    person_page = admin_client.get("/contacts/P1/").content.decode()
    assert "/contacts/C1/" in person_page


def form_data(**values):
    data = {"type": "company", "name": "", "correspondence_type": ""}
    data.update(values)
    return data


def test_create_a_company_then_a_person_that_inherits(admin_client, acme):
    response = admin_client.post("/contacts/new/", form_data(no="C9", name="Cobalt", city="Gouda"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.headers["Location"] == "/contacts/C9/"
    assert admin_client.get("/contacts/new/?company=C9").status_code == 200
    response = admin_client.post(
        "/contacts/new/",
        form_data(
            no="P9",
            type="person",
            name="Piet",
            company="c9",
            mailing_groups=[MailingGroup.objects.get().pk],
        ),
    )
    assert response.status_code == 302
    person = Contact.objects.get(no="P9")
    assert person.company.no == "C9" and person.city == "Gouda"
    assert list(person.mailing_groups.values_list("code", flat=True)) == ["NEWS"]


def test_form_errors_stand_next_to_their_fields(admin_client, acme):
    response = admin_client.post(
        "/contacts/new/", form_data(no="P8", type="person", name="Piet", company="P1", email="bad")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_email_error"' in page
    response = admin_client.post(
        "/contacts/new/", form_data(no="P8", type="person", name="Piet", company="P1")
    )
    page = response.content.decode()
    assert 'id="id_company_error"' in page and "a person can only belong to a company" in page
    assert not Contact.objects.filter(no="P8").exists()


def test_edit_a_company_updates_persons_with_the_old_value(admin_client, acme):
    data = form_data(
        name="Acme",
        city="Amersfoort",
        country=Country.objects.get(code="NL").pk,
        correspondence_type="",
    )
    response = admin_client.post("/contacts/C1/edit/", data)
    assert response.status_code == 302
    assert Contact.objects.get(no="P1").city == "Amersfoort"


def test_delete_company_asks_naming_its_persons(admin_client, acme):
    page = admin_client.get("/contacts/C1/delete/").content.decode()
    assert "and its 1 person?" in page
    assert admin_client.post("/contacts/C1/delete/").status_code == 302
    assert not Contact.objects.exists()


def test_profile_answer_from_the_card(admin_client, acme):
    size = services.code_table_create(model=ProfileQuestionnaire, code="SIZE", description="Size")
    services.profile_questionnaire_set_answers(questionnaire=size, answers=[{"answer": "Small"}])
    response = admin_client.post(
        "/contacts/C1/profile-answer/", {"questionnaire": "SIZE", "line_no": "10000"}
    )
    assert response.status_code == 302
    assert ContactProfileAnswer.objects.get().answer.answer == "Small"
    assert "selected>Small" in admin_client.get("/contacts/C1/").content.decode()
    admin_client.post("/contacts/C1/profile-answer/", {"questionnaire": "SIZE", "line_no": ""})
    assert not ContactProfileAnswer.objects.exists()


def test_read_only_user_cannot_change_contacts(client_for, read_only_user, acme):
    client = client_for(read_only_user)
    page = client.get("/contacts/C1/").content.decode()
    assert "/contacts/C1/edit/" not in page
    assert client.get("/contacts/new/").status_code == 403
    assert client.post("/contacts/C1/delete/").status_code == 403
    assert client.post("/contacts/C1/profile-answer/", {"questionnaire": "X"}).status_code == 403
    assert Contact.objects.count() == 2


def test_code_table_pages(admin_client):
    assert (
        admin_client.post(
            "/setup/mailing-groups/new/", {"code": "news", "description": "Newsletter"}
        ).status_code
        == 302
    )
    assert "Newsletter" in admin_client.get("/setup/mailing-groups/").content.decode()
    assert (
        admin_client.post("/setup/mailing-groups/NEWS/edit/", {"description": "News"}).status_code
        == 302
    )
    assert MailingGroup.objects.get().description == "News"
    assert admin_client.post("/setup/mailing-groups/NEWS/delete/").status_code == 302
    assert not MailingGroup.objects.exists()
    response = admin_client.post("/setup/countries/new/", {"code": "NL", "name": ""})
    assert 'id="id_name_error"' in response.content.decode()


def test_profile_questionnaire_pages(admin_client):
    response = admin_client.post(
        "/setup/profile-questionnaires/new/",
        {"code": "size", "description": "Size", "answers": "Small\nLarge\n"},
    )
    assert response.status_code == 302
    questionnaire = ProfileQuestionnaire.objects.get()
    assert list(questionnaire.answers.values_list("answer", flat=True)) == ["Small", "Large"]
    response = admin_client.post(
        "/setup/profile-questionnaires/SIZE/edit/",
        {"description": "Company size", "answers": "Small\nMedium\nLarge"},
    )
    assert response.status_code == 302
    assert list(questionnaire.answers.values_list("line_no", "answer")) == [
        (10000, "Small"),
        (20000, "Medium"),
        (30000, "Large"),
    ]


def test_list_and_card_query_counts_do_not_grow(admin_client, acme):
    admin_client.get("/contacts/")
    with CaptureQueriesContext(connection) as few_list:
        admin_client.get("/contacts/")
    with CaptureQueriesContext(connection) as few_card:
        admin_client.get("/contacts/C1/")
    for index in range(20):
        services.contact_create(
            type="person", name=f"Person {index}", no=f"PX{index}", company=acme
        )
    with CaptureQueriesContext(connection) as many_list:
        admin_client.get("/contacts/")
    with CaptureQueriesContext(connection) as many_card:
        admin_client.get("/contacts/C1/")
    assert len(many_list) == len(few_list)
    assert len(many_card) == len(few_card)
