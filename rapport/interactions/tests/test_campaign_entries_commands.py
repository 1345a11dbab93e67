"""`rapport delete-canceled-campaign-entries`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from rapport.campaigns.models import CampaignEntry
from rapport.campaigns.services import campaign_create
from rapport.cli import main
from rapport.interactions import services
from rapport.interactions.models import InteractionLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def canceled(world):
    """Campaign entries 1 (CP1, salesperson SJ) and 2 (CP2) canceled, 3 (CP1) not."""
    w = world
    campaign_create(no="CP2", description="Autumn")
    for campaign, salesperson in (("CP1", w.sj), ("CP2", w.pb), ("CP1", w.pb)):
        services.interaction_create(
            actor=w.admin,
            contact=w.p1,
            template=w.news,
            campaign=campaign,
            salesperson=salesperson,
        )
    for entry_no in (1, 2):
        services.campaign_entry_cancel(
            actor=w.admin, entry=CampaignEntry.objects.get(entry_no=entry_no)
        )
    return w


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("delete_canceled_campaign_entries", *args, stdout=out)
    return out.getvalue().strip()


def remaining() -> list[int]:
    return sorted(CampaignEntry.objects.values_list("entry_no", flat=True))


def test_dry_run_counts(canceled) -> None:
    assert run("--dry-run") == "2 canceled campaign entries would be deleted (dry run)."
    assert run("--campaign-no", "cp1", "--dry-run") == (
        "1 canceled campaign entry would be deleted (dry run)."
    )
    assert remaining() == [1, 2, 3]


@pytest.mark.parametrize(
    ("args", "expected", "left"),
    [
        (["--campaign-no", "CP2"], "1 canceled campaign entry deleted.", [1, 3]),
        (["--entry-no", "1"], "1 canceled campaign entry deleted.", [2, 3]),
        (["--entry-no", "3"], "0 canceled campaign entries deleted.", [1, 2, 3]),
        (["--campaign-no", "NOPE"], "0 canceled campaign entries deleted.", [1, 2, 3]),
        ([], "2 canceled campaign entries deleted.", [3]),
    ],
)
def test_filters(canceled, args, expected, left) -> None:
    assert run(*args) == expected
    assert remaining() == left
    # Their interactions went with them.
    assert (
        sorted(InteractionLogEntry.objects.values_list("campaign_entry__entry_no", flat=True))
        == left
    )


def test_as_a_user(canceled) -> None:
    with pytest.raises(CommandError, match="There is no active user 'nobody'"):
        run("--user", "nobody")
    with pytest.raises(CommandError, match="Your role does not allow"):
        run("--user", "rita")
    assert run("--user", "sven") == "1 canceled campaign entry deleted."  # only SJ's
    assert remaining() == [2, 3]


def test_bad_values_end_with_the_message(canceled) -> None:
    with pytest.raises(CommandError, match="whole number"):
        run("--entry-no", "x")
    assert remaining() == [1, 2, 3]


def test_the_console_script(canceled, capsys) -> None:
    assert main(["rapport", "delete-canceled-campaign-entries", "--dry-run"]) == 0
    assert "2 canceled campaign entries would be deleted" in capsys.readouterr().out
