import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.contacts import services
from rapport.contacts.models import Contact, MailingGroup
from tests.support import assert_error_shape

pytestmark = pytest.mark.django_db


@pytest.fixture
def classified():
    services.code_table_create(model=MailingGroup, code="NEWS", description="Newsletter")
    services.code_table_create(model=MailingGroup, code="XMAS", description="Christmas card")
    services.salesperson_create(code="SJ", name="Sven")


def test_create_company_and_person_with_code_lists(api_client, classified):
    api = api_client()
    response = api.post(
        "/api/v1/contacts/",
        {
            "no": "c1",
            "type": "company",
            "name": "Acme",
            "city": "Utrecht",
            "country_code": "nl",
            "salesperson_code": "SJ",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["company_no"] == "C1"
    response = api.post(
        "/api/v1/contacts/",
        {
            "no": "P1",
            "type": "person",
            "name": "Anna",
            "company_no": "C1",
            "email": "anna@acme.nl",
            "mailing_group_codes": ["news", "XMAS"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["company_no"] == "C1"
    assert body["company_name"] == "Acme"
    assert body["city"] == "Utrecht"  # inherited
    assert body["country_code"] == "NL"
    assert body["salesperson_code"] == "SJ"
    assert body["mailing_group_codes"] == ["NEWS", "XMAS"]
    person = Contact.objects.get(no="P1")
    assert sorted(person.mailing_groups.values_list("code", flat=True)) == ["NEWS", "XMAS"]


def test_read_filter_search_update_delete(api_client, classified):
    api = api_client()
    services.contact_create(type="company", name="Acme", no="C1", city="Utrecht")
    services.contact_create(type="company", name="Bolt", no="C2", city="Delft")
    person = services.contact_create(
        type="person", name="Anna Jansen", no="P1", company=Contact.objects.get(no="C1")
    )
    services.contact_update(
        contact=person, mailing_groups=list(MailingGroup.objects.filter(code="NEWS"))
    )
    assert api.get("/api/v1/contacts/c1/").json()["name"] == "Acme"

    def nos(query):
        return [row["no"] for row in api.get(f"/api/v1/contacts/{query}").json()["results"]]

    assert nos("?search=delft") == ["C2"]
    assert nos("?search=jans") == ["P1"]
    assert nos("?type=company") == ["C1", "C2"]
    assert nos("?company_no=C1") == ["P1"]
    assert nos("?mailing_group_code=news") == ["P1"]
    assert nos("?ordering=-name") == ["C2", "P1", "C1"]
    response = api.patch(
        "/api/v1/contacts/C2/", {"city": "Leiden", "mailing_group_codes": ["XMAS"]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["city"] == "Leiden"
    assert response.json()["mailing_group_codes"] == ["XMAS"]
    assert api.delete("/api/v1/contacts/C1/").status_code == 204
    assert list(Contact.objects.values_list("no", flat=True)) == ["C2"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "company", "name": "A\x00"}, "name"),
        ({"type": "company", "name": "A" * 101}, "name"),
        ({"type": "company", "name": "A", "salesperson_code": "NOBODY"}, "salesperson_code"),
        ({"type": "company", "name": "A", "country_code": "XX"}, "country_code"),
        ({"type": "company", "name": "A", "mailing_group_codes": ["NOPE"]}, "mailing_group_codes"),
        ({"type": "company", "name": "A", "mailing_group_codes": "NEWS"}, "mailing_group_codes"),
        ({"type": "robot", "name": "A"}, "type"),
        (
            {"type": "company", "name": "A", "exclude_from_segment": "perhaps"},
            "exclude_from_segment",
        ),
        ({"type": "person", "name": "A", "company_no": "NOPE"}, "company_no"),
    ],
)
def test_bad_input_gets_the_400_shape(api_client, classified, body, field):
    error = assert_error_shape(
        api_client().post("/api/v1/contacts/", {"no": "X1", **body}, format="json"), 400
    )
    assert field in error["fields"], error
    assert not Contact.objects.exists()


def test_a_person_under_a_person_is_refused(api_client, classified):
    company = services.contact_create(type="company", name="Acme", no="C1")
    services.contact_create(type="person", name="Anna", no="P1", company=company)
    error = assert_error_shape(
        api_client().post(
            "/api/v1/contacts/",
            {"no": "P2", "type": "person", "name": "Bert", "company_no": "P1"},
            format="json",
        ),
        400,
    )
    assert "company" in error["fields"]
    assert Contact.objects.count() == 2


def test_missing_contact_series_is_a_conflict_naming_the_setup(api_client):
    error = assert_error_shape(
        api_client().post("/api/v1/contacts/", {"type": "company", "name": "Acme"}, format="json"),
        409,
    )
    assert "Contact Nos." in error["message"]


def test_roles(api_client, classified, read_only_user, salesperson_user):
    services.contact_create(type="company", name="Acme", no="C1")
    viewer = api_client(read_only_user)
    assert viewer.get("/api/v1/contacts/C1/").status_code == 200
    assert_error_shape(viewer.patch("/api/v1/contacts/C1/", {"name": "X"}, format="json"), 403)
    seller = api_client(salesperson_user)
    assert (
        seller.patch("/api/v1/contacts/C1/", {"name": "Acme BV"}, format="json").status_code == 200
    )
    assert_error_shape(seller.post("/api/v1/mailing-groups/", {"code": "X"}, format="json"), 403)


def test_profile_answers_endpoint(api_client):
    api = api_client()
    services.contact_create(type="company", name="Acme", no="C1")
    response = api.post(
        "/api/v1/profile-questionnaires/",
        {
            "code": "size",
            "description": "Company size",
            "answers": [{"answer": "Small"}, {"answer": "Large"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["answers"] == [
        {"line_no": 10000, "answer": "Small"},
        {"line_no": 20000, "answer": "Large"},
    ]
    response = api.post(
        "/api/v1/contacts/C1/profile-answers/",
        {"questionnaire_code": "SIZE", "line_no": 20000},
        format="json",
    )
    assert response.status_code == 201
    assert response.json() == [{"questionnaire_code": "SIZE", "line_no": 20000, "answer": "Large"}]
    assert_error_shape(
        api.post(
            "/api/v1/contacts/C1/profile-answers/",
            {"questionnaire_code": "SIZE", "line_no": 3},
            format="json",
        ),
        400,
    )
    assert_error_shape(
        api.post(
            "/api/v1/contacts/C1/profile-answers/",
            {"questionnaire_code": "NOPE", "line_no": 1},
            format="json",
        ),
        400,
    )
    assert api.delete("/api/v1/contacts/C1/profile-answers/SIZE/").status_code == 204
    assert api.get("/api/v1/contacts/C1/profile-answers/").json() == []


@pytest.mark.parametrize(
    ("endpoint", "text"),
    [
        ("countries", "name"),
        ("territories", "description"),
        ("mailing-groups", "description"),
        ("industry-groups", "description"),
        ("job-responsibilities", "description"),
        ("business-relations", "description"),
        ("languages", "name"),
    ],
)
def test_classification_tables_crud(api_client, endpoint, text):
    api = api_client()
    url = f"/api/v1/{endpoint}/"
    assert api.post(url, {"code": "ab", text: "First"}, format="json").status_code == 201
    dutch = {"name_nl": ""} if text == "name" else {}  # countries and languages have a Dutch name
    assert api.get(f"{url}AB/").json() == {"code": "AB", text: "First", **dutch}
    assert api.patch(f"{url}ab/", {text: "Second"}, format="json").json()[text] == "Second"
    assert api.get(f"{url}?search=second").json()["count"] == 1
    assert_error_shape(api.post(url, {"code": "AB", text: "Again"}, format="json"), 400)
    assert_error_shape(api.post(url, {"code": "A" * 11, text: "Long"}, format="json"), 400)
    assert api.delete(f"{url}AB/").status_code == 204
    assert_error_shape(api.get(f"{url}AB/"), 404)


def test_contact_list_query_count_does_not_grow(api_client, classified):
    api = api_client()
    api.get("/api/v1/contacts/")
    company = services.contact_create(type="company", name="Acme", no="C0")
    for index in range(3):
        services.contact_create(
            type="person",
            name=f"P{index}",
            no=f"P{index}",
            company=company,
            mailing_groups=list(MailingGroup.objects.all()),
        )
    with CaptureQueriesContext(connection) as few:
        api.get("/api/v1/contacts/")
    for index in range(3, 30):
        services.contact_create(
            type="person",
            name=f"P{index}",
            no=f"P{index}",
            company=company,
            mailing_groups=list(MailingGroup.objects.all()),
        )
    with CaptureQueriesContext(connection) as many:
        api.get("/api/v1/contacts/")
    assert len(many) == len(few)


def test_profile_questionnaire_update_filter_and_delete(api_client):
    api = api_client()
    api.post(
        "/api/v1/profile-questionnaires/",
        {"code": "SIZE", "description": "Size", "answers": [{"answer": "Small"}]},
        format="json",
    )
    response = api.patch(
        "/api/v1/profile-questionnaires/size/",
        {
            "description": "Company size",
            "answers": [{"line_no": 10000, "answer": "S"}, {"answer": "L"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "code": "SIZE",
        "description": "Company size",
        "answers": [{"line_no": 10000, "answer": "S"}, {"line_no": 20000, "answer": "L"}],
    }
    assert api.get("/api/v1/profile-questionnaires/?search=company").json()["count"] == 1
    assert api.delete("/api/v1/profile-questionnaires/SIZE/").status_code == 204
    assert_error_shape(api.get("/api/v1/profile-questionnaires/SIZE/"), 404)
