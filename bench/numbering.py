"""Drawing numbers: `number_series_next` per draw, each draw in its own transaction, against the
same draw written by hand in raw SQL: per transaction, the series' lines read and locked
(PostgreSQL: FOR NO KEY UPDATE OF the lines, as the service), the next number computed (last
no. used + 1, padded) and one UPDATE of the line's last no. used, last date used and open flag.
Both draw from their own series with the same one line. No target (it shows what the
service's checks cost per draw); rows = draws.

Run alone: `python -m bench numbering` (`QUICK=1`: 50 draws).
"""

from __future__ import annotations

import re

from django.db import connection, transaction
from django.utils import timezone

from bench.runner import interleave, record, size, timed

FULL = 500
DIGITS = re.compile(r"(\d+)$")


def _series(code: str) -> None:
    from rapport.numbering import services

    services.number_series_create(
        code=code,
        description="benchmark",
        default_nos=True,
        manual_nos=False,
        date_order=False,
        lines=[{"starting_no": "B000000001", "ending_no": "B999999999"}],
    )


def _next(last: str, starting: str) -> str:
    if not last:
        return starting
    digits = DIGITS.search(last)
    assert digits is not None
    number = str(int(digits.group(1)) + 1).zfill(len(digits.group(1)))
    return last[: digits.start()] + number


def _raw_draw() -> None:
    """One draw by hand, in its own transaction."""
    lock = ""
    if connection.features.has_select_for_update:
        lock = " FOR NO KEY UPDATE OF l" if connection.vendor == "postgresql" else " FOR UPDATE"
    today = timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT l.id, l.starting_no, l.last_no_used, l.ending_no, l.open "  # noqa: S608
            "FROM numbering_numberseriesline l JOIN numbering_numberseries s "
            f"ON s.id = l.series_id WHERE s.code = %s ORDER BY l.id{lock}",
            ["BENCHRAW"],
        )
        line_id, starting, last, ending, _open = cursor.fetchall()[0]
        number = _next(last, starting)
        if number > ending:
            raise RuntimeError("the bench series ran out")
        cursor.execute(
            "UPDATE numbering_numberseriesline SET last_no_used = %s, last_date_used = %s, "
            "open = %s WHERE id = %s",
            [number, today, number != ending, line_id],
        )


def run() -> None:
    from rapport.numbering import services

    draws = size(FULL)
    _series("BENCH")
    _series("BENCHRAW")

    def with_service() -> float:
        def draw() -> None:
            for _ in range(draws):
                with transaction.atomic():
                    services.number_series_next(code="BENCH")

        return timed(draw)

    def by_hand() -> float:
        def draw() -> None:
            for _ in range(draws):
                _raw_draw()

        return timed(draw)

    a, b = interleave(with_service, by_hand)
    ours = services.number_series_next(code="BENCH")
    with transaction.atomic():
        _raw_draw()
    from rapport.numbering.models import NumberSeriesLine

    raw = NumberSeriesLine.objects.get(series__code="BENCHRAW").last_no_used
    if ours != raw:
        raise RuntimeError(f"the service drew {ours}, the raw draw {raw}")
    record(
        "numbering",
        draws,
        a,
        b,
        target=None,
        note=f"{a.median / draws * 1000:.2f} ms vs {b.median / draws * 1000:.2f} ms per draw",
    )
