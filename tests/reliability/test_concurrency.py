"""Concurrency with OS processes on PostgreSQL (issue 12): several processes (`conftest.py`'s
`processes`, multiprocessing spawn, each with its own connection to the test's committed
database) create contacts, single interactions and segments, add contacts, log the segments
and change their headers at the same moment. What must hold:

* every number drawn from a number series (contact and segment nos.) is unique and gap-free;
* entry numbers (interactions, logged segments) are unique, and the counts add up exactly: the
  lines logged are the interactions written, the maintained statistics totals equal a rebuild;
* two requests logging the same segment: exactly one succeeds, the other gets 409
  `already_logged` naming the logged segment, nothing is doubled;
* a header edit (applied to the lines) racing a log: the log carries all the old or all the new
  values, never a mix, and an edit that succeeded is never lost (the log waits for it, or the
  edit is refused because the segment was logged).

The functions at the top run in the child processes (`sync` is the conftest's `Sync`).
"""

from __future__ import annotations

import datetime
import time
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db import models, transaction

from rapport.contacts.services import contact_create
from rapport.core.errors import DomainError
from rapport.core.models import User
from rapport.interactions.models import InteractionLogEntry, InteractionTemplate, InteractionTotal
from rapport.interactions.services import interaction_create
from rapport.interactions.services.totals import interaction_totals_rebuild
from rapport.segments import services
from rapport.segments.models import LoggedSegment, Segment, SegmentLine

from .conftest import HELD, POSTGRES_ONLY

# One pytest-xdist worker runs them all, so the child processes start once (`--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("reliability-concurrency")

WORKERS = 4
"""Processes of the mixed workload."""

ROUNDS = 3
"""Rounds per process of the mixed workload: a contact, a single interaction, a segment with
every contact added, logged."""

RACERS = 3
"""Processes logging the same segments through the API at the same moment."""

RACED_SEGMENTS = 3
"""Segments each raced for by `RACERS` requests."""

HOLD = 0.5
"""Seconds a process keeps its transaction open after its change (the other one must wait)."""

OLD = {"description": "Spring calls", "cost": Decimal("1.50"), "duration": Decimal("10")}
NEW = {"description": "Autumn calls", "cost": Decimal("2.75"), "duration": Decimal("15")}
NEW_DATE = datetime.date(2001, 10, 1)  # never the work date the segments start with

postgres_only = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason=POSTGRES_ONLY
)


# ---------------------------------------------------------------------------------------------
# The child processes' work


def mixed_work(*, sync: Any, worker: int, rounds: int) -> dict[str, Any]:
    """`rounds` times: a contact (its no. drawn from Contact Nos.), a single interaction with
    it, a segment (no. drawn from Segment Nos.) with every contact there is, logged."""
    user = User.objects.get(username="mila")
    call = InteractionTemplate.objects.get(code="CALL")
    done: dict[str, Any] = {"contacts": [], "singles": [], "segments": [], "logs": []}
    sync.line_up()
    started = time.monotonic()
    for round_no in range(rounds):
        contact = contact_create(type="person", name=f"Worker {worker} round {round_no}")
        done["contacts"].append(contact.no)
        done["singles"].append(interaction_create(actor=user, contact=contact, template=call).pk)
        segment = services.segment_create(
            actor=user, description=f"Worker {worker} round {round_no}", template=call
        )
        done["segments"].append(segment.no)
        added = services.segment_add_contacts(actor=user, segment=segment, filters={}).added
        result = services.segment_log(actor=user, segment=segment, deliver=False)
        assert result.logged_segment is not None
        assert result.no_of_interactions == added
        done["logs"].append([segment.no, result.logged_segment.entry_no, added])
    done["seconds"] = time.monotonic() - started
    return done


