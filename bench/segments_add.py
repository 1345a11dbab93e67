"""Segments, Add contacts: adding 100,000 of 1,000,000 contacts to a segment by criteria
(`segment_add_contacts`, filter `contact.country_code = NL`, with its skip rules: privacy
blocked, excluded, no e-mail, already on the segment), against the same rows written by hand
in one raw SQL transaction.

The same work: the segment locked (PostgreSQL: FOR UPDATE), its criteria-action counter raised
and the criteria action row written (every column), the lines with one INSERT … SELECT (every
column: the header's values, the contact's company, the header's salesperson, language and the
correspondence type the template gives, NAV's line order: company name, company no., company
before its persons, name, no.; the same skip rules in the WHERE), their Segment History rows
with one INSERT … SELECT, the criteria action's count, and the header's totals (lines, cost,
duration: one aggregate over the new lines) and the operation's one audit entry (issue 12: the
filters, the options, the lines added), all in one transaction. Not in the baseline: the
product's count of skipped contacts per reason (it reports them to the user; here that is
counted as the product's own cost).

Data: 1,000,000 contacts (one in five a company, its persons after it), every tenth in country
NL, of those one in a thousand privacy blocked and one in a thousand excluded (so the skip
rules have work). Between runs (untimed) the segment is emptied (history, lines, criteria
actions deleted; counters and totals back to 0), so every run starts from the same state.

Run alone: `python -m bench segments_add` (`QUICK=1`: 100,000 contacts, 10,000 added).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from bench.runner import interleave, record, say, size, timed

FULL = 1_000_000
TARGET = 1.2
SEGMENT_NO = "BENCHADD"
PREFIX = "BA"
FILTERS = {"contact": {"country_code": "NL"}}

LINE_COLUMNS = (
    "segment_id",
    "action_no",
    "line_no",
    "contact_id",
    "contact_company_id",
    "description",
    "campaign_id",
    "template_id",
    "group_id",
    "subject",
    "cost",
    "duration",
    "date",
    "information_flow",
    "initiated_by",
    "campaign_target",
    "campaign_response",
    "salesperson_id",
    "language_id",
    "correspondence_type",
    "time",
    "evaluation",
    "attempt_failed",
    "attachment_id",
)
CRITERIA_COLUMNS = (
    "segment_id",
    "action_no",
    "action",
    "filters",
    "allow_existing",
    "expand_companies",
    "allow_related_companies",
    "ignore_exclusion",
    "entire_companies",
    "logged_segment_entry_no",
    "no_of_lines_inserted",
    "no_of_lines_removed",
    "created_by_id",
    "created_at",
)


def _qn(name: str) -> str:
    return str(connection.ops.quote_name(name))


def _check_columns() -> None:
    """The baseline writes every column of a line and of a criteria action: fail loudly when
    a model gains one the baseline does not know."""
    from rapport.segments.models import SegmentCriteriaAction, SegmentLine

    for model, columns in ((SegmentLine, LINE_COLUMNS), (SegmentCriteriaAction, CRITERIA_COLUMNS)):
        have = {f.column for f in model._meta.concrete_fields if not f.primary_key}
        if have != set(columns):
            raise RuntimeError(f"{model.__name__}: baseline columns differ: {have ^ set(columns)}")


def _load(rows: int) -> int:
    """The contacts; every tenth in NL, some of those blocked or excluded. Returns NL's id."""
    from bench import data
    from rapport.contacts.models import Contact, Country

    data.contacts(rows, prefix=PREFIX, companies_every=5)
    nl = Country.objects.get_or_create(code="NL", defaults={"name": "Netherlands"})[0].pk
    table = _qn(Contact._meta.db_table)
    number = f"CAST(substr(no, {len(PREFIX) + 1}) AS integer)"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET country_id = %s, "  # noqa: S608 - names are ours
            f"privacy_blocked = ({number} %% 10000 = 10), "
            f"exclude_from_segment = ({number} %% 10000 = 20) "
            f"WHERE no LIKE %s AND {number} %% 10 = 0",
            [nl, f"{PREFIX}%"],
        )
        cursor.execute(f"ANALYZE {table}")
    return int(nl)


