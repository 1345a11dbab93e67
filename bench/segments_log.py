"""`rapport log-segment` of a 1,000,000-line segment as a whole process (interpreter and Django
start-up included, `--no-deliver`), against a process doing the same work in one raw SQL
transaction (Python with sqlite3 / psycopg only, no Django).

The same work, statement for statement:

* the segment locked (PostgreSQL: `SELECT … FOR UPDATE`), the "already logged" check, the
  count of lines with a contact and the check of the lines (date, salesperson, template, the
  contact not privacy blocked: the first ten wrong ones);
* the logged-segment row (every column; entry no. = highest + 1);
* one campaign entry per campaign the lines use (date and salesperson of its first line,
  register no. = the logged segment, entry no. = highest + 1);
* the interaction log entries: one INSERT … SELECT writing every column of the entry
  (entry nos. consecutive in line order, the group from the line or its template, the
  correspondence type cleared for a contact without e-mail address / fax no., the campaign
  entry, the logged segment, the user, the times), joining the contact and the template as
  the product does;
* the interaction totals (issue 11, H4): the product's own upsert statements, captured from
  `interaction_totals_apply_log` (run without executing) and replayed with the new logged
  segment no.;
* the segment deleted with its history, lines, criteria actions and language rows;
* the log's one audit entry (issue 12: the logged segment, the number of interactions, the
  campaigns; the user and where the log came from);
* one commit.

Not in the baseline, because the product does it only to answer or to support options the
bench does not use: the scan for the lines' attachments (none here) and the deliver check.

Between runs (untimed) the database is put back as it was after the set-up (SQLite: the file
copied back; PostgreSQL: the database re-created from a template copy), so every run starts
from the same state: no entries, no totals, the segment with its lines and history. Peak
memory: the log-segment process's own peak RSS (VmHWM, via `bench/peak.py`), the highest of
its runs; met = ratio <= 1.2 and peak <= 150 MiB. (`_wipe` and `_copy_segment` do the same
inside one database, for tests/bench/test_bench_baselines.py, which compares the rows both
sides write.)

Run alone: `python -m bench segments_log` (`QUICK=1` for 100,000 lines).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.runner import interleave, record, say, size

FULL = 1_000_000
TARGET = 1.2
PEAK_LIMIT_MB = 150.0
SEGMENT_NO = "BENCHLOG"
PRISTINE_NO = "BENCHLOGSRC"  # the source of `_copy_segment` (used by the bench's tests)
CONTACT_PREFIX = "BL"
ROOT = Path(__file__).resolve().parent.parent
MARKER = -987_654_321  # stands for the new logged segment no. in the captured totals SQL

LOGGED_COLUMNS = (
    "entry_no",
    "segment_no",
    "description",
    "creation_date",
    "user_id",
    "canceled",
    "follow_up_segment_no",
)
CAMPAIGN_ENTRY_COLUMNS = (
    "entry_no",
    "campaign_id",
    "description",
    "date",
    "user_id",
    "salesperson_id",
    "segment_no",
    "register_no",
    "canceled",
    "created_at",
)
ENTRY_COLUMNS = (
    "entry_no",
    "contact_id",
    "contact_company_id",
    "template_id",
    "group_id",
    "description",
    "subject",
    "salesperson_id",
    "date",
    "time",
    "cost",
    "duration",
    "information_flow",
    "initiated_by",
    "evaluation",
    "attempt_failed",
    "correspondence_type",
    "language_id",
    "campaign_id",
    "campaign_entry_id",
    "campaign_target",
    "campaign_response",
    "segment_no",
    "logged_segment_entry_no",
    "attachment_id",
    "canceled",
    "postponed",
    "delivery_status",
    "delivery_error",
    "user_id",
    "created_at",
    "modified_at",
)

# ---------------------------------------------------------------------------------------------
# The baseline process: `python -m bench.segments_log --raw PLAN.json` (no Django).


def _raw_connect(plan: dict[str, Any]) -> tuple[Any, Any]:
    """A connection and a function running Django-style SQL (%s placeholders) on it."""
    if plan["vendor"] == "postgresql":
        import psycopg

        connection = psycopg.connect(plan["url"], cursor_factory=psycopg.ClientCursor)

        def execute(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> Any:
            return connection.execute(sql, params)

        return connection, execute
    import sqlite3

    connection = sqlite3.connect(plan["path"], isolation_level=None, timeout=20)
    connection.execute("PRAGMA foreign_keys = ON")  # as Django's connection has them
    connection.execute("PRAGMA synchronous = NORMAL")
    placeholder = re.compile(r"(?<!%)%s")

    def execute_sqlite(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> Any:
        return connection.execute(placeholder.sub("?", sql).replace("%%", "%"), params)

    return connection, execute_sqlite


def _now(plan: dict[str, Any]) -> Any:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    return now if plan["vendor"] == "postgresql" else now.replace(tzinfo=None).isoformat(" ")


def _raw_checks(execute: Any, plan: dict[str, Any]) -> int:
    lock = " FOR UPDATE" if plan["vendor"] == "postgresql" else ""
    execute(f"SELECT id FROM segments_segment WHERE id = %s{lock}", [plan["segment_id"]])  # noqa: S608
    already = "SELECT 1 FROM segments_loggedsegment WHERE segment_no = %s"
    if execute(already, [plan["segment_no"]]).fetchone():
        raise SystemExit("already logged")
    count = execute(
        "SELECT COUNT(*) FROM segments_segmentline WHERE segment_id = %s "
        "AND contact_id IS NOT NULL",
        [plan["segment_id"]],
    ).fetchone()[0]
    wrong = execute(
        "SELECT l.line_no FROM segments_segmentline l JOIN contacts_contact c "
        "ON c.id = l.contact_id WHERE l.segment_id = %s AND (l.date IS NULL OR "
        "l.salesperson_id IS NULL OR l.template_id IS NULL OR c.privacy_blocked) "
        "ORDER BY l.line_no LIMIT 10",
        [plan["segment_id"]],
    ).fetchall()
    if wrong or not count:
        raise SystemExit(f"cannot log: {len(wrong)} wrong lines, {count} lines")
    return int(count)


def _raw_campaign_entries(execute: Any, plan: dict[str, Any], logged_no: int) -> dict[int, int]:
    """One campaign entry per campaign the lines use: {campaign id: campaign entry id}."""
    firsts = execute(
        "SELECT campaign_id, MIN(line_no) FROM segments_segmentline WHERE segment_id = %s "
        "AND contact_id IS NOT NULL AND campaign_id IS NOT NULL GROUP BY campaign_id "
        "ORDER BY campaign_id",
        [plan["segment_id"]],
    ).fetchall()
    entries = {}
    for campaign_id, line_no in firsts:
        date, salesperson_id = execute(
            "SELECT date, salesperson_id FROM segments_segmentline WHERE segment_id = %s "
            "AND line_no = %s",
            [plan["segment_id"], line_no],
        ).fetchone()
        entries[campaign_id] = execute(
            f"INSERT INTO campaigns_campaignentry ({', '.join(CAMPAIGN_ENTRY_COLUMNS)}) "  # noqa: S608
            "VALUES ((SELECT COALESCE(MAX(entry_no), 0) + 1 FROM campaigns_campaignentry), "
            "%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [
                campaign_id,
                plan["description"],
                date or plan["today"],
                plan["user_id"],
                salesperson_id,
                plan["segment_no"],
                logged_no,
                False,
                _now(plan),
            ],
        ).fetchone()[0]
    return entries


def _raw_entries(execute: Any, plan: dict[str, Any], logged_no: int, campaigns: dict) -> int:
    highest = execute(
        "SELECT COALESCE(MAX(entry_no), 0) FROM interactions_interactionlogentry"
    ).fetchone()[0]
    whens = " ".join("WHEN l.campaign_id = %s THEN %s" for _ in campaigns)
    campaign_entry = f"CASE {whens} END" if campaigns else "NULL"
    now = _now(plan)
    cursor = execute(
        f"INSERT INTO interactions_interactionlogentry ({', '.join(ENTRY_COLUMNS)}) "  # noqa: S608
        "SELECT %s + ROW_NUMBER() OVER (ORDER BY l.line_no), l.contact_id, l.contact_company_id, "
        "l.template_id, COALESCE(l.group_id, t.group_id), l.description, l.subject, "
        "l.salesperson_id, l.date, l.time, l.cost, l.duration, l.information_flow, "
        "l.initiated_by, l.evaluation, l.attempt_failed, "
        "CASE WHEN l.correspondence_type = 'email' AND COALESCE(c.email, '') = '' THEN '' "
        "WHEN l.correspondence_type = 'fax' AND COALESCE(c.fax_no, '') = '' THEN '' "
        "ELSE l.correspondence_type END, "
        f"l.language_id, l.campaign_id, {campaign_entry}, l.campaign_target, "
        "l.campaign_response, %s, %s, NULL, %s, %s, '', '', %s, %s, %s "
        "FROM segments_segmentline l JOIN contacts_contact c ON c.id = l.contact_id "
        "JOIN interactions_interactiontemplate t ON t.id = l.template_id "
        "WHERE l.segment_id = %s ORDER BY l.line_no",
        [
            highest,
            *[value for pair in campaigns.items() for value in pair],
            plan["segment_no"],
            logged_no,
            False,
            False,
            plan["user_id"],
            now,
            now,
            plan["segment_id"],
        ],
    )
    return int(cursor.rowcount)


def _raw_audit(
    execute: Any, plan: dict[str, Any], logged_no: int, campaigns: dict, count: int
) -> None:
    """The log's one audit entry, as `rapport.segments.services.auditing.audit_log` writes it."""
    nos: list[str] = []
    if campaigns:
        marks = ", ".join(["%s"] * len(campaigns))
        sql = f"SELECT no FROM campaigns_campaign WHERE id IN ({marks}) ORDER BY no"  # noqa: S608
        nos = [row[0] for row in execute(sql, list(campaigns)).fetchall()]
    details: dict[str, Any] = {
        "logged_segment_entry_no": logged_no,
        "no_of_interactions": count,
        "follow_up_segment_no": None,
        "follow_up_no_of_lines": 0,
        "deliver": False,
        "deliveries": {},
        "campaign_nos": nos,
    }
    execute(
        "INSERT INTO audit_auditentry (at, user_id, username, source, operation, object_type, "
        "object_key, changes, details) VALUES (%s, %s, %s, %s, 'segment_log', 'segment', %s, "
        "'{}', %s)",
        [
            _now(plan),
            plan["user_id"],
            plan["username"],
            plan["source"],
            plan["segment_no"],
            json.dumps(details),
        ],
    )


