"""`segment_views`: what a user waits for when opening a big segment. The segment card
(`/segments/<no>/`), the Active segments list (`/segments/?q=<no>`, the list narrowed to the
one segment by its search) and the API's `GET /api/v1/segments/<no>/`, for a segment of
1,000,000 lines (A) against a segment of 1 line (B), in the same database.

Same server work on both sides: one Django test client, logged in once (a marketing user),
every page requested once untimed first (warm caches, compiled templates); then A and B
alternate (`interleave`), each sample the mean of `REPEAT` requests. One result per page:
"segment card, 1,000,000 vs 1 line", "segment list, 1,000,000 vs 1 line" and "segment API
detail, 1,000,000 vs 1 line"; target 1.5, and `met` also needs the same number of queries on
both sides (the counts are in the printed note).

The card shows a page of lines (50), so against a 1-line segment it renders 49 rows more
whatever the size; one more result, "segment card, 1,000,000 vs 50 lines", compares it with a
segment of one full page, which is what grows with the data alone.

Full size 1,000,000 lines (`size()` scales it); the lines are added through the real Add
contacts path (`bench.data.segment_with_lines`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.runner import interleave, record, say, size, timed

FULL_LINES = 1_000_000
TARGET = 1.5
REPEAT = 5  # requests per timed sample (one request is a few milliseconds)
BIG, SMALL, PAGE = "BENCHBIG", "BENCHONE", "BENCHPAGE"
PAGE_LINES = 50  # the card's lines per page
PREFIX = "SV"


def _client(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _get(client: Any, url: str) -> Any:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code}")
    return response


def _queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        _get(client, url)
    return len(queries.captured_queries)


def _requests(client: Any, url: str, repeat: int = REPEAT) -> Callable[[], float]:
    """A sample: the mean seconds of `repeat` requests of `url`."""

    def sample() -> float:
        return timed(lambda: [_get(client, url) for _ in range(repeat)]) / repeat

    return sample


def _setup(lines: int) -> Any:
    from bench import data

    user = data.bench_user("marketing")
    started = timed(lambda: data.contacts(lines, prefix=PREFIX))
    say(f"{lines:,} contacts in {started:.1f} s")
    took = timed(lambda: data.segment_with_lines(BIG, PREFIX, lines, user))
    say(f"segment {BIG}: {lines:,} lines in {took:.1f} s")
    data.segment_with_lines(SMALL, PREFIX, 1, user)
    data.segment_with_lines(PAGE, PREFIX, min(PAGE_LINES, lines), user)
    return user


PAGES = [
    ("segment card", "/segments/{no}/", SMALL, "1 line"),
    ("segment list", "/segments/?q={no}", SMALL, "1 line"),
    ("segment API detail", "/api/v1/segments/{no}/", SMALL, "1 line"),
    ("segment card", "/segments/{no}/", PAGE, "50 lines"),
]


def run() -> None:
    lines = size(FULL_LINES)
    client = _client(_setup(lines))
    for label, pattern, baseline, baseline_label in PAGES:
        big, small = pattern.format(no=BIG), pattern.format(no=baseline)
        for url in (big, small):
            _get(client, url)  # warm
        counts = (_queries(client, big), _queries(client, small))
        a, b = interleave(_requests(client, big, REPEAT), _requests(client, small, REPEAT))
        ratio = a.median / b.median if b.median else float("inf")
        record(
            f"{label}, 1,000,000 vs {baseline_label}",
            lines,
            a,
            b,
            target=TARGET,
            met=ratio <= TARGET and counts[0] == counts[1],
            note=f"queries {counts[0]} vs {counts[1]}",
        )
