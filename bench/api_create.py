"""`api_create`: `POST /api/v1/interactions/` under a real server, against a bare endpoint.

Operation (A): gunicorn, 2 sync workers, serving `config.wsgi` on a free port of 127.0.0.1
against the scenario's database; 8 client processes (each one `http.client` connection,
reopened when the sync worker closes it, as a keep-alive client does), token-authenticated
(`Authorization: Token …`), together N creates of one interaction each (`{"contact_no",
"template_code", "description"}`: a phone-call template without campaign or attachment, the
salesperson the user's own, the common single create), every answer checked to be 201.

Baseline (B): the same gunicorn set-up serving `bench/bare_wsgi.py`, the same clients and
request bodies; each request inserts one row with the same column values into the same table,
and the same audit entry the create writes (issue 12), in one transaction (see there: no auth,
no lookups, no rules, the floor of this set-up).

Runs interleave (A B, B A, …); the figure is the median seconds per run; ratio = A / B, target
3.03 (throughput at least 0.33 of the bare one). The note gives both in requests per second and
the queries one create makes (measured in process with the test client).
Full size: 5,000 creates per run (`QUICK=1`: 500).
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.runner import interleave, record, say, size, timed

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 8
WORKERS = 2
CONTACTS = 200
TEMPLATE = "BENCHCALL"
USERNAME = "bench-api"


def _set_up() -> tuple[str, list[str]]:
    """A marketing user with a token and a salesperson of their own, CONTACTS persons and a
    phone-call template. Returns the token and the contact nos."""
    from rest_framework.authtoken.models import Token

    from rapport.contacts.services import contact_create, salesperson_create
    from rapport.core.services import user_create
    from rapport.interactions import services

    user = user_create(username=USERNAME, role="marketing", password="Kettle-Orbit-7391")
    salesperson_create(code="BAPI", name="Bench API", user=user)
    group = services.interaction_group_create(code="BPHONE", description="Bench phone calls")
    services.interaction_template_create(
        code=TEMPLATE,
        group=group,
        description="Bench phone call",
        unit_cost="1.50",
        unit_duration=10,
        information_flow="outbound",
        initiated_by="us",
        correspondence_type_default="",
    )
    numbers = [f"BA{index:05d}" for index in range(CONTACTS)]
    for no in numbers:
        contact_create(type="person", no=no, name=f"Bench person {no}")
    token = Token.objects.create(user=user)
    return token.key, numbers


def _queries_per_create(token: str, contact_no: str) -> int:
    """The SQL statements of one create in process (Django's test client, warm; BEGIN, COMMIT
    and savepoints not counted, as in interactions/tests/test_create_queries.py)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    body = json.dumps({"contact_no": contact_no, "template_code": TEMPLATE, "description": "q"})
    client.post("/api/v1/interactions/", body, content_type="application/json")
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/interactions/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")
    return sum(1 for query in queries.captured_queries if not query["sql"].startswith(control))


def _bare_row() -> dict[str, Any]:
    """The column values the API stored for the newest create (the bare endpoint's row)."""
    from rapport.interactions.models import InteractionLogEntry

    skip = {"id", "entry_no", "created_at", "modified_at"}
    entry = InteractionLogEntry.objects.order_by("-entry_no").values().first()
    assert entry is not None
    return {
        (field.column): _plain(entry[field.attname])
        for field in InteractionLogEntry._meta.concrete_fields
        if field.attname not in skip
    }


def _bare_audit() -> dict[str, Any]:
    """The audit entry's columns the API wrote for the newest create (the bare endpoint's audit
    row; its time, key and description are the request's)."""
    from rapport.audit.models import AuditEntry

    audit = (
        AuditEntry.objects.filter(operation="interaction_create")
        .order_by("-id")
        .values("user_id", "username", "source", "operation", "object_type", "changes", "details")
        .first()
    )
    assert audit is not None
    return dict(audit)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)  # dates, times, decimals as the database reads them


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(app: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app,
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn serving {app} exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, port
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"gunicorn serving {app} did not start")


