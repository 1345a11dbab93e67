"""Audit entries of Marketing Setup changes (and of a number series delete that Marketing Setup
refuses: numbering's tests cannot reach Marketing Setup)."""

import pytest

from rapport.audit.testing import audit_count, audited
from rapport.core.errors import ConflictError, ValidationFailed
from rapport.core.testing import api_client_for, make_user
from rapport.numbering.services import number_series_create, number_series_delete
from rapport.setup import services

pytestmark = pytest.mark.django_db


def test_an_api_change_writes_before_and_after_of_what_changed():
    number_series_create(code="CONT", lines=[{"starting_no": "CT000001"}])
    api = api_client_for(make_user("administrator", username="ada"))
    response = api.patch(
        "/api/v1/marketing-setup/",
        {"contact_nos": "CONT", "inherit_country": False, "delivery_rate_per_minute": 60},
        format="json",
    )
    assert response.status_code == 200, response.content
    entry = audited("marketing_setup_update")
    assert (entry.object_type, entry.object_key, entry.username, entry.source) == (
        "marketing_setup",
        "1",
        "ada",
        "api",
    )
    assert entry.changes == {
        "contact_nos": {"before": None, "after": "CONT"},
        "inherit_country": {"before": True, "after": False},
        "delivery_rate_per_minute": {"before": 0, "after": 60},
    }


def test_a_second_change_shows_the_related_codes_before_and_after():
    first = number_series_create(code="CONT", lines=[{"starting_no": "CT000001"}])
    second = number_series_create(code="CONT2", lines=[{"starting_no": "CX000001"}])
    services.marketing_setup_update(contact_nos=first, segment_nos=first)
    services.marketing_setup_update(contact_nos=second)
    entry = audited("marketing_setup_update", changes__contact_nos__after="CONT2")
    assert entry.changes == {"contact_nos": {"before": "CONT", "after": "CONT2"}}


def test_a_refused_change_writes_no_entry():
    before = audit_count()
    with pytest.raises(ValidationFailed):
        services.marketing_setup_update(attachment_storage_type="disk_file")
    with pytest.raises(ValidationFailed):
        services.marketing_setup_update(id=2)
    assert audit_count() == before


def test_a_refused_number_series_delete_writes_no_entry():
    series = number_series_create(code="CONT", lines=[{"starting_no": "CT000001"}])
    services.marketing_setup_update(contact_nos=series)
    before = audit_count()
    with pytest.raises(ConflictError):
        number_series_delete(series=series)
    assert audit_count() == before