def log_through_api(*, sync: Any, token: str, segment_nos: list[str]) -> list[dict[str, Any]]:
    """POST segments/<no>/log/ for each segment, lined up with the other processes."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    answers = []
    for no in segment_nos:
        sync.line_up()
        response = client.post(f"/api/v1/segments/{no}/log/", {"deliver": False}, format="json")
        answers.append({"no": no, "status": response.status_code, "body": response.json()})
    return answers


def segment_work(
    *,
    sync: Any,
    work: str,
    segment_nos: list[str],
    after: str = "",
    signal: str = "",
) -> list[dict[str, Any]]:
    """`work` ("edit": the header to `NEW`, applied to the lines; "log") on each segment, lined
    up with the other processes (and with `after`: once that event is set). With `signal`: sets
    that event once the change is made and keeps the transaction open `HOLD` seconds more."""
    user = User.objects.get(username="mila")
    answers = []
    for no in segment_nos:
        segment = Segment.objects.get(no=no)  # as a request finds it, before the race
        sync.line_up()
        if after:
            assert sync.events[after].wait(60)
        started = time.monotonic()
        try:
            with transaction.atomic():
                if work == "edit":
                    services.segment_update(
                        actor=user, segment=segment, apply_to_lines=True, date=NEW_DATE, **NEW
                    )
                else:
                    services.segment_log(actor=user, segment=segment, deliver=False)
                if signal:
                    sync.events[signal].set()
                    time.sleep(HOLD)
        except DomainError as error:
            answer = {"ok": False, "status": error.status, "code": error.code}
        else:
            answer = {"ok": True}
        answers.append({"no": no, "seconds": time.monotonic() - started, **answer})
    return answers


# ---------------------------------------------------------------------------------------------
# What must hold afterwards


def assert_drawn_gap_free(drawn: list[str], prefix: str, width: int) -> None:
    """Every number drawn once, and together exactly the series' first numbers."""
    assert len(drawn) == len(set(drawn)), "a number was drawn twice"
    expected = {f"{prefix}{value:0{width}d}" for value in range(1, len(drawn) + 1)}
    assert set(drawn) == expected, sorted(set(drawn) ^ expected)


def assert_logs_add_up(logs: dict[int, int]) -> None:
    """`logs`: logged segment entry no. -> lines logged. Each logged segment has exactly its
    lines' interactions, numbered as one block; the entry numbers of every interaction and
    logged segment are unique and gap-free."""
    assert sorted(LoggedSegment.objects.values_list("entry_no", flat=True)) == list(
        range(1, len(logs) + 1)
    )
    for entry_no, count in logs.items():
        numbers = sorted(
            InteractionLogEntry.objects.filter(logged_segment_entry_no=entry_no).values_list(
                "entry_no", flat=True
            )
        )
        assert len(numbers) == count, (entry_no, len(numbers), count)
        assert numbers == list(range(numbers[0], numbers[0] + count)), "not one block"
    numbers = list(InteractionLogEntry.objects.values_list("entry_no", flat=True))
    assert sorted(numbers) == list(range(1, len(numbers) + 1)), "entry numbers not unique/gap-free"


def assert_totals_match_the_log() -> None:
    """The statistics' totals maintained by every operation equal a rebuild from the log."""

    def figures() -> list[tuple[Any, ...]]:
        sums = {
            name: models.Sum(name)
            for name in ("no_of_interactions", "no_of_successful", "cost_cents")
        }
        return sorted(
            InteractionTotal.objects.values("dimension", "key_id", "date")
            .annotate(**sums)
            .values_list("dimension", "key_id", "date", *sums)
        )

    maintained = [row for row in figures() if any(row[3:])]
    with transaction.atomic():
        interaction_totals_rebuild()
        rebuilt = [row for row in figures() if any(row[3:])]
        transaction.set_rollback(True)
    assert maintained == rebuilt


def logged_values(segment_no: str) -> set[tuple[Any, ...]]:
    """The distinct (description, cost, duration, date) of a logged segment's interactions,
    and the same with its logged segment's description (from the header) in front: one tuple
    when the log carries one set of values."""
    logged = LoggedSegment.objects.get(segment_no=segment_no)
    rows = set(
        InteractionLogEntry.objects.filter(logged_segment_entry_no=logged.entry_no).values_list(
            "description", "cost", "duration", "date"
        )
    )
    return rows | {(logged.description, *row[1:]) for row in rows}


