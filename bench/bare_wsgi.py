"""The `api_create` scenario's baseline: the least a server can do per create in the same set-up.

A plain WSGI callable (no Django, no DRF) served by the same gunicorn (2 sync workers) as
`config.wsgi`: per POST it reads and parses the JSON body and, in one transaction on its own
connection (opened once per worker, like Django's persistent connection), inserts ONE row into
`interactions_interactionlogentry` — every column the API's create writes, the description from
the body, the next entry no. (highest + 1, under the same lock the product takes on PostgreSQL)
— and ONE row into `audit_auditentry`, the audit entry the API writes for it (issue 12: the same
columns, the entry no. as its key, the description in its changes), and answers 201 with a small
JSON body. What it leaves out is what the operation adds: the
token check, resolving the codes, the template's defaults, the business rules, the response as
the API shows an entry.

The row's other values (contact, template, group, salesperson, user ids, cost, ...) come, as
JSON, from the environment variable `BARE_ROW` (set by `bench/api_create.py` to the values the
API stores for the same request), the audit row's from `BARE_AUDIT` (likewise). The database
is the one the product would use: DATABASE_URL, else `RAPPORT_DATA_DIR/rapport.sqlite3` with the
product's SQLite settings (WAL, synchronous NORMAL, IMMEDIATE transactions, 20 s busy
timeout).
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

TABLE = "interactions_interactionlogentry"
AUDIT_TABLE = "audit_auditentry"
ENTRY_NO_LOCK = 5065_0001  # rapport.interactions.services.log.ENTRY_NO_LOCK
_connection: Any = None


def _connect() -> Any:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        import psycopg

        return psycopg.connect(url)
    import sqlite3

    folder = Path(os.environ.get("RAPPORT_DATA_DIR") or Path(__file__).parent.parent / "var")
    connection = sqlite3.connect(folder / "rapport.sqlite3", timeout=20, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


def _row() -> dict[str, Any]:
    return dict(json.loads(os.environ["BARE_ROW"]))


def _audit() -> dict[str, Any]:
    return dict(json.loads(os.environ["BARE_AUDIT"]))


def _parameters(values: dict[str, Any], postgres: bool) -> list[Any]:
    return [
        # Django keeps SQLite's datetimes as naive UTC text
        value.replace(tzinfo=None).isoformat(sep=" ")
        if isinstance(value, datetime.datetime) and not postgres
        else value
        for value in values.values()
    ]


def entry_statement(
    row: dict[str, Any], now: datetime.datetime, *, postgres: bool, mark: str
) -> tuple[str, list[Any]]:
    """The entry's INSERT … SELECT (the next entry no. and the row), returning the entry no."""
    values = {**row, "created_at": now, "modified_at": now}
    columns = ", ".join(values)
    # Column names come from the model (api_create's BARE_ROW), the values are parameters.
    marks = ", ".join([mark] * len(values))
    sql = f"INSERT INTO {TABLE} (entry_no, {columns}) SELECT COALESCE(MAX(entry_no), 0) + 1, "
    sql += f"{marks} FROM {TABLE} RETURNING entry_no"
    return sql, _parameters(values, postgres)


def audit_statement(
    audit: dict[str, Any],
    entry_no: int,
    description: str | None,
    now: datetime.datetime,
    *,
    postgres: bool,
    mark: str,
) -> tuple[str, list[Any]]:
    """The audit entry's INSERT: `audit`'s columns (api_create's BARE_AUDIT), the entry no. as
    its key, the request's description in its changes."""
    changes = dict(audit["changes"])
    if description is not None:
        changes["description"] = {"before": None, "after": description}
    values = {
        **audit,
        "at": now,
        "object_key": str(entry_no),
        "changes": json.dumps(changes),
        "details": json.dumps(audit["details"]),
    }
    json_mark = f"CAST({mark} AS jsonb)" if postgres else mark
    marks = ", ".join(json_mark if column in ("changes", "details") else mark for column in values)
    # Column names come from the model (api_create's BARE_AUDIT), the values are parameters.
    sql = f"INSERT INTO {AUDIT_TABLE} ({', '.join(values)}) VALUES ({marks})"  # noqa: S608
    return sql, _parameters(values, postgres)


def _insert(row: dict[str, Any], audit: dict[str, Any], description: str | None) -> int:
    """One transaction: the next entry no. and the row, in one INSERT … SELECT, then its audit
    entry."""
    global _connection
    if _connection is None:
        _connection = _connect()
    now = datetime.datetime.now(datetime.UTC)
    postgres = bool(os.environ.get("DATABASE_URL"))
    mark = "%s" if postgres else "?"
    sql, parameters = entry_statement(row, now, postgres=postgres, mark=mark)
    if postgres:
        with _connection.transaction(), _connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ENTRY_NO_LOCK])
            cursor.execute(sql, parameters)
            entry_no = int(cursor.fetchone()[0])
            cursor.execute(
                *audit_statement(audit, entry_no, description, now, postgres=True, mark=mark)
            )
            return entry_no
    cursor = _connection.cursor()
    cursor.execute("BEGIN IMMEDIATE")
    try:
        entry_no = int(cursor.execute(sql, parameters).fetchone()[0])
        cursor.execute(
            *audit_statement(audit, entry_no, description, now, postgres=False, mark=mark)
        )
    except BaseException:
        cursor.execute("ROLLBACK")
        raise
    cursor.execute("COMMIT")
    return entry_no


_ROW: dict[str, Any] | None = None
_AUDIT: dict[str, Any] | None = None


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    global _ROW, _AUDIT
    if environ["REQUEST_METHOD"] != "POST":
        start_response("405 Method Not Allowed", [("Content-Length", "0")])
        return [b""]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = json.loads(environ["wsgi.input"].read(length) or b"{}")
    if _ROW is None:
        _ROW, _AUDIT = _row(), _audit()
    row = dict(_ROW)
    description = None
    if body.get("description"):
        description = row["description"] = row["subject"] = str(body["description"])[:100]
    entry_no = _insert(row, _AUDIT or {}, description)
    payload = json.dumps({"entry_no": entry_no}).encode()
    start_response(
        "201 Created",
        [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
    )
    return [payload]
