"""The audit trail of campaigns (issue 12): create, update and delete write one entry each with
the values before and after; a refused operation, and a save that changes nothing, write none.
A campaign entry is recorded by the operation that makes it (an interaction's create, a segment
log), not on its own."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from rapport.audit.testing import audit_count, audited
from rapport.campaigns import services
from rapport.contacts.services import salesperson_create
from rapport.core.acting import Source, acting_as
from rapport.core.errors import ConflictError, DomainError

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 26)


def test_campaign_create_update_delete(admin_user: Any) -> None:
    salesperson = salesperson_create(code="SJ", name="Sven")
    with acting_as(admin_user, source=Source.WEB):
        campaign = services.campaign_create(
            no="cp1", description="Spring fair", starting_date=DAY, salesperson=salesperson
        )
        found = audited("campaign_create", object_key="CP1")
        assert (found.object_type, found.username, found.source) == (
            "campaign",
            admin_user.username,
            Source.WEB,
        )
        assert found.changes == {
            "no": {"before": None, "after": "CP1"},
            "description": {"before": None, "after": "Spring fair"},
            "starting_date": {"before": None, "after": "2026-11-26"},
            "salesperson": {"before": None, "after": "SJ"},
            "no_series": {"before": None, "after": ""},
        }

        services.campaign_update(
            campaign=campaign, ending_date=DAY + datetime.timedelta(days=3), salesperson=None
        )
        found = audited("campaign_update", object_key="CP1")
        assert found.changes == {
            "ending_date": {"before": None, "after": "2026-11-29"},
            "salesperson": {"before": "SJ", "after": None},
        }
        before = audit_count()
        services.campaign_update(campaign=campaign, description="Spring fair")
        assert audit_count() == before  # nothing changed

        services.campaign_delete(campaign=campaign)
        found = audited("campaign_delete", object_key="CP1")
        assert found.changes == {
            "no": {"before": "CP1", "after": None},
            "description": {"before": "Spring fair", "after": None},
            "starting_date": {"before": "2026-11-26", "after": None},
            "ending_date": {"before": "2026-11-29", "after": None},
            "no_series": {"before": "", "after": None},
        }


def test_refused_campaign_operations_write_nothing() -> None:
    campaign = services.campaign_create(no="CP1", description="Spring fair")
    services.campaign_entry_create(campaign=campaign, date=DAY)  # in use now
    before = audit_count()
    with pytest.raises(DomainError):
        services.campaign_create(no="CP1", description="Again")
    with pytest.raises(DomainError):
        services.campaign_create(
            no="CP2",
            description="Back",
            starting_date=DAY,
            ending_date=DAY - datetime.timedelta(days=1),
        )
    with pytest.raises(DomainError):
        services.campaign_update(
            campaign=campaign, ending_date=datetime.date(2020, 1, 1), starting_date=DAY
        )
    with pytest.raises(ConflictError):
        services.campaign_delete(campaign=campaign)
    assert audit_count() == before


def test_campaign_entry_create_writes_no_entry_of_its_own() -> None:
    campaign = services.campaign_create(no="CP1", description="Spring fair")
    before = audit_count()
    services.campaign_entry_create(campaign=campaign, date=DAY)
    assert audit_count() == before


def test_campaign_create_by_the_api(api_client: Any, marketing_user: Any) -> None:
    response = api_client(marketing_user).post(
        "/api/v1/campaigns/", {"no": "CP7", "description": "Autumn"}, format="json"
    )
    assert response.status_code == 201, response.content
    found = audited("campaign_create", object_key="CP7")
    assert (found.username, found.user_id, found.source) == (
        marketing_user.username,
        marketing_user.pk,
        Source.API,
    )
    assert found.changes["description"] == {"before": None, "after": "Autumn"}