def raw_work(execute: Any, plan: dict[str, Any]) -> int:
    """The baseline's statements (`execute(sql, params)` runs Django-style SQL inside the
    caller's transaction); returns the number of entries written."""
    count = _raw_checks(execute, plan)
    logged_no = execute(
        f"INSERT INTO segments_loggedsegment ({', '.join(LOGGED_COLUMNS)}) "  # noqa: S608
        "VALUES ((SELECT COALESCE(MAX(entry_no), 0) + 1 FROM segments_loggedsegment), "
        "%s, %s, %s, %s, %s, '') RETURNING entry_no",
        [plan["segment_no"], plan["description"], plan["today"], plan["user_id"], False],
    ).fetchone()[0]
    campaigns = _raw_campaign_entries(execute, plan, logged_no)
    inserted = _raw_entries(execute, plan, logged_no, campaigns)
    for sql, params in plan["totals"]:
        execute(sql, [logged_no if value == MARKER else value for value in params])
    for table, column in plan["children"]:
        execute(f"DELETE FROM {table} WHERE {column} = %s", [plan["segment_id"]])  # noqa: S608
    execute("DELETE FROM segments_segment WHERE id = %s", [plan["segment_id"]])
    if inserted != count:
        raise SystemExit(f"inserted {inserted} of {count}")
    _raw_audit(execute, plan, logged_no, campaigns, inserted)
    return inserted


