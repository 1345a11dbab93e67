"""The salutation pages (list, card with formulas, new/edit with formula rows, delete), the
contact's salutation fields, and Marketing Setup's salutation and delivery fields, in English
and Dutch."""

from __future__ import annotations

import pytest

from rapport.contacts import services
from rapport.contacts.models import Contact, Salutation, SalutationFormula
from rapport.core.testing import make_user, web_client_for
from rapport.setup import services as setup_services
from rapport.setup.selectors import marketing_setup_get

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_web():
    return web_client_for(make_user("administrator"))


@pytest.fixture
def dutch_web():
    return web_client_for(make_user("administrator", username="nl-admin", language="nl"))


def formula_rows(*rows, total=None):
    data = {
        "formulas-TOTAL_FORMS": str(total or len(rows)),
        "formulas-INITIAL_FORMS": "0",
        "formulas-MIN_NUM_FORMS": "0",
        "formulas-MAX_NUM_FORMS": "200",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"formulas-{index}-{key}"] = value
    return data


@pytest.fixture
def unisex():
    return services.salutation_create(
        code="UNISEX",
        description="Person",
        formulas=[
            {
                "language_code": "EN",
                "type": "formal",
                "formula": "Dear %1 %2 %3,",
                "name_1": "first_name",
                "name_2": "middle_name",
                "name_3": "surname",
            },
            {"language_code": "", "type": "informal", "formula": "Hi %1,", "name_1": "first_name"},
        ],
    )


def test_the_list_and_the_card_show_the_formulas_with_an_example(admin_web, unisex):
    page = admin_web.get("/setup/salutations/").content.decode()
    assert "Salutations" in page and "UNISEX" in page and "Hi %1, · Dear %1 %2 %3," in page
    assert 'href="/setup/salutations/UNISEX/"' in page
    page = admin_web.get("/setup/salutations/unisex/").content.decode()
    assert "Salutation formulas" in page and "(any language)" in page
    assert '<td data-testid="formula-example">Dear Anna van Dijk,</td>' in page
    assert '<td data-testid="formula-example">Hi Anna,</td>' in page
    assert 'href="/setup/salutations/UNISEX/edit/"' in page


def test_the_setup_menu_links_the_salutations(admin_web):
    assert 'href="/setup/salutations/"' in admin_web.get("/").content.decode()


def test_create_a_salutation_with_formula_rows_blank_rows_ignored(admin_web):
    data = {
        "code": "m-job",
        "description": "Male",
        **formula_rows(
            {
                "language": "NL",
                "type": "formal",
                "formula": "Geachte heer %1,",
                "name_1": "surname",
            },
            {"language": "", "type": "", "formula": ""},
            total=2,
        ),
    }
    response = admin_web.post("/setup/salutations/new/", data)
    assert response.status_code == 302 and response["Location"] == "/setup/salutations/M-JOB/"
    rows = list(
        SalutationFormula.objects.values_list("language__code", "salutation_type", "formula")
    )
    assert rows == [("NL", "formal", "Geachte heer %1,")]


