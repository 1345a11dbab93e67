"""The bench smoke run of `make test`, started in the background as soon as its tests are
collected (tests/bench/conftest.py) and waited for by them (test_bench_smoke.py).

`python -m bench` at BENCH_ROWS=1000 BENCH_RUNS=1 takes 1.5–2 minutes, mostly in its own
subprocesses. Run inside a test, it kept one pytest-xdist worker waiting for it (the other
waited on its lock); started at collection, it runs beside the suite. The first process to
take the lock starts it; a `status` file appears when it ends."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ROWS = 1000
TIMEOUT = 1200  # seconds: a hung scenario fails the run instead of stalling the suite
SMOKE_FILE = "tests/bench/test_bench_smoke.py"


@dataclass
class Finished:
    status: int
    output: str
    seconds: float


def folder(config: Any) -> Path:
    """The folder shared by every process of this pytest session."""
    base = config._tmp_path_factory.getbasetemp()
    shared = base.parent if hasattr(config, "workerinput") else base
    path = shared / "bench-smoke"
    path.mkdir(exist_ok=True)
    return path


def start(path: Path) -> None:
    """Start the run unless another process of this session already did."""
    with open(path / "start.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if (path / "started").exists():
                return
            env = {
                **os.environ,
                "BENCH_ROWS": str(ROWS),
                "BENCH_RUNS": "1",
                "BENCH_RESULTS": str(path / "results.json"),
                "PYTHONUNBUFFERED": "1",
            }
            env.pop("QUICK", None)
            # The wrapper writes the exit status and the seconds taken when the run ends.
            script = (
                "import subprocess, sys, time, json\n"
                "started = time.perf_counter()\n"
                f"out = open({str(path / 'output.txt')!r}, 'w')\n"
                "try:\n"
                "    status = subprocess.run([sys.executable, '-m', 'bench'], stdout=out,\n"
                f"        stderr=subprocess.STDOUT, timeout={TIMEOUT}).returncode\n"
                "except subprocess.TimeoutExpired:\n"
                "    status = -9\n"
                "seconds = time.perf_counter() - started\n"
                f"open({str(path / 'status.json')!r}, 'w').write(\n"
                "    json.dumps({'status': status, 'seconds': seconds}))\n"
            )
            subprocess.Popen(
                [sys.executable, "-c", script],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            (path / "started").write_text(str(time.time()))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def finished(path: Path, *, timeout: float) -> Finished:
    """Wait for the run started by `start` (at most `timeout` seconds more)."""
    start(path)  # when the collection hook did not (e.g. the tests were run by node id)
    status_file = path / "status.json"
    deadline = time.monotonic() + timeout + 60
    while not status_file.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the bench smoke run did not end within {timeout} s")
        time.sleep(0.5)
    time.sleep(0.1)  # the wrapper writes the file in one call; let it close
    data = json.loads(status_file.read_text())
    output = (path / "output.txt").read_text() if (path / "output.txt").exists() else ""
    return Finished(int(data["status"]), output, float(data["seconds"]))