def make_segments(world: Any, count: int, *, lines: int) -> tuple[list[str], datetime.date]:
    """`count` segments (nos. from Segment Nos.) with template CALL, the header `OLD`, and a
    line for each of `lines` new contacts; and the date on their lines."""
    world.make_contacts(lines)
    nos = []
    for _index in range(count):
        segment = services.segment_create(actor=world.mila, template=world.call, **OLD)
        services.segment_add_contacts(actor=world.mila, segment=segment, filters={})
        assert segment.lines.count() == lines
        nos.append(segment.no)
    return nos, world.mila.effective_work_date


# ---------------------------------------------------------------------------------------------
# The tests


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_processes_drawing_numbers_and_logging_at_once_lose_and_double_nothing(
    reliability_world: Any, processes: Any
) -> None:
    base = reliability_world.make_contacts(10)
    sync = processes.sync(parties=WORKERS)
    began = time.monotonic()
    done = processes.run(
        [(mixed_work, {"worker": worker, "rounds": ROUNDS}) for worker in range(WORKERS)],
        sync=sync,
    )
    elapsed = time.monotonic() - began
    total = WORKERS * ROUNDS
    contacts = base + [no for work in done for no in work["contacts"]]
    segments = [no for work in done for no in work["segments"]]
    singles = [pk for work in done for pk in work["singles"]]
    logs = {entry_no: count for work in done for _no, entry_no, count in work["logs"]}
    assert_drawn_gap_free(contacts, "C", 5)
    assert_drawn_gap_free(segments, "SEG", 5)
    assert len(logs) == total
    # Every segment was logged once, under its own no., and removed.
    assert sorted(LoggedSegment.objects.values_list("segment_no", flat=True)) == sorted(segments)
    assert not Segment.objects.exists() and not SegmentLine.objects.exists()
    # Lines logged = interactions written; the single creates are there once each.
    logged_lines = sum(logs.values())
    assert InteractionLogEntry.objects.count() == logged_lines + total
    assert len(set(singles)) == total
    assert InteractionLogEntry.objects.filter(pk__in=singles, segment_no="").count() == total
    assert_logs_add_up(logs)
    assert_totals_match_the_log()
    print(
        f"\nmixed: {WORKERS} processes x {ROUNDS} rounds: {len(contacts)} contact nos., "
        f"{total} single interactions, {total} segments logged with {logged_lines} lines, "
        f"in {max(work['seconds'] for work in done):.2f} s of work ({elapsed:.2f} s with start-up)"
    )


