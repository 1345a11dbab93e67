"""The bench cannot rot: `python -m bench` runs every scenario at 1,000 rows, one run each
(BENCH_ROWS=1000 BENCH_RUNS=1), in a subprocess, on SQLite or (DATABASE_URL set, the PostgreSQL
run of `make test`) on fresh databases of that server, its results in a temporary
BENCH_RESULTS. One test case per scenario (a missing or failing module fails its own case),
plus one for the run as a whole (exit 0, every result well-formed and attributed to a
scenario). The run happens once per test session, also under pytest-xdist: the first worker to
collect these tests starts it in the background (tests/bench/bench_smoke.py), these tests are
put last, and they wait for it: it runs beside the rest of the suite."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bench.__main__ import SCENARIOS
from bench.runner import Result
from tests.bench import bench_smoke

ROOT = Path(__file__).resolve().parents[2]
KEYS = {item.name for item in dataclasses.fields(Result)}
ROWS = bench_smoke.ROWS


@dataclass
class BenchRun:
    """What one `python -m bench` run left: exit status, output (split per scenario), results."""

    status: int
    output: str
    results: list[dict[str, Any]]
    seconds: float
    blocks: dict[str, list[str]] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        current = None
        for line in self.output.splitlines():
            if line.startswith("== "):
                current = line[3:].strip()
                self.blocks[current] = []
            elif line.startswith("bench: FAILED: "):
                self.failed = {name.strip() for name in line[15:].split(",")}
            elif current is not None:
                self.blocks[current].append(line)

    def scenario_of(self, result: dict[str, Any]) -> str | None:
        """The scenario (module) whose output printed `result`."""
        for name, lines in self.blocks.items():
            if any(line.startswith(f"{result['scenario']} ") for line in lines):
                return name
        return None

    def results_of(self, scenario: str) -> list[dict[str, Any]]:
        return [result for result in self.results if self.scenario_of(result) == scenario]

    def tail(self, scenario: str | None = None) -> str:
        lines = self.blocks.get(scenario, []) if scenario else self.output.splitlines()
        return "\n".join(lines[-40:])


def _wait(folder: Path) -> BenchRun:
    """The run started in the background at collection (`bench_smoke.start`), once it ends."""
    process = bench_smoke.finished(folder, timeout=bench_smoke.TIMEOUT)
    results = folder / "results.json"
    rows = json.loads(results.read_text()) if results.exists() else []
    return BenchRun(process.status, process.output, rows, process.seconds)


@pytest.fixture(scope="session")
def bench_run(request: pytest.FixtureRequest) -> BenchRun:
    """The session's one bench run, shared by pytest-xdist's workers: started by the first
    worker that collected these tests (tests/bench/conftest.py) while the rest of the suite
    runs, so no worker sits waiting for it."""
    return _wait(bench_smoke.folder(request.config))


def _database() -> str:
    return "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_bench_scenario_runs_and_records(bench_run: BenchRun, scenario: str) -> None:
    """The scenario ran (its module exists and finished) and recorded well-formed results at
    the capped size on this database."""
    assert scenario in bench_run.blocks, f"{scenario} did not run:\n{bench_run.tail()}"
    assert scenario not in bench_run.failed, f"{scenario} failed:\n{bench_run.tail(scenario)}"
    results = bench_run.results_of(scenario)
    assert results, f"{scenario} recorded nothing:\n{bench_run.tail(scenario)}"
    for result in results:
        assert set(result) == KEYS, result
        assert result["database"] == _database(), result
        assert 1 <= result["rows"] <= ROWS, f"{scenario} ignores BENCH_ROWS: {result}"
        assert result["seconds"] >= 0 and result["baseline_seconds"] > 0, result
        assert result["ratio"] == pytest.approx(
            result["seconds"] / result["baseline_seconds"], rel=0.01, abs=0.002
        ), result
        assert result["met"] in (True, False, None), result
        if result["target"] is not None and result["met"] is None:
            pytest.fail(f"a target without a verdict: {result}")


def test_bench_run_exits_0_with_one_result_each(bench_run: BenchRun) -> None:
    """The whole run succeeded, and each result belongs to one scenario and appears once."""
    assert bench_run.status == 0, bench_run.tail()
    keys = [(result["scenario"], result["database"]) for result in bench_run.results]
    assert len(keys) == len(set(keys)), keys
    unattributed = [r["scenario"] for r in bench_run.results if bench_run.scenario_of(r) is None]
    assert not unattributed, unattributed
    assert {bench_run.scenario_of(result) for result in bench_run.results} == set(SCENARIOS)