def raw_log(plan: dict[str, Any]) -> int:
    """The whole baseline process: connect, `raw_work` in one transaction, commit."""
    connection, execute = _raw_connect(plan)
    if plan["vendor"] == "sqlite":
        execute("BEGIN IMMEDIATE")
    inserted = raw_work(execute, plan)
    if plan["vendor"] == "sqlite":
        execute("COMMIT")
    else:
        connection.commit()
    connection.close()
    return inserted


# ---------------------------------------------------------------------------------------------
# The scenario (Django)


def _qn(name: str) -> str:
    from django.db import connection

    return str(connection.ops.quote_name(name))


def _columns(model: Any, skip: tuple[str, ...] = ()) -> list[Any]:
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in skip]


def _check_columns() -> None:
    """The baseline writes every column of the rows it inserts: fail loudly when a model gains
    one the baseline does not know."""
    from rapport.campaigns.models import CampaignEntry
    from rapport.interactions.models import InteractionLogEntry
    from rapport.segments.models import LoggedSegment

    for model, columns in (
        (LoggedSegment, LOGGED_COLUMNS),
        (CampaignEntry, CAMPAIGN_ENTRY_COLUMNS),
        (InteractionLogEntry, ENTRY_COLUMNS),
    ):
        have = {f.column for f in _columns(model)}
        if have != set(columns):
            raise RuntimeError(f"{model.__name__}: baseline columns differ: {have ^ set(columns)}")