def test_a_refused_formula_shows_the_error_in_its_row_and_keeps_the_input(admin_web, unisex):
    data = {
        "code": "UNISEX",
        "description": "Changed",
        **formula_rows(
            {"language": "EN", "type": "formal", "formula": "Dear %1,", "name_1": "surname"},
            {"language": "NL", "type": "formal", "formula": "Geachte %2,"},
        ),
    }
    response = admin_web.post("/setup/salutations/UNISEX/edit/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_formulas-1-name_2_error">The formula uses %2: choose what Name 2' in page
    assert 'value="Geachte %2,"' in page
    assert Salutation.objects.get().description == "Person"
    assert SalutationFormula.objects.count() == 2


def test_edit_shows_the_rows_and_replaces_them(admin_web, unisex):
    page = admin_web.get("/setup/salutations/UNISEX/edit/").content.decode()
    assert 'value="Dear %1 %2 %3,"' in page and 'name="formulas-TOTAL_FORMS" value="4"' in page
    data = {
        "code": "UNISEX",
        "description": "Person",
        **formula_rows(
            {
                "language": "EN",
                "type": "formal",
                "formula": "Dear %1 %2 %3,",
                "name_1": "first_name",
                "name_2": "middle_name",
                "name_3": "surname",
            },
            {
                "language": "",
                "type": "informal",
                "formula": "Hi %1,",
                "name_1": "first_name",
                "DELETE": "on",
            },
        ),
    }
    assert admin_web.post("/setup/salutations/UNISEX/edit/", data).status_code == 302
    assert list(SalutationFormula.objects.values_list("formula", flat=True)) == ["Dear %1 %2 %3,"]


def test_delete_refused_while_in_use_then_done(admin_web, unisex):
    setup_services.marketing_setup_update(default_person_salutation=unisex)
    response = admin_web.post("/setup/salutations/UNISEX/delete/", follow=True)
    assert (
        "Salutation UNISEX is still used by Marketing Setup&#x27;s default person salutation "
        "code and cannot be deleted." in response.content.decode()
    )
    assert Salutation.objects.exists()
    setup_services.marketing_setup_update(default_person_salutation=None)
    response = admin_web.post("/setup/salutations/UNISEX/delete/")
    assert response.status_code == 302 and not Salutation.objects.exists()


def test_other_roles_read_but_cannot_change_salutations(unisex):
    viewer = web_client_for(make_user("read_only"))
    page = viewer.get("/setup/salutations/UNISEX/").content.decode()
    assert "UNISEX" in page and "/setup/salutations/UNISEX/edit/" not in page
    assert viewer.get("/setup/salutations/UNISEX/edit/").status_code == 403
    assert viewer.post("/setup/salutations/UNISEX/delete/").status_code == 403
    assert Salutation.objects.exists()


def test_the_pages_in_dutch(dutch_web, unisex):
    page = dutch_web.get("/setup/salutations/").content.decode()
    assert "Aanheffen" in page and "Aanhefformules" in page
    page = dutch_web.get("/setup/salutations/UNISEX/").content.decode()
    assert "Formeel" in page and "Informeel" in page and "(elke taal)" in page
    assert "Voornaam" in page and "Tussenvoegsel" in page and "Achternaam" in page
    page = dutch_web.get("/setup/salutations/UNISEX/edit/").content.decode()
    assert "Aanhefsoort" in page and "Naam 1" in page
    assert "In de aanhef staan %1 tot en met %5 voor de naamdelen" in page
    page = dutch_web.get("/setup/marketing/").content.decode()
    assert "Standaardaanhefcode bedrijf" in page and "Standaardaanhefcode persoon" in page
    assert "Verzendsnelheid per minuut" in page


def test_the_contact_card_and_form_have_the_salutation_fields(admin_web, dutch_web, unisex):
    setup_services.marketing_setup_update(default_person_salutation=unisex)
    english = services.contact_create(
        no="P1", type="person", name="Anna van Dijk", language=_language("EN")
    )
    page = admin_web.get("/contacts/P1/").content.decode()
    assert (
        '<dd class="col-sm-8 col-lg-3" data-field="salutation_formal">Dear Anna van Dijk,' in page
    )
    # No name parts yet: the last word is the surname, the words before it the first name.
    assert 'data-field="salutation_informal">Hi Anna van,' in page
    page = admin_web.get("/contacts/P1/edit/").content.decode()
    for name in ("salutation", "first_name", "middle_name", "surname", "initials"):
        assert f'name="{name}"' in page
    data = {
        "type": "person",
        "name": "Anna van Dijk",
        "salutation": str(unisex.pk),
        "first_name": "Anna",
        "middle_name": "van",
        "surname": "Dijk",
        "initials": "A.",
        "language": str(english.language_id),
        "correspondence_type": "",
    }
    assert admin_web.post("/contacts/P1/edit/", data).status_code == 302
    english.refresh_from_db()
    assert (english.salutation, english.middle_name, english.initials) == (unisex, "van", "A.")
    page = dutch_web.get("/contacts/P1/").content.decode()
    assert "Aanhef (Formeel)" in page and "Aanhefcode" in page and "Initialen" in page
    assert 'data-field="salutation_informal">Hi Anna,' in page


def test_a_company_card_shows_no_person_name_parts(admin_web):
    services.contact_create(no="C1", type="company", name="Cronus")
    page = admin_web.get("/contacts/C1/").content.decode()
    assert 'data-field="salutation"' in page and 'data-field="first_name"' not in page


def test_marketing_setup_page_sets_the_default_salutations_and_rate(admin_web, unisex):
    data = {
        "default_correspondence_type": "",
        "attachment_storage_type": "embedded",
        "default_person_salutation": str(unisex.pk),
        "delivery_rate_per_minute": "60",
    }
    response = admin_web.post("/setup/marketing/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    setup = marketing_setup_get()
    assert (setup.default_person_salutation, setup.delivery_rate_per_minute) == (unisex, 60)
    assert (
        admin_web.post("/setup/marketing/", {**data, "delivery_rate_per_minute": ""}).status_code
        == 302
    )
    assert marketing_setup_get().delivery_rate_per_minute == 0
    response = admin_web.post("/setup/marketing/", {**data, "delivery_rate_per_minute": "-5"})
    assert response.status_code == 400
    assert marketing_setup_get().default_person_salutation == unisex
    assert Contact.objects.count() == 0


def _language(code):
    from rapport.contacts.models import Language

    return Language.objects.get(code=code)
