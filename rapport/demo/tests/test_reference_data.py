"""The demo and the countries and languages that ship with the contacts' migrations: the demo
adds none after the migration, and gives them back to an emptied database (moved here from the
contacts tests: contacts sits below demo and may not import it)."""

import pytest

from rapport.contacts.models import Contact, Country, Language
from rapport.demo.data import DemoSummary, load_demo
from rapport.demo.data import _reference_data as demo_reference_data

pytestmark = pytest.mark.django_db


def test_the_demo_after_the_migration_adds_no_countries_or_languages():
    summary = load_demo()
    assert "countries" not in summary.created and "languages" not in summary.created
    assert Country.objects.count() == 249
    assert Language.objects.count() == 55
    assert set(Contact.objects.filter(type="company").values_list("country__code", flat=True)) == {
        "NL",
        "BE",
        "GB",
        "DE",
        "US",
    }


def test_an_emptied_database_gets_them_back_from_the_demo():
    Country.objects.all().delete()
    Language.objects.all().delete()
    summary = DemoSummary()
    demo_reference_data(summary, None)  # the demo's first step after its users
    assert summary.created == {"countries": 249, "languages": 55}
    assert Country.objects.get(code="BE").name_nl == "België"
