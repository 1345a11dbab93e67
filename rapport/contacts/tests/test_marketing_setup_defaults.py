"""The Marketing Setup's defaults that are contacts' records (a salesperson, a language), set
through the setup's service and API (moved here from the setup tests: setup sits below contacts
and may not import it)."""

import pytest

from rapport.contacts.models import Language
from rapport.contacts.services import salesperson_create
from rapport.core.testing import api_client_for, make_user
from rapport.numbering.models import NumberSeries
from rapport.setup import selectors, services
from rapport.setup.selectors import marketing_setup_get

pytestmark = pytest.mark.django_db
URL = "/api/v1/marketing-setup/"


@pytest.fixture
def admin_api():
    return api_client_for(make_user("administrator"))


def test_update_sets_series_and_defaults():
    series = NumberSeries.objects.create(code="CONT", description="Contacts")
    person = salesperson_create(code="SJ", name="Sven")
    language = Language.objects.get_or_create(code="EN", defaults={"name": "English"})[0]
    services.marketing_setup_update(
        contact_nos=series,
        default_salesperson=person,
        default_language=language,
        default_correspondence_type="email",
        inherit_address=False,
    )
    setup = selectors.marketing_setup_get()
    assert setup.contact_nos == series
    assert setup.default_salesperson == person
    assert setup.default_language == language
    assert setup.default_correspondence_type == "email"
    assert setup.inherit_address is False


def test_patch_sets_series_by_code(admin_api):
    NumberSeries.objects.create(code="CONT")
    salesperson_create(code="SJ", name="Sven")
    response = admin_api.patch(
        URL,
        {
            "contact_nos": "cont",
            "default_salesperson_code": "SJ",
            "default_correspondence_type": "hard_copy",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["contact_nos"] == "CONT"
    setup = marketing_setup_get()
    assert setup.contact_nos.code == "CONT"
    assert setup.default_salesperson.code == "SJ"
    assert setup.default_correspondence_type == "hard_copy"
    response = admin_api.patch(URL, {"contact_nos": None}, format="json")
    assert response.json()["contact_nos"] == ""
