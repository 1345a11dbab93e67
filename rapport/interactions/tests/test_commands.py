"""`rapport delete-canceled-interactions`."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from rapport.cli import main
from rapport.interactions import services
from rapport.interactions.models import InteractionLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def canceled(world):
    """Entries 1-3 canceled (1 and 2 for P3, 3 for the company on 2026-01-05), entry 4
    logged, entry 5 postponed."""
    w = world
    for contact, date in ((w.p3, None), (w.p3, None), (w.company, datetime.date(2026, 1, 5))):
        entry = services.interaction_create(
            actor=w.admin, contact=contact, template=w.call, date=date
        )
        services.interaction_cancel(actor=w.admin, entry=entry)
    services.interaction_create(actor=w.admin, contact=w.p3, template=w.call)
    services.interaction_create(actor=w.admin, contact=w.p3, postpone=True)
    return w


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("delete_canceled_interactions", *args, stdout=out)
    return out.getvalue().strip()


def remaining() -> list[int]:
    return sorted(InteractionLogEntry.objects.values_list("entry_no", flat=True))


def test_dry_run_counts(canceled) -> None:
    assert run("--dry-run") == "3 canceled interactions would be deleted (dry run)."
    assert run("--contact-no", "p3", "--dry-run") == (
        "2 canceled interactions would be deleted (dry run)."
    )
    assert remaining() == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("args", "expected", "left"),
    [
        (["--contact-no", "CO1"], "1 canceled interaction deleted.", [1, 2, 4, 5]),
        (["--date-to", "2026-01-31"], "1 canceled interaction deleted.", [1, 2, 4, 5]),
        (["--entry-no", "2"], "1 canceled interaction deleted.", [1, 3, 4, 5]),
        (["--entry-no", "4"], "0 canceled interactions deleted.", [1, 2, 3, 4, 5]),
        (
            ["--template-code", "call", "--group-code", "PHONE"],
            "3 canceled interactions deleted.",
            [4, 5],
        ),
        (["--salesperson-code", "NOPE"], "0 canceled interactions deleted.", [1, 2, 3, 4, 5]),
        (["--campaign-no", "CP1"], "0 canceled interactions deleted.", [1, 2, 3, 4, 5]),
        ([], "3 canceled interactions deleted.", [4, 5]),
    ],
)
def test_filters(canceled, args, expected, left) -> None:
    assert run(*args) == expected
    assert remaining() == left


def test_as_a_user(canceled) -> None:
    assert run("--user", "sven") == "0 canceled interactions deleted."  # not their entries
    with pytest.raises(CommandError, match="There is no active user 'nobody'"):
        run("--user", "nobody")
    with pytest.raises(CommandError, match="Your role does not allow"):
        run("--user", "rita")
    assert run("--user", "ADA") == "3 canceled interactions deleted."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date-from", "2026-02-30"], "Enter a valid date"),
        (["--entry-no", "x"], "Enter a whole number"),
        (["--contact-no", "x" * 21], "at most 20 characters"),
    ],
)
def test_bad_values_end_with_the_message(canceled, args, message) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert remaining() == [1, 2, 3, 4, 5]


def test_the_console_script(canceled, capsys) -> None:
    assert main(["rapport", "delete-canceled-interactions", "--dry-run"]) == 0
    assert "3 canceled interactions would be deleted" in capsys.readouterr().out