def _empty(segment: Any) -> None:
    """Delete the segment's history, lines and criteria actions; counter and totals to 0."""
    from rapport.segments.models import Segment, SegmentCriteriaAction, SegmentHistory, SegmentLine

    totals = {"no_of_lines": 0, "total_cost": 0, "total_duration": 0}
    have = {f.attname for f in Segment._meta.concrete_fields}
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (SegmentHistory, SegmentLine, SegmentCriteriaAction):
            cursor.execute(
                f"DELETE FROM {_qn(model._meta.db_table)} WHERE segment_id = %s",  # noqa: S608
                [segment.pk],
            )
        Segment.objects.filter(pk=segment.pk).update(
            no_of_criteria_actions=0, **{k: v for k, v in totals.items() if k in have}
        )
    segment.no_of_criteria_actions = 0


def _line_sql(segment: Any, nl: int) -> tuple[str, list[Any]]:
    """The lines' INSERT … SELECT, every column, for this segment's header and template."""
    from rapport.contacts.models import Contact
    from rapport.segments.models import SegmentLine

    template = segment.template
    header_type = segment.correspondence_type or ""
    template_type = template.correspondence_type_default or ""
    if template.ignore_contact_corres_type or segment.ignore_contact_corres_type:
        raise RuntimeError("the bench template takes the contact's correspondence type")
    # Reference 2.1.4: the contact's type; blank: the template's default; else the header's.
    corres = "CASE WHEN c.correspondence_type <> '' THEN c.correspondence_type ELSE %s END"
    corres_params = [template_type or header_type]
    contacts = _qn(Contact._meta.db_table)
    lines = _qn(SegmentLine._meta.db_table)
    header = [
        segment.description,
        segment.campaign_id,
        segment.template_id,
        segment.group_id,
        segment.subject,
        segment.cost,
        segment.duration,
        segment.date,
        segment.information_flow,
        segment.initiated_by,
        segment.campaign_target,
        segment.campaign_response,
    ]
    salesperson = "%s" if segment.salesperson_id is not None else "c.salesperson_id"
    sql = (
        f"INSERT INTO {lines} ({', '.join(LINE_COLUMNS)}) "  # noqa: S608 - names are ours
        "SELECT %s, %s, ROW_NUMBER() OVER (ORDER BY COALESCE(co.name, c.name), "
        "COALESCE(co.no, c.no), CASE WHEN c.type = 'company' THEN 0 ELSE 1 END, c.name, c.no) "
        "* 10000, c.id, CASE WHEN c.type = 'company' THEN c.id ELSE c.company_id END, "
        f"{', '.join(['%s'] * len(header))}, {salesperson}, %s, {corres}, NULL, '', %s, NULL "
        f"FROM {contacts} c LEFT JOIN {contacts} co ON co.id = c.company_id "
        "WHERE c.country_id = %s AND NOT c.privacy_blocked AND NOT c.exclude_from_segment "
        f"AND NOT ({corres} = 'email' AND c.email = '') "
        f"AND NOT EXISTS (SELECT 1 FROM {lines} l WHERE l.segment_id = %s AND l.contact_id = c.id)"
    )
    params = [
        segment.pk,
        1,
        *header,
        *([segment.salesperson_id] if segment.salesperson_id is not None else []),
        segment.language_id,
        *corres_params,
        False,
        nl,
        *corres_params,
        segment.pk,
    ]
    return sql, params


