"""Countries and languages ship with the migrations (ISO 3166-1 and the common languages, named
in English and Dutch from pycountry): a fresh database can take a contact's country at once."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from rapport.contacts import reference_data
from rapport.contacts.models import Contact, Country, Language

pytestmark = pytest.mark.django_db

migration = importlib.import_module("rapport.contacts.migrations.0004_load_countries_and_languages")


def test_a_migrated_database_has_every_country_and_the_common_languages_in_english_and_dutch():
    assert Country.objects.count() == 249
    assert list(
        Country.objects.filter(code__in=["NL", "DE", "BE", "KR"]).values_list(
            "code", "name", "name_nl"
        )
    ) == [
        ("BE", "Belgium", "België"),
        ("DE", "Germany", "Duitsland"),
        ("KR", "South Korea", "Zuid-Korea"),
        ("NL", "Netherlands", "Nederland"),
    ]
    assert Language.objects.count() == len(reference_data.COMMON_LANGUAGES) == 55
    assert list(
        Language.objects.filter(code__in=["NL", "EN", "DE", "EL", "FY"]).values_list(
            "code", "name", "name_nl"
        )
    ) == [
        ("DE", "German", "Duits"),
        ("EL", "Greek", "Grieks"),
        ("EN", "English", "Engels"),
        ("FY", "Frisian", "Fries"),
        ("NL", "Dutch", "Nederlands"),
    ]
    assert not Language.objects.filter(name_nl="").exists()
    assert not Country.objects.filter(name_nl="").exists()


def test_the_name_follows_the_users_language():
    netherlands = Country.objects.get(code="NL")
    dutch = Language.objects.get(code="NL")
    with translation.override("nl"):
        assert (str(netherlands), str(dutch)) == ("NL – Nederland", "NL – Nederlands")
    with translation.override("en"):
        assert (str(netherlands), str(dutch)) == ("NL – Netherlands", "NL – Dutch")
    netherlands.name_nl = ""  # a row without a Dutch name shows its name
    with translation.override("nl"):
        assert str(netherlands) == "NL – Netherlands"


def test_the_contact_form_offers_countries_in_the_users_language(admin_client, admin_user):
    page = admin_client.get("/contacts/new/").content.decode()
    assert ">DE – Germany</option>" in page and ">NL – Dutch</option>" in page
    admin_user.language = "nl"
    admin_user.save(update_fields=["language"])
    page = admin_client.get("/contacts/new/").content.decode()
    assert ">DE – Duitsland</option>" in page and ">NL – Nederlands</option>" in page


def test_running_the_migration_again_inserts_nothing_and_keeps_what_a_user_changed():
    Country.objects.filter(code="NL").update(name="Holland", name_nl="")
    Country.objects.filter(code="DE").update(name="Deutschland", name_nl="Duitsland (BRD)")
    Language.objects.filter(code="FY").delete()
    migration.load(apps, None)
    assert Country.objects.count() == 249
    assert Language.objects.count() == 55
    assert Country.objects.filter(code="NL").values_list("name", "name_nl").get() == (
        "Holland",
        "Nederland",  # only the blank Dutch name is filled in
    )
    assert Country.objects.filter(code="DE").values_list("name", "name_nl").get() == (
        "Deutschland",
        "Duitsland (BRD)",
    )
    assert Language.objects.filter(code="FY").values_list("name", "name_nl").get() == (
        "Frisian",
        "Fries",
    )
    assert reference_data.load_all(Country, Language) == {
        "countries": (0, 0),
        "languages": (0, 0),
    }


def test_a_contact_with_country_be_through_the_api_without_the_demo(api_client):
    response = api_client().post(
        "/api/v1/contacts/",
        {"no": "C1", "type": "company", "name": "Brouwerij", "country_code": "be"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["country_code"] == "BE"
    assert Contact.objects.get(no="C1").country.name == "Belgium"


def test_countries_api_shows_both_names(api_client):
    assert api_client().get("/api/v1/countries/NL/").json() == {
        "code": "NL",
        "name": "Netherlands",
        "name_nl": "Nederland",
    }
