"""`python -m bench [SCENARIO ...]`: every scenario (or the named ones), each in its own process
on its own fresh database, thrown away afterwards (deleting a million rows costs more than the
scenario): SQLite in a temporary folder, or, when DATABASE_URL is set, a new PostgreSQL
database made from a migrated template on that server. Results are printed and gathered into
`bench/results/latest.json` (or BENCH_RESULTS): the newest result per scenario and database.

Sizes and runs: `QUICK=1` (a tenth), `BENCH_ROWS=N` (at most N rows), `BENCH_RUNS=N`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# In the order they run. Each is a module `bench/<name>.py` with a `run()`.
SCENARIOS = [
    "numbering",
    "contacts",
    "segments_add",
    "segments_log",
    "segment_views",
    "contact_views",
    "api_create",
    "create_during_log",
    "delivery",
]
ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(os.environ.get("BENCH_RESULTS") or ROOT / "bench" / "results" / "latest.json")


def _run(command: list[str], env: dict[str, str]) -> int:
    return subprocess.call(command, cwd=ROOT, env=env)


class SQLiteDatabases:
    """A migrated template file, copied for every scenario."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.template = work / "template"

    def prepare(self, env: dict[str, str]) -> int:
        env = {**env, "RAPPORT_DATA_DIR": str(self.template)}
        self.template.mkdir()
        return _run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env)

    def fresh(self, name: str, env: dict[str, str]) -> dict[str, str]:
        folder = self.work / name
        shutil.copytree(self.template, folder)
        return {**env, "RAPPORT_DATA_DIR": str(folder)}

    def discard(self, name: str) -> None:
        shutil.rmtree(self.work / name, ignore_errors=True)

    def close(self) -> None:
        pass


class PostgreSQLDatabases:
    """A migrated template database on DATABASE_URL's server; every scenario gets a copy
    (CREATE DATABASE … TEMPLATE), dropped afterwards."""

    TEMPLATE = "rapport_bench_template"

    def __init__(self, work: Path, url: str) -> None:
        self.work = work
        self.url = url

    def _url(self, name: str) -> str:
        parts = urlsplit(self.url)
        return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(sql)

    def prepare(self, env: dict[str, str]) -> int:
        self._admin(f"DROP DATABASE IF EXISTS {self.TEMPLATE} WITH (FORCE)")
        self._admin(f"CREATE DATABASE {self.TEMPLATE}")
        env = {**env, "DATABASE_URL": self._url(self.TEMPLATE)}
        return _run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env)

    def fresh(self, name: str, env: dict[str, str]) -> dict[str, str]:
        database = f"rapport_bench_{name}"
        self._admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        self._admin(f"CREATE DATABASE {database} TEMPLATE {self.TEMPLATE}")
        folder = self.work / name
        folder.mkdir()
        return {**env, "DATABASE_URL": self._url(database), "RAPPORT_DATA_DIR": str(folder)}

    def discard(self, name: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS rapport_bench_{name} WITH (FORCE)")
        shutil.rmtree(self.work / name, ignore_errors=True)

    def close(self) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {self.TEMPLATE} WITH (FORCE)")


def _gather(result_file: Path) -> list[dict]:
    if not result_file.exists():
        return []
    return [json.loads(line) for line in result_file.read_text().splitlines() if line.strip()]


def _save(new: list[dict]) -> None:
    """Keep the newest result per (scenario, database) in RESULTS."""
    try:
        kept = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    except ValueError:
        kept = []
    replaced = {(row["scenario"], row["database"]) for row in new}
    merged = [row for row in kept if (row["scenario"], row["database"]) not in replaced] + new
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(merged, indent=2) + "\n")


def main(argv: list[str]) -> int:
    names = argv or SCENARIOS
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown:
        print(f"unknown scenario(s): {', '.join(unknown)}; known: {', '.join(SCENARIOS)}")
        return 2
    work = Path(tempfile.mkdtemp(prefix="rapport-bench-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONUNBUFFERED": "1"}
    url = env.get("DATABASE_URL", "")
    databases = PostgreSQLDatabases(work, url) if url else SQLiteDatabases(work)
    if not url:
        env.pop("DATABASE_URL", None)
    failed: list[str] = []
    started = time.perf_counter()
    try:
        if databases.prepare(env) != 0:
            print("bench: migrating the template database failed")
            return 1
        for name in names:
            result_file = work / f"{name}.jsonl"
            scenario_env = {**databases.fresh(name, env), "BENCH_RESULT_FILE": str(result_file)}
            began = time.perf_counter()
            print(f"== {name}", flush=True)
            status = _run([sys.executable, "-m", "bench.one", name], scenario_env)
            databases.discard(name)
            results = _gather(result_file)
            if status != 0 or not results:
                failed.append(name)
            _save(results)
            print(f"   ({name}: {time.perf_counter() - began:.0f} s)", flush=True)
    finally:
        databases.close()
        shutil.rmtree(work, ignore_errors=True)
    print(f"bench: {time.perf_counter() - started:.0f} s; results in {RESULTS}")
    if failed:
        print(f"bench: FAILED: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