def _children() -> list[tuple[str, str]]:
    """(table, column) of the rows that refer to a segment, history and lines first (the order
    `segment_delete` deletes in)."""
    from rapport.segments.models import Segment

    rows = [(r.related_model._meta.db_table, r.field.column) for r in Segment._meta.related_objects]
    first = ["segments_segmenthistory", "segments_segmentline"]
    return sorted(rows, key=lambda row: (first.index(row[0]) if row[0] in first else 2, row))


def _totals_statements() -> list[tuple[str, list[Any]]]:
    """The SQL `interaction_totals_apply_log(no, 1)` runs, captured without executing it
    (MARKER in place of the logged segment no.)."""
    from django.db import connection

    try:
        from rapport.interactions.services.totals import interaction_totals_apply_log
    except ImportError:  # until H4 lands
        return []
    captured: list[tuple[str, list[Any]]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> None:
        captured.append((sql, [str(v) if hasattr(v, "label") else v for v in params or []]))

    with connection.execute_wrapper(capture):
        interaction_totals_apply_log(MARKER, 1)
    return captured


def _wipe() -> None:
    """Throw away every logged entry, total, campaign entry and logged segment (the bench's
    database holds nothing else of them)."""
    from django.db import connection

    from rapport.campaigns.models import CampaignEntry
    from rapport.interactions.models import InteractionLogEntry, InteractionTotal
    from rapport.segments.models import LoggedSegment

    tables = [
        m._meta.db_table
        for m in (InteractionLogEntry, InteractionTotal, CampaignEntry, LoggedSegment)
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # inside a test's transaction
            cursor.execute(f"TRUNCATE {', '.join(_qn(t) for t in tables)} CASCADE")
            return
        cursor.execute("PRAGMA foreign_keys = OFF")
        try:
            for table in tables:
                cursor.execute(f"DELETE FROM {_qn(table)}")  # noqa: S608
        finally:
            cursor.execute("PRAGMA foreign_keys = ON")


def _copy_segment(source_id: int, no: str) -> int:
    """A copy of segment `source_id` numbered `no`, with all its rows: one INSERT … SELECT per
    table, in one transaction. Returns the new segment's id."""
    from django.db import connection, transaction

    from rapport.segments.models import Segment

    fields = _columns(Segment)
    columns = ", ".join(_qn(f.column) for f in fields)
    picked = ", ".join("%s" if f.attname == "no" else _qn(f.column) for f in fields)
    table = _qn(Segment._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {picked} FROM {table} WHERE id = %s",  # noqa: S608
            [no, source_id],
        )
        new_id = Segment.objects.get(no=no).pk
        for relation in Segment._meta.related_objects:
            model = relation.related_model
            child = _columns(model)
            names = ", ".join(_qn(f.column) for f in child)
            values = ", ".join(
                "%s" if f.column == relation.field.column else _qn(f.column) for f in child
            )
            cursor.execute(
                f"INSERT INTO {_qn(model._meta.db_table)} ({names}) SELECT {values} "  # noqa: S608
                f"FROM {_qn(model._meta.db_table)} WHERE {_qn(relation.field.column)} = %s",
                [new_id, source_id],
            )
    return int(new_id)


def _analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _process(command: list[str]) -> tuple[float, float]:
    """Run `command` (a Python program: `sys.executable -m MODULE …` or a console script) as a
    process under `bench.peak`; its wall seconds and its own peak RSS in MiB (VmHWM: see
    bench/peak.py for why not `wait4`'s ru_maxrss). Fails on an error."""
    program = command[1:] if command[0] == sys.executable else command
    with tempfile.TemporaryFile() as output, tempfile.NamedTemporaryFile("r") as peak:
        wrapped = [sys.executable, "-m", "bench.peak", peak.name, *program]
        started = time.perf_counter()
        process = subprocess.run(wrapped, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
        seconds = time.perf_counter() - started
        if process.returncode != 0:
            output.seek(0)
            raise RuntimeError(f"{command} failed: {output.read().decode()[-2000:]}")
        return seconds, float(peak.read().strip() or 0)


def _plan(segment: Any, user: Any, source: str | None = None) -> dict[str, Any]:
    """What the raw process needs; `source`: where the product's log comes from (its audit
    entry's; default: as here)."""
    from django.db import connection
    from django.utils import timezone

    from rapport.core.acting import resolve_actor

    settings = connection.settings_dict
    return {
        "vendor": connection.vendor,
        "path": str(settings["NAME"]),
        "url": os.environ.get("DATABASE_URL", ""),
        "segment_id": segment.pk,
        "segment_no": segment.no,
        "description": segment.description,
        "user_id": user.pk,
        "username": user.get_username(),
        "source": source or resolve_actor(user)[2],
        "today": timezone.localdate().isoformat(),
        "totals": _totals_statements(),
        "children": _children(),
    }


class Snapshot:
    """The scenario's database as it is after the set-up, put back before every run: SQLite
    copies the file (after a checkpoint), PostgreSQL re-creates the database from a template
    copy (`CREATE DATABASE … TEMPLATE … STRATEGY FILE_COPY`). Far quicker than deleting a
    million entries and copying a million lines back, and every run starts byte-identical."""

    def __init__(self) -> None:
        from django.db import connection

        self.vendor = connection.vendor
        self.name = str(connection.settings_dict["NAME"])
        self.copy = f"{self.name}.pristine" if self.vendor == "sqlite" else f"{self.name}_pristine"

    def _admin(self, sql: str) -> None:
        from urllib.parse import urlsplit, urlunsplit

        import psycopg

        parts = urlsplit(os.environ["DATABASE_URL"])
        url = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, parts.fragment))
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(sql)

    def _clone(self, source: str, target: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)")
        try:
            self._admin(f"CREATE DATABASE {target} TEMPLATE {source} STRATEGY FILE_COPY")
        except Exception:  # before PostgreSQL 15: no STRATEGY
            self._admin(f"CREATE DATABASE {target} TEMPLATE {source}")

    def save(self) -> None:
        from django.db import connection

        if self.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.close()
            shutil.copyfile(self.name, self.copy)
        else:
            connection.close()
            self._clone(self.name, self.copy)

    def restore(self) -> None:
        from django.db import connection

        connection.close()
        if self.vendor == "sqlite":
            for suffix in ("-wal", "-shm"):
                Path(self.name + suffix).unlink(missing_ok=True)
            shutil.copyfile(self.copy, self.name)
        else:
            self._clone(self.copy, self.name)

    def discard(self) -> None:
        if self.vendor == "sqlite":
            Path(self.copy).unlink(missing_ok=True)
        else:
            self._admin(f"DROP DATABASE IF EXISTS {self.copy} WITH (FORCE)")


def _set_up(rows: int) -> tuple[Any, Any]:
    """The contacts, the segment with its lines (through the real Add contacts path) and the
    bench user; returns the user and the segment."""
    from bench import data

    started = time.perf_counter()
    user = data.bench_user()
    data.contacts(rows, prefix=CONTACT_PREFIX)
    segment = data.segment_with_lines(SEGMENT_NO, CONTACT_PREFIX, rows, user)
    _analyze()
    took = time.perf_counter() - started
    say(f"segments_log: {rows:,} contacts and the segment in {took:.1f} s")
    return user, segment


def _logged(rows: int) -> None:
    """Check the run logged every line and removed the segment."""
    from rapport.interactions.models import InteractionLogEntry
    from rapport.segments.models import Segment

    count = InteractionLogEntry.objects.filter(segment_no=SEGMENT_NO).count()
    if count != rows or Segment.objects.filter(no=SEGMENT_NO).exists():
        raise RuntimeError(f"{count} entries logged, {rows} wanted")


def run() -> None:
    rows = size(FULL)
    _check_columns()
    user, segment = _set_up(rows)
    plan_file = Path(tempfile.mkstemp(prefix="bench-log-", suffix=".json")[1])
    plan_file.write_text(json.dumps(_plan(segment, user, source="cli")))  # `rapport log-segment`
    snapshot = Snapshot()
    snapshot.save()
    peaks: list[float] = []
    baseline_peaks: list[float] = []

    def measure(command: list[str]) -> tuple[float, float]:
        began = time.perf_counter()
        snapshot.restore()
        say(f"segments_log: database restored in {time.perf_counter() - began:.1f} s")
        seconds, peak = _process(command)
        _logged(rows)
        return seconds, peak

    def operation() -> float:
        rapport = str(Path(sys.executable).parent / "rapport")
        command = [rapport, "log-segment", SEGMENT_NO, "--no-deliver", "--user", user.username]
        seconds, peak = measure(command)
        peaks.append(peak)
        return seconds

    def baseline() -> float:
        seconds, peak = measure(
            [sys.executable, "-m", "bench.segments_log", "--raw", str(plan_file)]
        )
        baseline_peaks.append(peak)
        return seconds

    try:
        a, b = interleave(operation, baseline)
    finally:
        plan_file.unlink(missing_ok=True)
        snapshot.discard()
    peak = round(max(peaks), 1)
    ratio = a.median / b.median if b.median else float("inf")
    record(
        "segments_log",
        rows,
        a,
        b,
        target=TARGET,
        met=ratio <= TARGET and peak <= PEAK_LIMIT_MB,
        peak_mb=peak,
        note=f"peak of log-segment {peak} MiB, limit {PEAK_LIMIT_MB:.0f}; "
        f"the raw process's peak {max(baseline_peaks):.1f} MiB",
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--raw"] and len(sys.argv) == 3:
        raw_log(json.loads(Path(sys.argv[2]).read_text()))
        sys.exit(0)
    print("usage: python -m bench.segments_log --raw PLAN.json (the baseline process)")
    sys.exit(2)
