"""Generated interaction log entries: one INSERT … SELECT for all of them, numbered after the
highest entry no., dated in order over the generated period (entry no. and date rise
together, as in a real log), then a campaign entry for each entry with a campaign.

An entry copies its template's values (group, cost, duration, flow, initiated by, description)
as a logged interaction does; calls and meetings get an evaluation and a varying duration,
some calls failed; about 3 % are canceled and 1 in 1,000 is postponed. Its contact is any
contact that is not privacy blocked (a hundredth of them get 30 % of the interactions), its
salesperson the contact's (else the first), its user that salesperson's user. An entry of a
template with a campaign gets that campaign; a third of the letters and e-mails dated within
a campaign's period get that campaign."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection

from rapport.campaigns.models import Campaign, CampaignEntry
from rapport.contacts.models import Contact, Salesperson
from rapport.demo.generate import sql
from rapport.interactions.demo import MIX
from rapport.interactions.models import InteractionLogEntry, InteractionTemplate

WEIGHTS = {code: weight for code, weight, _channel in MIX}
OTHER_WEIGHT = 5
TIMES = [datetime.time(hour, minute) for hour in range(8, 18) for minute in range(0, 60, 5)]
TEMP_TABLES = ("gen_contact", "gen_template", "gen_day", "gen_time", "gen_ce")

COLUMNS = (
    "entry_no, contact_id, contact_company_id, template_id, group_id, salesperson_id, "
    "campaign_id, campaign_entry_id, segment_no, logged_segment_entry_no, attachment_id, "
    "canceled, postponed, delivery_status, delivery_error, user_id, created_at, modified_at, "
    "description, subject, language_id, date, cost, duration, information_flow, initiated_by, "
    "correspondence_type, campaign_target, campaign_response, time, evaluation, attempt_failed"
)
# Evaluations of calls and meetings: 18 slots as the demo's weights 6, 2, 5, 3, 1, 1.
EVALUATION = (
    "CASE WHEN {slot} < 6 THEN '' WHEN {slot} < 8 THEN 'very_positive' "
    "WHEN {slot} < 13 THEN 'positive' WHEN {slot} < 16 THEN 'neutral' "
    "WHEN {slot} < 17 THEN 'negative' ELSE 'very_negative' END"
)


def reserve(model: type[Any], count: int) -> int:
    """The first of `count` entry numbers of `model` (H6's `reserve_numbers`)."""
    from rapport.core import entry_numbers

    return entry_numbers.reserve_numbers(model, count)


def load_log_tables(first_day: datetime.date, days: int) -> dict[str, int]:
    """The temporary tables the log statement reads: the contacts, the templates (one row per
    unit of weight), the days with the campaign running on each, the times of day."""
    sql.execute("DROP TABLE IF EXISTS gen_contact")
    sql.execute(
        "CREATE TEMPORARY TABLE gen_contact (k INTEGER PRIMARY KEY, id BIGINT, company_id BIGINT, "
        "salesperson_id BIGINT, language_id BIGINT)"
    )
    contacts = sql.execute(
        "INSERT INTO gen_contact SELECT row_number() OVER (ORDER BY id) - 1, id, "  # noqa: S608
        "CASE WHEN type = 'company' THEN id ELSE company_id END, salesperson_id, language_id "
        f"FROM {sql.table(Contact)} WHERE NOT privacy_blocked"
    )
    rows: list[tuple] = []
    for template in InteractionTemplate.objects.select_related("group").order_by("code"):
        kind = {"PHONE": "call", "MEETING": "meeting"}.get(template.group.code, "")
        if kind == "call" and template.information_flow == "inbound":
            kind = "talk"
        channel = "hard_copy" if template.group.code == "LETTER" else ""
        mail = template.group.code in {"LETTER", "EMAIL"}
        for _unit in range(WEIGHTS.get(template.code, OTHER_WEIGHT)):
            rows.append(
                (
                    len(rows),
                    template.pk,
                    template.group_id,
                    template.unit_cost,
                    template.unit_duration,
                    template.information_flow,
                    template.initiated_by,
                    channel,
                    template.description,
                    template.campaign_id,
                    template.campaign_target,
                    template.campaign_response,
                    kind,
                    mail,
                )
            )
    sql.temp_table(
        "gen_template",
        "k INTEGER PRIMARY KEY, id BIGINT, group_id BIGINT, unit_cost DECIMAL(18, 2), "
        "unit_duration DECIMAL(18, 0), information_flow VARCHAR(10), initiated_by VARCHAR(10), "
        "channel VARCHAR(10), description VARCHAR(100), campaign_id BIGINT, "
        "campaign_target BOOLEAN, campaign_response BOOLEAN, kind VARCHAR(10), mail BOOLEAN",
        [_prepared(row) for row in rows],
    )
    sql.temp_table(
        "gen_day", "d INTEGER PRIMARY KEY, day DATE, campaign_id BIGINT", _days(first_day, days)
    )
    sql.temp_table(
        "gen_time",
        "k INTEGER PRIMARY KEY, t TIME",
        [(k, connection.ops.adapt_timefield_value(time)) for k, time in enumerate(TIMES)],
    )
    return {"contacts": contacts, "templates": len(rows)}


def _prepared(row: tuple) -> tuple:
    cost = connection.ops.adapt_decimalfield_value(row[3], 18, 2)
    duration = connection.ops.adapt_decimalfield_value(row[4], 18, 0)
    return (*row[:3], cost, duration, *row[5:])


def _days(first_day: datetime.date, days: int) -> list[tuple]:
    """(d, date, campaign running on that date: the first by no.) for each day."""
    campaigns: list[tuple[int, datetime.date, datetime.date]] = list(
        Campaign.objects.filter(starting_date__isnull=False, ending_date__isnull=False)
        .order_by("no")
        .values_list("id", "starting_date", "ending_date")  # type: ignore[arg-type]
    )
    rows = []
    for d in range(days):
        day = first_day + datetime.timedelta(days=d)
        running = next((id_ for id_, start, end in campaigns if start <= day <= end), None)
        rows.append((d, connection.ops.adapt_datefield_value(day), running))
    return rows


def insert_entries(count: int, days: int, counts: dict[str, int], seed: int, now: Any) -> int:
    """`count` log entries numbered from the next free entry no.; returns the first."""
    first = reserve(InteractionLogEntry, count)

    def h(which: int) -> str:
        return sql.rand("seq.i", which, seed + 2)

    contacts = counts["contacts"]
    hot = max(contacts // 100, 1)
    failed = f"{h(4)} %% 100"
    slot = f"({h(4)} / 100) %% 18"
    canceled = f"{h(3)} %% 100 < 3"
    postponed = f"{h(3)} %% 1000 = 999"
    campaign = (
        f"CASE WHEN {postponed} THEN NULL ELSE COALESCE(t.campaign_id, CASE WHEN t.mail AND "
        f"({h(5)} %% 3) = 0 THEN d.campaign_id END) END"
    )
    stamp = InteractionLogEntry._meta.get_field("created_at").get_db_prep_save(now, connection)
    statement = f"""
        INSERT INTO {sql.table(InteractionLogEntry)} ({COLUMNS})
        {sql.with_keyword()} {sql.numbers()}
        SELECT %s + seq.i, c.id, c.company_id, t.id, t.group_id, sp.id,
            {campaign}, NULL, '', NULL, NULL,
            {canceled}, {postponed}, '', '', sp.user_id, %s, %s,
            t.description, '', c.language_id, d.day, t.unit_cost,
            CASE WHEN t.kind <> '' THEN t.unit_duration + 5 * ({h(6)} %% 5)
                 ELSE t.unit_duration END,
            t.information_flow, t.initiated_by, t.channel,
            t.campaign_target, t.campaign_response, tm.t,
            CASE WHEN t.kind <> '' THEN {EVALUATION.format(slot=slot)} ELSE '' END,
            t.kind = 'call' AND {failed} < 12
        FROM seq
        JOIN gen_contact c ON c.k = CASE WHEN {h(0)} %% 10 < 3 THEN {h(1)} %% {hot}
                                         ELSE {h(1)} %% {contacts} END
        JOIN gen_template t ON t.k = {h(2)} %% {counts["templates"]}
        JOIN gen_day d ON d.d = seq.i * {days} / %s
        JOIN gen_time tm ON tm.k = {h(7)} %% {len(TIMES)}
        JOIN {sql.table(Salesperson)} sp ON sp.id = COALESCE(c.salesperson_id, %s)
    """  # noqa: S608
    fallback = Salesperson.objects.order_by("code").values_list("id", flat=True).first()
    with sql.indexes_rebuilt(InteractionLogEntry, count):
        sql.execute(statement, [count, first, stamp, stamp, count, fallback])
    return first


def insert_campaign_entries(first_entry: int, count: int, now: Any) -> int:
    """A campaign entry for each new log entry with a campaign (a single interaction gets its
    own, as `interaction_create` makes it), numbered after the highest, linked both ways."""
    log, entries = sql.table(InteractionLogEntry), sql.table(CampaignEntry)
    sql.execute("DROP TABLE IF EXISTS gen_ce")
    sql.execute("CREATE TEMPORARY TABLE gen_ce (n INTEGER PRIMARY KEY, entry_no BIGINT)")
    made = sql.execute(
        "INSERT INTO gen_ce SELECT row_number() OVER (ORDER BY entry_no), entry_no "  # noqa: S608
        f"FROM {log} WHERE entry_no BETWEEN %s AND %s AND campaign_id IS NOT NULL",
        [first_entry, first_entry + count - 1],
    )
    if made == 0:
        return 0
    first = reserve(CampaignEntry, made) - 1
    stamp = CampaignEntry._meta.get_field("created_at").get_db_prep_save(now, connection)
    sql.execute(
        f"INSERT INTO {entries} (entry_no, campaign_id, description, date, user_id, "  # noqa: S608
        "salesperson_id, segment_no, register_no, canceled, created_at) "
        "SELECT %s + g.n, l.campaign_id, l.description, l.date, l.user_id, l.salesperson_id, "
        f"'', NULL, FALSE, %s FROM gen_ce g JOIN {log} l ON l.entry_no = g.entry_no",
        [first, stamp],
    )
    sql.execute(
        f"UPDATE {log} SET campaign_entry_id = ce.id FROM gen_ce g "  # noqa: S608
        f"JOIN {entries} ce ON ce.entry_no = %s + g.n WHERE {log}.entry_no = g.entry_no",
        [first],
    )
    return made


def drop_temp_tables() -> None:
    sql.drop_temp_tables(TEMP_TABLES)
