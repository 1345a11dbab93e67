"""The salutations API, the contact's salutation code and name parts, and Marketing Setup's
default salutation codes and delivery rate."""

from __future__ import annotations

import pytest

from rapport.contacts import services
from rapport.contacts.models import Contact, Salutation, SalutationFormula
from rapport.core.testing import api_client_for, assert_error_shape, make_user
from rapport.setup.selectors import delivery_rate_per_minute, marketing_setup_get

pytestmark = pytest.mark.django_db

BLANK_NAMES = {f"name_{n}": "" for n in range(1, 6)}


@pytest.fixture
def admin_api():
    return api_client_for(make_user("administrator"))


def test_salutation_crud_with_formulas(admin_api):
    body = {
        "code": "m-job",
        "description": "Male, with job title",
        "formulas": [
            {
                "language_code": "nl",
                "type": "formal",
                "formula": "Geachte heer %1,",
                "name_1": "surname",
            },
            {"language_code": "", "type": "informal", "formula": "Hi %1,", "name_1": "first_name"},
        ],
    }
    response = admin_api.post("/api/v1/salutations/", body, format="json")
    assert response.status_code == 201, response.content
    expected = {
        "code": "M-JOB",
        "description": "Male, with job title",
        "formulas": [
            {
                "language_code": "",
                "type": "informal",
                "formula": "Hi %1,",
                **BLANK_NAMES,
                "name_1": "first_name",
            },
            {
                "language_code": "NL",
                "type": "formal",
                "formula": "Geachte heer %1,",
                **BLANK_NAMES,
                "name_1": "surname",
            },
        ],
    }
    assert response.json() == expected
    assert admin_api.get("/api/v1/salutations/m-job/").json() == expected
    listing = admin_api.get("/api/v1/salutations/?search=male").json()
    assert listing["count"] == 1 and listing["results"] == [expected]

    response = admin_api.patch("/api/v1/salutations/M-JOB/", {"description": "Mr"}, format="json")
    assert response.status_code == 200
    assert response.json()["formulas"] == expected["formulas"]
    response = admin_api.patch(
        "/api/v1/salutations/M-JOB/",
        {"formulas": [{"language_code": "EN", "type": "formal", "formula": "Dear Sir,"}]},
        format="json",
    )
    assert response.json() == {
        "code": "M-JOB",
        "description": "Mr",
        "formulas": [
            {"language_code": "EN", "type": "formal", "formula": "Dear Sir,", **BLANK_NAMES}
        ],
    }
    assert admin_api.delete("/api/v1/salutations/M-JOB/").status_code == 204
    assert not Salutation.objects.exists() and not SalutationFormula.objects.exists()


def test_a_bad_formula_is_a_400_naming_the_row_and_changes_nothing(admin_api):
    services.salutation_create(code="S", description="Kept")
    response = admin_api.put(
        "/api/v1/salutations/S/",
        {
            "description": "Changed",
            "formulas": [{"language_code": "EN", "type": "formal", "formula": "Dear %2,"}],
        },
        format="json",
    )
    error = assert_error_shape(response, 400)
    assert error["fields"] == {
        "formulas.0.name_2": ["The formula uses %2: choose what Name 2 stands for."]
    }
    assert Salutation.objects.get().description == "Kept"
    assert not SalutationFormula.objects.exists()


def test_deleting_a_salutation_in_use_is_a_409(admin_api):
    salutation = services.salutation_create(code="USED")
    Contact.objects.create(no="C1", type="person", name="Tom", salutation=salutation)
    error = assert_error_shape(admin_api.delete("/api/v1/salutations/USED/"), 409, "in_use")
    assert error["message"] == "Salutation USED is still used by 1 contact and cannot be deleted."
    assert Salutation.objects.filter(code="USED").exists()


def test_only_administrators_change_salutations():
    services.salutation_create(code="S")
    marketing = api_client_for(make_user("marketing"))
    assert marketing.get("/api/v1/salutations/S/").status_code == 200
    response = marketing.post("/api/v1/salutations/", {"code": "X"}, format="json")
    assert response.status_code == 403
    assert api_client_for(None).get("/api/v1/salutations/").status_code in (401, 403)


def test_a_contact_has_a_salutation_code_and_name_parts(admin_api):
    services.salutation_create(code="M-JOB")
    response = admin_api.post(
        "/api/v1/contacts/",
        {
            "no": "P1",
            "type": "person",
            "name": "Tom de Boer",
            "salutation_code": "m-job",
            "first_name": "Tom",
            "middle_name": "de",
            "surname": "Boer",
            "initials": "T.",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert {key: data[key] for key in ("salutation_code", "first_name", "middle_name")} == {
        "salutation_code": "M-JOB",
        "first_name": "Tom",
        "middle_name": "de",
    }
    assert (data["surname"], data["initials"]) == ("Boer", "T.")
    response = admin_api.patch("/api/v1/contacts/P1/", {"salutation_code": ""}, format="json")
    assert response.json()["salutation_code"] == ""
    error = assert_error_shape(
        admin_api.patch("/api/v1/contacts/P1/", {"salutation_code": "NOPE"}, format="json"), 400
    )
    assert error["fields"] == {"salutation_code": ["There is no salutation with code 'NOPE'."]}


def test_marketing_setup_has_default_salutations_and_a_delivery_rate(admin_api):
    services.salutation_create(code="COMPANY")
    services.salutation_create(code="UNISEX")
    data = admin_api.get("/api/v1/marketing-setup/").json()
    assert (
        data["default_company_salutation_code"],
        data["default_person_salutation_code"],
        data["delivery_rate_per_minute"],
    ) == ("", "", 0)
    response = admin_api.patch(
        "/api/v1/marketing-setup/",
        {
            "default_company_salutation_code": "company",
            "default_person_salutation_code": "UNISEX",
            "delivery_rate_per_minute": 120,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (
        data["default_company_salutation_code"],
        data["default_person_salutation_code"],
        data["delivery_rate_per_minute"],
    ) == ("COMPANY", "UNISEX", 120)
    assert delivery_rate_per_minute() == 120
    error = assert_error_shape(
        admin_api.patch(
            "/api/v1/marketing-setup/", {"delivery_rate_per_minute": -1}, format="json"
        ),
        400,
    )
    assert list(error["fields"]) == ["delivery_rate_per_minute"]
    setup = marketing_setup_get()
    assert setup.delivery_rate_per_minute == 120
    assert setup.default_company_salutation.code == "COMPANY"
