"""The logging pages: Log request page (check first), result, job page, Logged segments list
and card (Cancel/Uncancel), Delete canceled logged segments; and `rapport log-segment`."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.core.errors import PermissionDeniedError
from rapport.core.models import User
from rapport.interactions.models import InteractionLogEntry
from rapport.segments import services
from rapport.segments.models import LoggedSegment, Segment, SegmentLine
from rapport.segments.services import log as services_log
from rapport.segments.tests import test_log

# The fixtures of the service tests (assigned, so that pytest finds them here).
make_series = test_log.make_series
segment_nos = test_log.segment_nos
s1 = test_log.s1
snapshot = test_log.snapshot
run_worker = test_log.run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client_for: Any, world: Any) -> Any:
    return client_for(world.mila)


def test_the_log_page_shows_the_check_first(browser: Any, s1: Segment) -> None:
    response = browser.get("/segments/S1/log/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "4 interactions will be logged." in text
    assert "CP1" in text
    assert "Create follow-up segment" in text
    assert Segment.objects.filter(no="S1").exists()


def test_the_log_page_names_the_refused_lines(browser: Any, s1: Segment) -> None:
    SegmentLine.objects.filter(segment=s1, contact__no="P3").update(salesperson=None)
    response = browser.get("/segments/S1/log/")
    text = response.content.decode()
    assert "Line 40000 (contact P3): choose a salesperson." in text
    before = snapshot()
    response = browser.post("/segments/S1/log/", {})
    assert response.status_code == 200
    assert "Line 40000 (contact P3): choose a salesperson." in response.content.decode()
    assert snapshot() == before


def test_logging_goes_to_the_result_page(browser: Any, s1: Segment, segment_nos: Any) -> None:
    response = browser.post(
        "/segments/S1/log/", {"follow_up": "on", "follow_up_outcome": "all"}, follow=True
    )
    assert response.status_code == 200
    logged = LoggedSegment.objects.get()
    assert response.redirect_chain[-1][0] == f"/logged-segments/{logged.entry_no}/logged/"
    text = response.content.decode()
    assert "Segment S1 has been logged." in text
    assert f'href="/logged-segments/{logged.entry_no}/"' in text
    assert 'href="/segments/SEG00001/"' in text
    assert 'data-field="no_of_interactions">4<' in text


def test_a_missing_segment_nos_shows_on_the_form(browser: Any, s1: Segment) -> None:
    before = snapshot()
    response = browser.post("/segments/S1/log/", {"follow_up": "on", "follow_up_outcome": "all"})
    assert response.status_code == 200
    assert "Segment Nos." in response.content.decode()
    assert snapshot() == before


def test_readers_and_salespeople_cannot_log(client_for: Any, world: Any, s1: Segment) -> None:
    for user in (world.reader, world.sven):
        assert client_for(user).get("/segments/S1/log/").status_code == 403
        assert client_for(user).post("/segments/S1/log/", {}).status_code == 403
    assert Segment.objects.filter(no="S1").exists()


def test_a_big_segment_is_logged_in_the_background(
    browser: Any, s1: Segment, monkeypatch: Any
) -> None:
    monkeypatch.setattr(services_log, "BACKGROUND_THRESHOLD", 3)
    assert "logged in the background" in browser.get("/segments/S1/log/").content.decode()
    response = browser.post("/segments/S1/log/", {"follow_up_outcome": "all"})
    assert response.status_code == 302
    job_url = response["Location"]
    assert job_url.startswith("/logged-segments/jobs/")
    page = browser.get(job_url)
    assert 'data-status="queued"' in page.content.decode()
    assert 'hx-trigger="every 2s"' in page.content.decode()
    run_worker(monkeypatch)
    polled = browser.get(job_url, headers={"HX-Request": "true"})
    assert polled.status_code == 204
    logged = LoggedSegment.objects.get()
    assert polled["HX-Redirect"] == f"/logged-segments/{logged.entry_no}/logged/"
    assert browser.get("/logged-segments/jobs/nope/").status_code == 404


@pytest.fixture
def logged(world: Any, s1: Segment) -> LoggedSegment:
    result = services.segment_log(deliver=False, actor=world.mila, segment=s1)
    assert result.logged_segment is not None
    return result.logged_segment


def test_the_list_shows_logged_segments(browser: Any, logged: LoggedSegment) -> None:
    response = browser.get("/logged-segments/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Spring mailing" in text
    assert f'href="/logged-segments/{logged.entry_no}/"' in text
    assert "Delete canceled logged segments" in text
    assert "Spring" not in browser.get("/logged-segments/?canceled=true").content.decode()
    assert "Spring" in browser.get("/logged-segments/?segment_no=s1").content.decode()


def test_the_list_query_count_does_not_grow(
    browser: Any, world: Any, logged: LoggedSegment
) -> None:
    with CaptureQueriesContext(connection) as one:
        browser.get("/logged-segments/")
    for index in range(5):
        LoggedSegment.objects.create(
            entry_no=100 + index, segment_no=f"X{index}", creation_date=logged.creation_date
        )
    with CaptureQueriesContext(connection) as six:
        browser.get("/logged-segments/")
    assert len(six) == len(one)


def test_the_card_lists_interactions_and_cancels_with_a_confirmation(
    browser: Any, logged: LoggedSegment
) -> None:
    url = f"/logged-segments/{logged.entry_no}/"
    text = browser.get(url).content.decode()
    assert 'data-testid="logged-interactions"' in text
    assert text.count('href="/interactions/') >= 4
    assert f"Cancel logged segment {logged.entry_no} and its 4 interactions?" in text
    response = browser.post(f"{url}cancel/", follow=True)
    assert "are canceled" in response.content.decode()
    assert InteractionLogEntry.objects.filter(canceled=True).count() == 4
    text = response.content.decode()
    assert f"Uncancel logged segment {logged.entry_no} and its 4 interactions?" in text
    browser.post(f"{url}uncancel/")
    assert not InteractionLogEntry.objects.filter(canceled=True).exists()
    assert browser.get("/logged-segments/999/").status_code == 404


def test_a_reader_sees_but_does_not_cancel(
    client_for: Any, world: Any, logged: LoggedSegment
) -> None:
    reader = client_for(world.reader)
    url = f"/logged-segments/{logged.entry_no}/"
    page = reader.get(url)
    assert page.status_code == 200
    assert "cancel/" not in page.content.decode()
    assert reader.post(f"{url}cancel/").status_code == 403
    assert reader.get("/logged-segments/delete-canceled/").status_code == 403
    assert not LoggedSegment.objects.get().canceled


def test_delete_canceled_counts_first(browser: Any, world: Any, logged: LoggedSegment) -> None:
    page = browser.get("/logged-segments/delete-canceled/")
    assert "0 canceled logged segments match." in page.content.decode()
    services.logged_segment_cancel(actor=world.mila, logged_segment=logged)
    page = browser.get("/logged-segments/delete-canceled/?segment_no=s1")
    assert "1 canceled logged segment matches." in page.content.decode()
    assert LoggedSegment.objects.exists()
    response = browser.post("/logged-segments/delete-canceled/", {"segment_no": "S1"}, follow=True)
    assert "1 logged segment has been deleted." in response.content.decode()
    assert not LoggedSegment.objects.exists()
    assert InteractionLogEntry.objects.filter(segment_no="S1").count() == 4


# --- CLI --------------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("log_segment", *args, "--no-deliver", stdout=out)
    return out.getvalue()


def test_cli_logs_a_segment(world: Any, s1: Segment, segment_nos: Any) -> None:
    assert run("S1", "--dry-run", "--user", "mila") == (
        "Segment S1: 4 interactions would be logged (dry run).\n"
    )
    assert Segment.objects.filter(no="S1").exists()
    output = run("s1", "--follow-up", "--follow-up-outcome", "failed", "--user", "mila")
    logged = LoggedSegment.objects.get()
    assert output == (
        f"Segment S1 logged: 4 interactions, logged segment {logged.entry_no}, follow-up "
        "segment SEG00001 (1 line).\n"
    )


def test_cli_refusals_exit_with_the_message(world: Any, s1: Segment) -> None:
    with pytest.raises(CommandError, match="Segment Nos"):
        run("S1", "--follow-up", "--user", "mila")
    with pytest.raises(CommandError, match="There is no segment NOPE"):
        run("NOPE", "--user", "mila")
    with pytest.raises(CommandError, match="role"):
        run("S1", "--user", "rita")
    with pytest.raises(CommandError, match="no active user"):
        run("S1", "--user", "nobody")
    assert not LoggedSegment.objects.exists()


def test_cli_defaults_to_an_administrator(world: Any, s1: Segment) -> None:
    assert "logged: 4 interactions" in run("S1")
    assert LoggedSegment.objects.get().user == world.admin


# --- One decision: now or in the background (`services.segment_log_start`) -------------------


def test_log_start_queues_a_big_segment_and_logs_a_small_one_now(
    world: Any, s1: Segment, monkeypatch: Any
) -> None:
    actor = User.objects.get(username="mila")
    monkeypatch.setattr(services_log, "BACKGROUND_THRESHOLD", 5)  # S1 has 4 lines with a contact
    started = services.segment_log_start(deliver=False, actor=actor, segment=s1)
    assert started.job is None and started.result is not None
    assert started.result.no_of_interactions == 4
    assert LoggedSegment.objects.count() == 1


def test_log_start_queues_at_the_threshold_and_a_dry_run_or_the_cli_runs_now(
    world: Any, s1: Segment, monkeypatch: Any
) -> None:
    actor = User.objects.get(username="mila")
    monkeypatch.setattr(services_log, "BACKGROUND_THRESHOLD", 4)
    dry = services.segment_log_start(deliver=False, actor=actor, segment=s1, dry_run=True)
    assert dry.job is None and dry.result is not None and dry.result.dry_run
    queued = services.segment_log_start(
        deliver=False, actor=actor, segment=s1, follow_up_copy_setup=True
    )
    assert queued.result is None and queued.job is not None
    assert queued.job.kwargs == {
        "segment_no": "S1",
        "user_id": actor.pk,
        "follow_up_copy_setup": True,
        "deliver": False,
    }
    assert not LoggedSegment.objects.exists()  # queued, not yet run
    # The command line waits: even a big segment is logged at once.
    assert run("S1", "--user", "mila").startswith("Segment S1 logged: 4 interactions")
    assert LoggedSegment.objects.count() == 1


def test_log_start_refuses_a_reader_before_queuing(
    world: Any, s1: Segment, monkeypatch: Any
) -> None:
    reader = User.objects.get(username="rita")
    monkeypatch.setattr(services_log, "BACKGROUND_THRESHOLD", 1)
    with pytest.raises(PermissionDeniedError):
        services.segment_log_start(deliver=False, actor=reader, segment=s1)
    assert Segment.objects.filter(no="S1").exists()


def test_cancel_and_uncancel_answer_with_a_message_and_the_card(
    browser: Any, logged: LoggedSegment, monkeypatch: Any
) -> None:
    from django.contrib.messages import get_messages

    from rapport.core.errors import ConflictError

    card = f"/logged-segments/{logged.entry_no}/"

    def answer(action: str) -> tuple[int, str, list[tuple[str, str]]]:
        response = browser.post(f"{card}{action}/")
        shown = browser.get(response["Location"])  # the card shows (and uses up) the messages
        said = [(m.level_tag, m.message) for m in get_messages(shown.wsgi_request)]
        return response.status_code, response["Location"], said

    assert answer("cancel") == (
        302,
        card,
        [("success", f"Logged segment {logged.entry_no} and its interactions are canceled.")],
    )
    assert answer("uncancel") == (
        302,
        card,
        [
            (
                "success",
                f"Logged segment {logged.entry_no} and its interactions are no longer canceled.",
            )
        ],
    )

    def refuse(**kwargs: Any) -> Any:
        raise ConflictError("Not now.")

    monkeypatch.setattr(services, "logged_segment_cancel", refuse)
    assert answer("cancel") == (302, card, [("error", "Not now.")])
    assert not LoggedSegment.objects.get().canceled
    assert browser.post("/logged-segments/999/cancel/").status_code == 404
    # POST is the button's method; the others are refused as they were (OPTIONS answers).
    refused = browser.get(f"{card}cancel/")
    assert (refused.status_code, refused["Allow"]) == (405, "POST, OPTIONS")
    options = browser.options(f"{card}uncancel/")
    assert (options.status_code, options["Allow"]) == (200, "POST, OPTIONS")
