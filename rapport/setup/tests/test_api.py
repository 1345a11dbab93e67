import pytest

from rapport.core.testing import api_client_for, assert_error_shape, make_user
from rapport.setup.selectors import marketing_setup_get

pytestmark = pytest.mark.django_db
URL = "/api/v1/marketing-setup/"


@pytest.fixture
def admin_api():
    return api_client_for(make_user("administrator"))


def test_get_returns_the_api_md_fields(admin_api):
    body = admin_api.get(URL).json()
    for key in (
        "contact_nos",
        "segment_nos",
        "campaign_nos",
        "default_salesperson_code",
        "default_language_code",
        "default_correspondence_type",
    ):
        assert body[key] == ""
    assert body["attachment_storage_type"] == "embedded"
    assert body["inherit_salesperson"] is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"contact_nos": "NOPE"}, "contact_nos"),
        ({"default_salesperson_code": "NOPE"}, "default_salesperson_code"),
        ({"default_language_code": 5}, "default_language_code"),
        ({"default_correspondence_type": "pigeon"}, "default_correspondence_type"),
        ({"attachment_storage_location": "x" * 251}, "attachment_storage_location"),
        ({"attachment_storage_location": "a\x00b"}, "attachment_storage_location"),
        ({"inherit_address": "perhaps"}, "inherit_address"),
        ({"attachment_storage_type": "disk_file"}, "attachment_storage_location"),
    ],
)
def test_bad_input_gets_the_400_shape_and_changes_nothing(admin_api, body, field):
    error = assert_error_shape(admin_api.patch(URL, body, format="json"), 400, "invalid")
    assert field in error["fields"], error
    setup = marketing_setup_get()
    assert setup.contact_nos is None
    assert setup.attachment_storage_type == "embedded"
    assert setup.inherit_address is True


def test_only_administrators_change_the_setup():
    for role in ("marketing", "salesperson", "read_only"):
        client = api_client_for(make_user(role))
        assert client.get(URL).status_code == 200
        assert_error_shape(client.patch(URL, {"inherit_address": False}, format="json"), 403)
    assert marketing_setup_get().inherit_address is True
