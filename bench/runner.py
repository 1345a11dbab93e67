"""The bench's measuring rules, in one place.

- Sizes: every scenario names its full size; `QUICK=1` runs a tenth of it, `BENCH_ROWS=N` caps it
  at N (the smoke run in `make test` uses 1,000).
- Runs: the operation (A) and its baseline (B) run alternately, A B, B A, A B, … (`BENCH_RUNS`
  times each, at least 5 by default), so that a noisy minute hurts both alike; the median is the
  figure, the lowest and highest are its spread.
- Results: each `record` prints one line and appends one JSON object to `BENCH_RESULT_FILE`
  (set by `python -m bench`, which gathers them into `bench/results/latest.json`).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

QUICK = os.environ.get("QUICK", "").strip().lower() in {"1", "true", "yes", "on"}
ROWS_CAP = int(os.environ.get("BENCH_ROWS") or 0) or None
RUNS = max(1, int(os.environ.get("BENCH_RUNS") or 5))


def size(full: int, *, minimum: int = 1) -> int:
    """The number of rows a scenario of `full` rows runs with now (full, a tenth with QUICK=1,
    at most BENCH_ROWS)."""
    rows = full // 10 if QUICK else full
    if ROWS_CAP is not None:
        rows = min(rows, ROWS_CAP)
    return max(minimum, rows)


def database() -> str:
    """`sqlite` or `postgresql`: the database the scenario runs on."""
    from django.db import connection

    return str(connection.vendor)


def timed(function: Callable[[], object]) -> float:
    """The seconds `function()` takes."""
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


@dataclass(frozen=True)
class Timing:
    """The median of several runs, with the lowest and highest as its spread."""

    median: float
    low: float
    high: float
    samples: tuple[float, ...]

    @classmethod
    def of(cls, samples: list[float]) -> Timing:
        return cls(statistics.median(samples), min(samples), max(samples), tuple(samples))

    def spread(self) -> str:
        return f"{self.low:.4g}–{self.high:.4g}"


def interleave(
    operation: Callable[[], float], baseline: Callable[[], float], runs: int | None = None
) -> tuple[Timing, Timing]:
    """Run `operation` (A) and `baseline` (B) alternately, `runs` times each (A B, B A, A B, …).
    Each callable prepares what it needs untimed and returns the seconds of its timed part only
    (use `timed`). Returns the timings of A and of B."""
    count = runs or RUNS
    a: list[float] = []
    b: list[float] = []
    for index in range(count):
        pair = (
            ((operation, a), (baseline, b)) if index % 2 == 0 else ((baseline, b), (operation, a))
        )
        for function, samples in pair:
            samples.append(float(function()))
    return Timing.of(a), Timing.of(b)


def peak_rss_mb(*, children: bool = False) -> float:
    """The peak resident memory of this process (or of its finished children), in MiB."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


@dataclass(frozen=True)
class Result:
    """One line of `bench/results/latest.json`. `ratio` = seconds / baseline_seconds (lower is
    better); `met` says whether the target holds (by default: ratio <= target)."""

    scenario: str
    database: str
    rows: int
    seconds: float
    baseline_seconds: float
    ratio: float
    target: float | None
    met: bool | None
    peak_mb: float | None


def record(
    scenario: str,
    rows: int,
    operation: Timing,
    baseline: Timing,
    *,
    target: float | None,
    met: bool | None = None,
    peak_mb: float | None = None,
    note: str = "",
) -> Result:
    """Print and keep one result. `target` is the highest acceptable ratio (None: no target);
    pass `met` when the target is not a plain ratio (a latency, a memory limit)."""
    ratio = operation.median / baseline.median if baseline.median else float("inf")
    if met is None and target is not None:
        met = ratio <= target
    result = Result(
        scenario=scenario,
        database=database(),
        rows=rows,
        seconds=round(operation.median, 6),
        baseline_seconds=round(baseline.median, 6),
        ratio=round(ratio, 3),
        target=target,
        met=met,
        peak_mb=peak_mb,
    )
    verdict = "" if met is None else ("  met" if met else "  NOT MET")
    print(
        f"{scenario:<44} {result.database:<10} rows {rows:>9,}  "
        f"{operation.median:9.4f} s [{operation.spread()}]  "
        f"baseline {baseline.median:9.4f} s [{baseline.spread()}]  "
        f"ratio {ratio:6.2f}x (target {target if target is not None else '-'}){verdict}"
        + (f"  peak {peak_mb} MiB" if peak_mb is not None else "")
        + (f"  ({note})" if note else ""),
        flush=True,
    )
    path = os.environ.get("BENCH_RESULT_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(result)) + "\n")
    return result


def say(text: str) -> None:
    """A progress line (set-up times and the like), to stderr so results stay readable."""
    print(f"  {text}", file=sys.stderr, flush=True)
