"""Campaigns: numbering from Marketing Setup's Campaign Nos., typed numbers, the date rule."""

from __future__ import annotations

import datetime

import pytest

from rapport.campaigns import services
from rapport.campaigns.models import Campaign
from rapport.contacts.services import salesperson_create
from rapport.core.errors import ConflictError, DomainError, ValidationFailed
from rapport.numbering.models import NumberSeriesLine
from rapport.numbering.services import number_series_create
from rapport.setup.services import marketing_setup_update

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 26)


@pytest.fixture
def series():
    def make(*, manual_nos: bool = False, default_nos: bool = True):
        created = number_series_create(
            code="CAMP",
            description="Campaigns",
            default_nos=default_nos,
            manual_nos=manual_nos,
            lines=[{"starting_no": "CP00001"}],
        )
        marketing_setup_update(campaign_nos=created)
        return created

    return make


def last_no_used() -> str:
    return NumberSeriesLine.objects.get().last_no_used


def test_number_is_drawn_from_campaign_nos(series) -> None:
    series()
    salesperson = salesperson_create(code="SJ", name="Sven")
    campaign = services.campaign_create(
        description="  Spring fair ",
        starting_date=DAY,
        ending_date=DAY + datetime.timedelta(days=30),
        salesperson=salesperson,
        work_date=DAY,
    )
    assert campaign.no == "CP00001"
    assert campaign.no_series == "CAMP"
    assert campaign.description == "Spring fair"
    assert campaign.salesperson == salesperson
    assert NumberSeriesLine.objects.get().last_date_used == DAY
    assert services.campaign_create(description="Second").no == "CP00002"


def test_without_campaign_nos_a_number_must_be_typed() -> None:
    with pytest.raises(ConflictError) as info:
        services.campaign_create(description="No series")
    assert "Campaign Nos." in info.value.message
    campaign = services.campaign_create(no=" cp-x1 ", description="Typed")
    assert (campaign.no, campaign.no_series) == ("CP-X1", "")


def test_typed_number_needs_manual_nos(series) -> None:
    series(manual_nos=False)
    with pytest.raises(DomainError) as info:
        services.campaign_create(no="MINE", description="Typed")
    assert info.value.field == "no"
    assert not Campaign.objects.exists()
    assert last_no_used() == ""


def test_typed_number_with_manual_nos(series) -> None:
    series(manual_nos=True)
    campaign = services.campaign_create(no="mine", description="Typed")
    assert (campaign.no, campaign.no_series) == ("MINE", "")
    assert last_no_used() == ""


def test_existing_number_is_refused(series) -> None:
    series(manual_nos=True)
    services.campaign_create(no="CP00001", description="Typed first")
    with pytest.raises(ValidationFailed) as info:
        services.campaign_create(no="cp00001", description="Again")
    assert "already exists" in info.value.errors["no"][0]
    # The series would hand out CP00001 too: refused as a conflict, and the number is given back.
    with pytest.raises(ConflictError) as conflict:
        services.campaign_create(description="Drawn")
    assert "CP00001" in conflict.value.message
    assert Campaign.objects.count() == 1
    assert last_no_used() == ""


def test_ending_date_may_not_lie_before_starting_date(series) -> None:
    series()
    with pytest.raises(ValidationFailed) as info:
        services.campaign_create(
            description="Backwards", starting_date=DAY, ending_date=DAY - datetime.timedelta(1)
        )
    assert "before Starting Date" in info.value.errors["ending_date"][0]
    assert not Campaign.objects.exists()
    assert last_no_used() == ""  # nothing was drawn
    same_day = services.campaign_create(description="One day", starting_date=DAY, ending_date=DAY)
    assert same_day.ending_date == DAY
    open_start = services.campaign_create(description="Open start", ending_date=DAY)
    assert open_start.starting_date is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"description": "d" * 101}, "description"),
        ({"description": "a\x00b"}, "description"),
        ({"description": 5}, "description"),
        ({"description": "x", "starting_date": "2026-01-01"}, "starting_date"),
        ({"description": "x", "salesperson": "SJ"}, "salesperson"),
    ],
)
def test_bad_values_are_refused(series, kwargs, field) -> None:
    series()
    with pytest.raises(ValidationFailed) as info:
        services.campaign_create(**kwargs)
    assert field in info.value.errors
    assert not Campaign.objects.exists()
    assert last_no_used() == ""


def test_update_and_delete(series) -> None:
    series()
    campaign = services.campaign_create(description="Fair", starting_date=DAY)
    services.campaign_update(campaign=campaign, description="Autumn fair")
    assert Campaign.objects.get().description == "Autumn fair"
    with pytest.raises(ValidationFailed):
        services.campaign_update(campaign=campaign, ending_date=DAY - datetime.timedelta(1))
    assert Campaign.objects.get().ending_date is None
    services.campaign_delete(campaign=campaign)
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"description": "d" * 101}, "description", "Description can have at most 100 characters."),
        (
            {"description": "a\x00b"},
            "description",
            "Description may not contain control characters.",
        ),
        ({"description": 5}, "description", "Description must be text."),
        (
            {"description": "x", "starting_date": "2026-01-01"},
            "starting_date",
            "This field must be a date.",
        ),
        (
            {"description": "x", "ending_date": datetime.date(1700, 1, 1)},
            "ending_date",
            None,  # the one date-range message (rapport.core.dates)
        ),
        (
            {"description": "x", "salesperson": "SJ"},
            "salesperson",
            "Choose an existing salesperson.",
        ),
    ],
)
def test_each_refusal_says_what_is_wrong(series, kwargs, field, message) -> None:
    from rapport.core.dates import date_range_message

    series()
    with pytest.raises(ValidationFailed) as info:
        services.campaign_create(**kwargs)
    assert info.value.errors == {field: [message or str(date_range_message())]}


def test_campaign_entries_are_numbered_highest_plus_one_and_a_taken_number_is_skipped(
    series, monkeypatch
) -> None:
    from rapport.campaigns.models import CampaignEntry
    from rapport.core import entry_numbers

    series()
    campaign = services.campaign_create(description="Fair")
    first = services.campaign_entry_create(campaign=campaign, date=DAY, description="d" * 120)
    assert (first.entry_no, first.description) == (1, "d" * 100)
    # Another writer took number 2 between the read and the insert: the next one is tried.
    CampaignEntry.objects.filter(pk=first.pk).update(entry_no=2)
    reads = iter([1])
    real = entry_numbers.highest_number
    monkeypatch.setattr(
        entry_numbers,
        "highest_number",
        lambda model, field: next(reads, None) or real(model, field),
    )
    second = services.campaign_entry_create(campaign=campaign, date=DAY)
    assert second.entry_no == 3
    assert sorted(CampaignEntry.objects.values_list("entry_no", flat=True)) == [2, 3]
