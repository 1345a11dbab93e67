"""Drawing numbers: the full service (line choice, lock, increment, checks, save) per draw, each
in its own transaction, against the least any locked counter costs: one raw UPDATE of one row
per transaction."""

from __future__ import annotations

from django.db import connection, transaction

DRAWS = 2000


def run(best_of, report) -> None:  # type: ignore[no-untyped-def]
    from rapport.numbering import services
    from rapport.numbering.models import NumberSeries

    NumberSeries.objects.filter(code__in=["BENCH"]).delete()
    services.number_series_create(
        code="BENCH",
        description="benchmark",
        default_nos=True,
        manual_nos=False,
        date_order=False,
        lines=[{"starting_no": "B000000001", "ending_no": "B999999999"}],
    )

    def draw_with_service() -> None:
        for _ in range(DRAWS):
            with transaction.atomic():
                services.number_series_next(code="BENCH")

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_counter (id integer primary key, value bigint)"
        )
        cursor.execute("DELETE FROM bench_counter")
        cursor.execute("INSERT INTO bench_counter (id, value) VALUES (1, 0)")

    def draw_with_raw_update() -> None:
        for _ in range(DRAWS):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("UPDATE bench_counter SET value = value + 1 WHERE id = 1")

    service = best_of(3, draw_with_service)
    raw = best_of(3, draw_with_raw_update)
    report(
        f"number_series_next, {DRAWS} draws (ms/draw)",
        service / DRAWS * 1000,
        "raw UPDATE per transaction",
        raw / DRAWS * 1000,
        "ms",
    )
