"""The `api_create` scenario's baseline: the least a server can do per create in the same set-up.

A plain WSGI callable (no Django, no DRF) served by the same gunicorn (2 sync workers) as
`config.wsgi`: per POST it reads and parses the JSON body and, in one transaction on its own
connection (opened once per worker, like Django's persistent connection), inserts ONE row into
`interactions_interactionlogentry` — every column the API's create writes, the description from
the body, the next entry no. (highest + 1, under the same lock the product takes on PostgreSQL)
— and answers 201 with a small JSON body. What it leaves out is what the operation adds: the
token check, resolving the codes, the template's defaults, the business rules, the response as
the API shows an entry.

The row's other values (contact, template, group, salesperson, user ids, cost, ...) come, as
JSON, from the environment variable `BARE_ROW` (set by `bench/api_create.py` to the values the
API stores for the same request). The database is the one the product would use: DATABASE_URL,
else `RAPPORT_DATA_DIR/rapport.sqlite3` with the product's SQLite settings (WAL, synchronous
NORMAL, IMMEDIATE transactions, 20 s busy timeout).
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

TABLE = "interactions_interactionlogentry"
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


def _insert(row: dict[str, Any]) -> int:
    """One transaction: the next entry no. and the row, in one INSERT … SELECT."""
    global _connection
    if _connection is None:
        _connection = _connect()
    now = datetime.datetime.now(datetime.UTC)
    values = {**row, "created_at": now, "modified_at": now}
    columns = ", ".join(values)
    postgres = bool(os.environ.get("DATABASE_URL"))
    mark = "%s" if postgres else "?"
    # Column names come from the model (api_create's BARE_ROW), the values are parameters.
    marks = ", ".join([mark] * len(values))
    sql = f"INSERT INTO {TABLE} (entry_no, {columns}) SELECT COALESCE(MAX(entry_no), 0) + 1, "
    sql += f"{marks} FROM {TABLE} RETURNING entry_no"
    parameters = [
        # Django keeps SQLite's datetimes as naive UTC text
        value.replace(tzinfo=None).isoformat(sep=" ")
        if isinstance(value, datetime.datetime) and not postgres
        else value
        for value in values.values()
    ]
    if postgres:
        with _connection.transaction(), _connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ENTRY_NO_LOCK])
            cursor.execute(sql, parameters)
            return int(cursor.fetchone()[0])
    cursor = _connection.cursor()
    cursor.execute("BEGIN IMMEDIATE")
    try:
        entry_no = int(cursor.execute(sql, parameters).fetchone()[0])
    except BaseException:
        cursor.execute("ROLLBACK")
        raise
    cursor.execute("COMMIT")
    return entry_no


_ROW: dict[str, Any] | None = None


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    global _ROW
    if environ["REQUEST_METHOD"] != "POST":
        start_response("405 Method Not Allowed", [("Content-Length", "0")])
        return [b""]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = json.loads(environ["wsgi.input"].read(length) or b"{}")
    if _ROW is None:
        _ROW = _row()
    row = dict(_ROW)
    if body.get("description"):
        row["description"] = row["subject"] = str(body["description"])[:100]
    entry_no = _insert(row)
    payload = json.dumps({"entry_no": entry_no}).encode()
    start_response(
        "201 Created",
        [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
    )
    return [payload]
