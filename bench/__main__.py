"""Run every benchmark on a throw-away database (SQLite, or DATABASE_URL when it is set)."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["RAPPORT_DATA_DIR"] = tempfile.mkdtemp(prefix="rapport-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def best_of(runs: int, function: Callable[[], None]) -> float:
    """The fastest of `runs` timings, in seconds (the least disturbed by other work)."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def report(name: str, figure: float, baseline_name: str, baseline: float, unit: str) -> None:
    ratio = figure / baseline if baseline else float("nan")
    print(
        f"{name:<48} {figure:10.3f} {unit}   "
        f"baseline {baseline_name}: {baseline:.3f} {unit}   ratio {ratio:.2f}x"
    )


def main() -> int:
    setup_django()
    from bench import contacts, delivery, numbering, segments_add, segments_log

    print("Rapport benchmarks (best of several runs; ratio = figure / baseline, lower is better)")
    numbering.run(best_of, report)
    contacts.run(best_of, report)
    segments_add.run(best_of, report)
    segments_log.run(best_of, report)
    delivery.run(best_of, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