def _server_cpu(server: subprocess.Popen[bytes]) -> float:
    """The CPU seconds (user + system) the server's workers have used so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    total = 0.0
    for pid in children.read_text().split() if children.exists() else []:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


class _Load:
    """Runs of N creates against one server; keeps the workers' CPU seconds per run."""

    def __init__(
        self,
        pool: Any,
        server: subprocess.Popen[bytes],
        port: int,
        token: str,
        contact_nos: list[str],
        creates: int,
    ) -> None:
        self.pool, self.server, self.port = pool, server, port
        self.token, self.contact_nos, self.creates = token, contact_nos, creates
        self.cpu: list[float] = []

    def __call__(self) -> float:
        before = _server_cpu(self.server)
        seconds = timed(
            lambda: _load(self.pool, self.port, self.token, self.contact_nos, self.creates)
        )
        self.cpu.append(_server_cpu(self.server) - before)
        return seconds

    def cpu_ms(self) -> float:
        """The workers' median CPU milliseconds per request."""
        return statistics.median(self.cpu) / self.creates * 1000


def _client(job: tuple[int, str, list[str], int]) -> tuple[int, str]:
    """One client: `count` POSTs over one connection (reopened when the server closes it).
    Returns how many answered 201 and the first other answer."""
    port, token, contact_nos, count = job
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {
        "Authorization": f"Token {token}",
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Connection": "keep-alive",
    }
    created, problem = 0, ""
    for index in range(count):
        body = json.dumps(
            {
                "contact_no": contact_nos[index % len(contact_nos)],
                "template_code": TEMPLATE,
                "description": f"Bench call {index}",
            }
        )
        connection.request("POST", "/api/v1/interactions/", body, headers)
        response = connection.getresponse()
        answer = response.read()
        if response.status == 201:
            created += 1
        elif not problem:
            problem = f"{response.status} {answer[:300]!r}"
        if response.will_close:
            connection.close()
    connection.close()
    return created, problem


def _load(pool: Any, port: int, token: str, contact_nos: list[str], creates: int) -> None:
    share = [creates // CLIENTS + (1 if i < creates % CLIENTS else 0) for i in range(CLIENTS)]
    jobs = [(port, token, contact_nos[i::CLIENTS], share[i]) for i in range(CLIENTS)]
    results = pool.map(_client, jobs)
    created = sum(count for count, _problem in results)
    if created != creates:
        problems = [problem for _count, problem in results if problem]
        raise RuntimeError(f"{created} of {creates} creates answered 201: {problems[:1]}")


def run() -> None:
    from django.db import connections

    from rapport.audit.models import AuditEntry
    from rapport.interactions.models import InteractionLogEntry

    creates = size(5_000, minimum=CLIENTS)
    token, contact_nos = _set_up()
    queries = _queries_per_create(token, contact_nos[0])
    bare_row, bare_audit = _bare_row(), _bare_audit()
    before = InteractionLogEntry.objects.count()
    audited_before = AuditEntry.objects.filter(operation="interaction_create").count()
    connections.close_all()  # the servers and clients open their own
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    app_server, app_port = _serve("config.wsgi:application", env)
    bare_env = {**env, "BARE_ROW": json.dumps(bare_row), "BARE_AUDIT": json.dumps(bare_audit)}
    bare_server, bare_port = _serve("bench.bare_wsgi:application", bare_env)
    pool = multiprocessing.get_context("fork").Pool(CLIENTS)
    try:
        warm = CLIENTS * 4  # every worker imports, connects and reads the token once
        _load(pool, app_port, token, contact_nos, warm)
        _load(pool, bare_port, token, contact_nos, warm)
        say(f"api_create: {creates:,} creates per run, {CLIENTS} clients, {WORKERS} workers")
        app = _Load(pool, app_server, app_port, token, contact_nos, creates)
        bare = _Load(pool, bare_server, bare_port, token, contact_nos, creates)
        operation, baseline = interleave(app, bare)
    finally:
        pool.terminate()
        for server in (app_server, bare_server):
            server.terminate()
            server.wait(timeout=30)
    made = InteractionLogEntry.objects.count() - before
    audited = AuditEntry.objects.filter(operation="interaction_create").count() - audited_before
    expected = 2 * (CLIENTS * 4 + creates * len(operation.samples))
    if made != expected or audited != expected:
        raise RuntimeError(f"{made} entries, {audited} audit entries made, {expected} expected")
    record(
        "api_create",
        creates,
        operation,
        baseline,
        target=3.03,
        note=(
            f"{creates / operation.median:,.0f} creates/s vs bare "
            f"{creates / baseline.median:,.0f}/s; server CPU per request {app.cpu_ms():.2f} ms "
            f"vs bare {bare.cpu_ms():.2f} ms; {queries} queries per create"
        ),
    )