def _raw_add(segment: Any, nl: int, user: Any) -> Callable[[], int]:
    """The baseline: the same rows by hand, in one transaction. Returns the lines added."""
    import json

    from django.utils import timezone

    from rapport.audit.models import AuditEntry
    from rapport.core.acting import resolve_actor
    from rapport.segments.models import (
        Segment,
        SegmentCriteriaAction,
        SegmentHistory,
        SegmentLine,
    )
    from rapport.segments.services.line_values import HISTORY_COPIED

    segments = _qn(Segment._meta.db_table)
    lines = _qn(SegmentLine._meta.db_table)
    history = _qn(SegmentHistory._meta.db_table)
    actions = _qn(SegmentCriteriaAction._meta.db_table)
    line_sql, line_params = _line_sql(segment, nl)
    copied = ", ".join(HISTORY_COPIED)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    has_totals = hasattr(segment, "no_of_lines")
    marks = ", ".join(["%s"] * len(CRITERIA_COLUMNS))
    audit = _qn(AuditEntry._meta.db_table)
    source = resolve_actor(user)[2]  # where the product's call comes from (its audit entry's)
    options = dict.fromkeys(
        ("allow_existing", "expand_companies", "allow_related_companies", "ignore_exclusion"), False
    )

    def add() -> int:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT no_of_criteria_actions FROM {segments} WHERE id = %s{lock}",  # noqa: S608
                [segment.pk],
            )
            action_no = cursor.fetchone()[0] + 1
            cursor.execute(
                f"UPDATE {segments} SET no_of_criteria_actions = %s WHERE id = %s",  # noqa: S608
                [action_no, segment.pk],
            )
            cursor.execute(
                f"INSERT INTO {actions} ({', '.join(CRITERIA_COLUMNS)}) VALUES ({marks})",  # noqa: S608
                [
                    *(segment.pk, action_no, "add", json.dumps(FILTERS)),
                    *(False, False, False, False, False, None, 0, 0, user.pk, timezone.now()),
                ],
            )
            params = list(line_params)
            params[1] = action_no
            cursor.execute(line_sql, params)
            added = cursor.rowcount
            cursor.execute(
                f"INSERT INTO {history} ({copied}, line_action_no, segment_id, action_no, "  # noqa: S608
                f"action_taken) SELECT {copied}, action_no, segment_id, %s, 'insertion' "
                f"FROM {lines} WHERE segment_id = %s AND action_no = %s",
                [action_no, segment.pk, action_no],
            )
            cursor.execute(
                f"UPDATE {actions} SET no_of_lines_inserted = %s "  # noqa: S608
                "WHERE segment_id = %s AND action_no = %s",
                [added, segment.pk, action_no],
            )
            if has_totals:
                new = f"FROM {lines} WHERE segment_id = %s AND action_no = %s"
                cursor.execute(
                    f"UPDATE {segments} SET no_of_lines = no_of_lines + (SELECT COUNT(*) {new}), "  # noqa: S608
                    f"total_cost = total_cost + (SELECT COALESCE(SUM(cost), 0) {new}), "
                    f"total_duration = total_duration + (SELECT COALESCE(SUM(duration), 0) {new}) "
                    "WHERE id = %s",
                    [segment.pk, action_no] * 3 + [segment.pk],
                )
            details = {"action_no": action_no, "filters": FILTERS, "options": options}
            cursor.execute(
                f"INSERT INTO {audit} (at, user_id, username, source, operation, object_type, "  # noqa: S608
                "object_key, changes, details) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    *(timezone.now(), user.pk, user.get_username(), source),
                    *("segment_add_contacts", "segment", segment.no, "{}"),
                    json.dumps({**details, "added": added, "removed": 0}),
                ],
            )
        return int(added)

    return add


def run() -> None:
    from bench import data
    from rapport.segments.models import SegmentLine
    from rapport.segments.services import segment_add_contacts, segment_create

    rows = size(FULL)
    _check_columns()
    started = time.perf_counter()
    user = data.bench_user()
    nl = _load(rows)
    segment = segment_create(
        actor=user, no=SEGMENT_NO, description="Bench: add contacts", template=data.bench_template()
    )
    say(f"segments_add: {rows:,} contacts in {time.perf_counter() - started:.1f} s")
    added: list[int] = []
    raw_add = _raw_add(segment, nl, user)

    def check(count: int) -> None:
        on_segment = SegmentLine.objects.filter(segment=segment).count()
        if on_segment != count or (added and count != added[0]):
            raise RuntimeError(f"{on_segment} lines, {count} reported, {added} before")
        added.append(count)

    def operation() -> float:
        _empty(segment)
        results: list[Any] = []
        seconds = timed(
            lambda: results.append(
                segment_add_contacts(actor=user, segment=segment, filters=FILTERS)
            )
        )
        check(results[0].added)
        return seconds

    def baseline() -> float:
        _empty(segment)
        counts: list[int] = []
        seconds = timed(lambda: counts.append(raw_add()))
        check(counts[0])
        return seconds

    a, b = interleave(operation, baseline)
    record(
        "segments_add",
        rows,
        a,
        b,
        target=TARGET,
        note=f"{added[0]:,} of {rows:,} contacts added",
    )
