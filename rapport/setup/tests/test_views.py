import pytest

from rapport.core.testing import make_user, web_client_for
from rapport.numbering.models import NumberSeries
from rapport.setup.selectors import marketing_setup_get

pytestmark = pytest.mark.django_db
URL = "/setup/marketing/"


def form_data(**overrides):
    data = {
        "contact_nos": "",
        "segment_nos": "",
        "campaign_nos": "",
        "default_salesperson": "",
        "default_language": "",
        "default_correspondence_type": "",
        "attachment_storage_type": "embedded",
        "attachment_storage_location": "",
        "inherit_salesperson": "on",
        "inherit_territory": "on",
        "inherit_country": "on",
        "inherit_language": "on",
        "inherit_address": "on",
        "inherit_communication": "on",
    }
    data.update(overrides)
    return data


def test_administrator_sets_the_contact_series():
    series = NumberSeries.objects.create(code="CONT")
    client = web_client_for(make_user("administrator"))
    page = client.get(URL).content.decode()
    assert "Numbering" in page and "Inheritance from company to person" in page
    response = client.post(URL, form_data(contact_nos=str(series.pk), inherit_address=""))
    assert response.status_code == 302
    setup = marketing_setup_get()
    assert setup.contact_nos == series
    assert setup.inherit_address is False
    assert "Marketing Setup was saved." in client.get(URL).content.decode()


def test_a_refused_save_shows_the_error_next_to_the_field_and_keeps_input():
    client = web_client_for(make_user("administrator"))
    response = client.post(URL, form_data(attachment_storage_type="disk_file", inherit_country=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_attachment_storage_location_error"' in page
    setup = marketing_setup_get()
    assert setup.attachment_storage_type == "embedded"
    assert setup.inherit_country is True


def test_other_roles_read_a_disabled_form_and_cannot_post():
    client = web_client_for(make_user("marketing"))
    page = client.get(URL).content.decode()
    assert "disabled" in page
    assert "Only administrators can change Marketing Setup." in page
    assert client.post(URL, form_data(inherit_address="")).status_code == 403
    assert marketing_setup_get().inherit_address is True