@pytest.mark.django_db(transaction=True)
def test_logging_a_segment_that_was_just_logged_answers_409_naming_the_logged_segment(
    reliability_world: Any, api_client: Any
) -> None:
    """The loser of a race arriving after the winner's commit (the segment is gone): 409
    `already_logged`, not 404 "There is no segment"."""
    [no], _date = make_segments(reliability_world, 1, lines=3)
    client = api_client(reliability_world.mila)
    first = client.post(f"/api/v1/segments/{no}/log/", {"deliver": False}, format="json")
    assert first.status_code == 200
    entry_no = first.json()["logged_segment_entry_no"]
    again = client.post(f"/api/v1/segments/{no}/log/", {"deliver": False}, format="json")
    assert again.status_code == 409
    body = again.json()["error"]
    assert body["code"] == "already_logged"
    assert body["message"] == f"Segment {no} has already been logged (logged segment {entry_no})."
    assert body["logged_segment_entry_no"] == entry_no
    assert LoggedSegment.objects.filter(segment_no=no).count() == 1
    assert InteractionLogEntry.objects.count() == 3


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_requests_logging_the_same_segment_at_once_one_wins_the_others_get_409(
    reliability_world: Any, processes: Any
) -> None:
    lines = 20
    nos, _date = make_segments(reliability_world, RACED_SEGMENTS, lines=lines)
    sync = processes.sync(parties=RACERS)
    began = time.monotonic()
    answers = processes.run(
        [(log_through_api, {"token": reliability_world.token, "segment_nos": nos})] * RACERS,
        sync=sync,
    )
    elapsed = time.monotonic() - began
    logs = {}
    for round_no, no in enumerate(nos):
        raced = [answer[round_no] for answer in answers]
        assert {answer["no"] for answer in raced} == {no}
        statuses = sorted(answer["status"] for answer in raced)
        assert statuses == [200] + [409] * (RACERS - 1), [(a["status"], a["body"]) for a in raced]
        [won] = [answer["body"] for answer in raced if answer["status"] == 200]
        entry_no = won["logged_segment_entry_no"]
        assert won["no_of_interactions"] == lines
        for lost in (answer["body"]["error"] for answer in raced if answer["status"] == 409):
            assert lost["code"] == "already_logged", lost
            assert lost["message"] == (
                f"Segment {no} has already been logged (logged segment {entry_no})."
            )
            assert lost["logged_segment_entry_no"] == entry_no
        logs[entry_no] = lines
    assert sorted(LoggedSegment.objects.values_list("segment_no", flat=True)) == sorted(nos)
    assert InteractionLogEntry.objects.count() == RACED_SEGMENTS * lines  # nothing doubled
    assert not Segment.objects.exists()
    assert_logs_add_up(logs)
    assert_totals_match_the_log()
    print(
        f"\nlog race: {RACERS} processes x {RACED_SEGMENTS} segments of {lines} lines: "
        f"{RACED_SEGMENTS} logged, {RACED_SEGMENTS * (RACERS - 1)} refused with 409, "
        f"{elapsed:.2f} s with start-up"
    )


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_log_starting_while_a_header_edit_is_open_waits_and_logs_the_new_values(
    reliability_world: Any, processes: Any
) -> None:
    """The edit holds its transaction (and the segment) open `HOLD` seconds after changing the
    header and the lines: the log waits for it, then logs the new values. Without the segment
    lock in the log, the log would take the old lines while the edit, answered "saved", is
    lost."""
    [no], _date = make_segments(reliability_world, 1, lines=20)
    sync = processes.sync(parties=2)
    edit, log = processes.run(
        [
            (segment_work, {"work": "edit", "segment_nos": [no], "signal": HELD}),
            (segment_work, {"work": "log", "segment_nos": [no], "after": HELD}),
        ],
        sync=sync,
    )
    assert edit[0]["ok"] and log[0]["ok"], (edit, log)
    assert logged_values(no) == {(NEW["description"], NEW["cost"], NEW["duration"], NEW_DATE)}
    assert log[0]["seconds"] >= HOLD * 0.8, "the log did not wait for the open edit"
    assert InteractionLogEntry.objects.count() == 20


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_header_edit_starting_while_a_log_is_open_is_refused_and_changes_nothing(
    reliability_world: Any, processes: Any
) -> None:
    [no], date = make_segments(reliability_world, 1, lines=20)
    sync = processes.sync(parties=2)
    log, edit = processes.run(
        [
            (segment_work, {"work": "log", "segment_nos": [no], "signal": HELD}),
            (segment_work, {"work": "edit", "segment_nos": [no], "after": HELD}),
        ],
        sync=sync,
    )
    assert log[0]["ok"], log
    assert edit[0]["ok"] is False and (edit[0]["status"], edit[0]["code"]) == (409, "not_found")
    assert logged_values(no) == {(OLD["description"], OLD["cost"], OLD["duration"], date)}


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_header_edits_racing_logs_leave_all_old_or_all_new_values(
    reliability_world: Any, processes: Any
) -> None:
    """Lined up at a barrier, round after round: whichever comes first, each logged segment
    carries one set of values, the new ones exactly when the edit succeeded."""
    rounds, lines = 4, 20
    nos, date = make_segments(reliability_world, rounds, lines=lines)
    sync = processes.sync(parties=2)
    edits, logs = processes.run(
        [
            (segment_work, {"work": "edit", "segment_nos": nos}),
            (segment_work, {"work": "log", "segment_nos": nos}),
        ],
        sync=sync,
    )
    old = (OLD["description"], OLD["cost"], OLD["duration"], date)
    new = (NEW["description"], NEW["cost"], NEW["duration"], NEW_DATE)
    for no, edit, log in zip(nos, edits, logs, strict=True):
        assert log["ok"], log
        if edit["ok"]:
            assert logged_values(no) == {new}, no
        else:
            assert (edit["status"], edit["code"]) == (409, "not_found")
            assert logged_values(no) == {old}, no
    assert InteractionLogEntry.objects.count() == rounds * lines
    won = sum(edit["ok"] for edit in edits)
    print(f"\nedit race: {rounds} rounds of {lines} lines: the edit came first {won} times")
