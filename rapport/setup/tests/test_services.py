import pytest

from rapport.core.errors import ValidationFailed
from rapport.setup import selectors, services
from rapport.setup.models import MarketingSetup

pytestmark = pytest.mark.django_db


def test_setup_is_a_singleton_with_nav_initial_values():
    setup = selectors.marketing_setup_get()
    again = selectors.marketing_setup_get()
    assert setup.pk == again.pk == 1
    assert MarketingSetup.objects.count() == 1
    assert setup.attachment_storage_type == "embedded"
    assert setup.default_correspondence_type == ""
    assert all(
        getattr(setup, f"inherit_{name}")
        for name in ("salesperson", "territory", "country", "language", "address", "communication")
    )


def test_disk_file_needs_a_location_and_refusal_changes_nothing():
    with pytest.raises(ValidationFailed) as error:
        services.marketing_setup_update(attachment_storage_type="disk_file", inherit_country=False)
    assert "attachment_storage_location" in error.value.fields()
    setup = selectors.marketing_setup_get()
    assert setup.attachment_storage_type == "embedded"
    assert setup.inherit_country is True
    services.marketing_setup_update(
        attachment_storage_type="disk_file", attachment_storage_location=" /srv/rapport "
    )
    assert selectors.marketing_setup_get().attachment_storage_location == "/srv/rapport"


def test_unknown_fields_and_values_are_refused():
    with pytest.raises(ValidationFailed):
        services.marketing_setup_update(id=2)
    with pytest.raises(ValidationFailed):
        services.marketing_setup_update(default_correspondence_type="pigeon")
    assert selectors.marketing_setup_get().default_correspondence_type == ""
