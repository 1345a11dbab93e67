"""Logging a segment (reference 2.5); the logged segments it leaves are `logged.py`'s.

`segment_log` turns every line with a contact into one interaction log entry, registers a
`LoggedSegment`, makes one campaign entry per campaign its lines use, deletes the segment and,
on request, creates the follow-up segment — all in one transaction: a refusal or an error
anywhere writes nothing.

Set-based (ARCHITECTURE.md, performance rules): the checks are two queries whatever the size of
the segment, and the interactions are one INSERT … SELECT numbered with ROW_NUMBER() in line
order from a block of entry nos. reserved in a short step (`reserve_numbers`: a single create
never waits for a log). The number of queries depends
on the number of campaigns and of (template, language) pairs the lines use, never on the
number of lines.

Where Rapport differs from NAV on purpose (for docs/differences.md):

* Every line is checked before anything is written, and the refusal names the lines (the first
  ten, with the total count) instead of stopping at the first TestField error.
* A privacy-blocked contact refuses the log (as Business Central does for interactions).
* The follow-up segment can be limited to an outcome (failed attempts only; a chosen
  evaluation or worse) and can copy the interaction setup (template and header interaction
  fields); NAV always takes all contacts and copies no interaction field.
* Its description is cut to 100 characters (NAV: 50).
* Entries share one read-only copy per source attachment (NAV marks the shared one read-only);
  with Deliver every line to deliver is checked for an attachment before anything is written.
* A segment of `BACKGROUND_THRESHOLD` lines with a contact or more is logged by a background
  task when the page or the API asks (`segment_log_start`); the command line logs it at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Min, Q, QuerySet
from django.tasks import TaskResult
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.campaigns.models import Campaign, CampaignEntry
from rapport.campaigns.services import campaign_entry_create
from rapport.contacts.models import Contact, Salesperson
from rapport.core.entry_numbers import reserve_numbers
from rapport.core.errors import ConflictError, ValidationFailed
from rapport.interactions.choices import Evaluation
from rapport.interactions.models import (
    DESCRIPTION_LENGTH,
    InteractionLogEntry,
    InteractionTemplate,
)
from rapport.segments.choices import FollowUpOutcome
from rapport.segments.models import (
    LoggedSegment,
    Segment,
    SegmentLine,
)
from rapport.segments.services.auditing import audit_log
from rapport.segments.services.headers import (
    check_may_segment,
    delete_segment_rows,
    lock_segment_to_log,
    new_segment,
)
from rapport.segments.services.log_delivery import (
    EFFECTIVE_TYPE_PARAMS,
    attachment_column,
    attachment_copies,
    check_deliver,
    effective_type_sql,
)
from rapport.segments.services.log_delivery import deliveries as count_deliveries
from rapport.segments.services.reuse import reuse_logged
from rapport.segments.tasks import enqueue_segment_log
from rapport.setup.selectors import marketing_setup_get

MAX_LINE_ERRORS = 10
"""How many refused lines a refusal names (it also gives the total)."""

BACKGROUND_THRESHOLD = 20_000
"""A segment with at least this many lines is logged by a background task (`tasks.py`)."""

# Worst last: "a chosen evaluation or worse" takes the evaluations at or after it.
EVALUATION_ORDER = (
    Evaluation.VERY_POSITIVE,
    Evaluation.POSITIVE,
    Evaluation.NEUTRAL,
    Evaluation.NEGATIVE,
    Evaluation.VERY_NEGATIVE,
)

# The header fields the follow-up segment copies with "copy setup" (beside the template).
COPIED_SETUP = (
    "language",
    "subject",
    "correspondence_type",
    "cost",
    "duration",
    "information_flow",
    "initiated_by",
    "campaign_target",
    "campaign_response",
)


@dataclass
class LogResult:
    """What `segment_log` logged (or, in a dry run, would log)."""

    segment_no: str
    no_of_interactions: int
    logged_segment: LoggedSegment | None = None
    follow_up_segment: Segment | None = None
    follow_up_lines: int = 0
    dry_run: bool = False
    campaigns: list[str] = field(default_factory=list)
    deliver: bool = False
    deliveries: dict[str, int] = field(default_factory=dict)
    """Deliver: the entries to deliver per correspondence type (email, hard_copy, fax)."""


# ---------------------------------------------------------------------------------------------
# Checks


def _follow_up_filter(outcome: str, evaluation: str | None) -> Q:
    """Which of the logged interactions (or, before logging, lines: same columns) the
    follow-up segment takes."""
    if outcome == FollowUpOutcome.FAILED:
        return Q(attempt_failed=True)
    if outcome == FollowUpOutcome.EVALUATION:
        chosen = EVALUATION_ORDER.index(evaluation)  # type: ignore[arg-type]
        return Q(evaluation__in=[str(value) for value in EVALUATION_ORDER[chosen:]])
    return Q()


def _check_options(outcome: str, evaluation: str | None) -> None:
    if outcome not in FollowUpOutcome.values:
        raise ValidationFailed(
            {
                "follow_up_outcome": [
                    _("Choose one of: %(values)s.") % {"values": ", ".join(FollowUpOutcome.values)}
                ]
            }
        )
    if outcome == FollowUpOutcome.EVALUATION and evaluation not in EVALUATION_ORDER:
        raise ValidationFailed(
            {
                "follow_up_evaluation": [
                    _("Choose the evaluation the follow-up segment starts from: %(values)s.")
                    % {"values": ", ".join(str(value) for value in EVALUATION_ORDER)}
                ]
            }
        )


def _check_follow_up_setup() -> None:
    """A follow-up segment needs Segment Nos. (reference 2.5 step 8): checked before
    anything is written."""
    setup = marketing_setup_get()
    if setup.segment_nos_id is None:
        raise ConflictError(
            _(
                "A follow-up segment is numbered from Segment Nos., which is not set up. Fill in "
                "Segment Nos. in Marketing Setup, or log without a follow-up segment."
            ),
            code="setup_missing",
            field="follow_up",
        )


def _line_problems(row: Any) -> list[str]:
    problems = []
    if row["date"] is None:
        problems.append(_("fill in the date"))
    if row["salesperson_id"] is None:
        problems.append(_("choose a salesperson"))
    if row["template_id"] is None:
        problems.append(_("choose an interaction template"))
    if row["contact__privacy_blocked"]:
        problems.append(_("the contact is privacy blocked: no interactions can be recorded"))
    return problems


def _check_lines(segment: Segment, lines: QuerySet[SegmentLine]) -> None:
    """Reference 2.5 step 6, for all lines at once: two queries (the first refused lines and
    how many there are), whatever the size of the segment."""
    wrong = lines.filter(
        Q(date__isnull=True)
        | Q(salesperson__isnull=True)
        | Q(template__isnull=True)
        | Q(contact__privacy_blocked=True)
    )
    first = list(
        wrong.order_by("line_no").values(
            "line_no",
            "contact__no",
            "date",
            "salesperson_id",
            "template_id",
            "contact__privacy_blocked",
        )[:MAX_LINE_ERRORS]
    )
    if not first:
        return
    total = wrong.count() if len(first) == MAX_LINE_ERRORS else len(first)
    messages = [
        _("Line %(line)s (contact %(contact)s): %(problems)s.")
        % {
            "line": row["line_no"],
            "contact": row["contact__no"],
            "problems": "; ".join(_line_problems(row)),
        }
        for row in first
    ]
    if total > len(first):
        messages.append(
            _("… and %(count)s more lines cannot be logged.") % {"count": total - len(first)}
        )
    error = ValidationFailed({"lines": messages}, code="lines_invalid")
    error.message = (
        _("Segment %(no)s cannot be logged: %(count)s lines need attention. %(first)s")
        % {"no": segment.no, "count": total, "first": messages[0]}
        if total > 1
        else _("Segment %(no)s cannot be logged. %(first)s")
        % {"no": segment.no, "first": messages[0]}
    )
    error.details = {"no_of_lines_refused": total}
    raise error


def _check_segment(segment: Segment) -> tuple[QuerySet[SegmentLine], int]:
    """Reference 2.5 steps 1, 2, 5 and 6. Returns the lines to log and their number."""
    if LoggedSegment.objects.filter(segment_no=segment.no).exists():
        raise ConflictError(
            _("A logged segment for segment %(no)s already exists.") % {"no": segment.no},
            code="already_logged",
        )
    if not segment.description.strip():
        raise ValidationFailed(
            {"description": [_("Segment %(no)s needs a description.") % {"no": segment.no}]}
        )
    lines = SegmentLine.objects.filter(segment=segment, contact__isnull=False)
    count = lines.count()
    if not count:
        raise ConflictError(_("Segment %(no)s is empty.") % {"no": segment.no}, code="empty")
    _check_lines(segment, lines)
    return lines, count


# ---------------------------------------------------------------------------------------------
# Writing


def _would_log(
    segment: Segment,
    lines: QuerySet[SegmentLine],
    count: int,
    campaigns: list[str],
    follow_up_filter: Q | None,
) -> LogResult:
    """What a dry run answers: the count, the campaigns, and the lines the follow-up segment
    would get (`follow_up_filter`; None: no follow-up)."""
    return LogResult(
        segment_no=segment.no,
        no_of_interactions=count,
        follow_up_lines=lines.filter(follow_up_filter).count()
        if follow_up_filter is not None
        else 0,
        dry_run=True,
        campaigns=campaigns,
    )


def _campaign_nos(lines: QuerySet[SegmentLine]) -> list[str]:
    """The nos. of the campaigns the lines use, in order."""
    return list(
        Campaign.objects.filter(pk__in=lines.filter(campaign__isnull=False).values("campaign_id"))
        .order_by("no")
        .values_list("no", flat=True)
    )


def _create_logged_segment(actor: Any, segment: Segment) -> LoggedSegment:
    return LoggedSegment.objects.create(
        entry_no=reserve_numbers(LoggedSegment, 1),
        segment_no=segment.no,
        description=segment.description,
        creation_date=timezone.localdate(),  # NAV: TODAY, not the work date
        user=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _campaign_entries(
    actor: Any, segment: Segment, lines: QuerySet[SegmentLine], logged: LoggedSegment
) -> dict[int, CampaignEntry]:
    """Reference 2.5 step 4: one campaign entry per campaign the lines use (date and
    salesperson of its first line). One query for the campaigns, one insert per campaign."""
    first_lines = [
        row["first"]
        for row in lines.filter(campaign__isnull=False)
        .order_by()
        .values("campaign_id")
        .annotate(first=Min("line_no"))
    ]
    if not first_lines:
        return {}
    firsts = {
        row["campaign_id"]: row
        for row in lines.filter(line_no__in=first_lines).values(
            "campaign_id", "date", "salesperson_id"
        )
    }
    campaigns = Campaign.objects.in_bulk(list(firsts))
    entries = {}
    for campaign_id in sorted(firsts):
        salesperson_id = firsts[campaign_id].get("salesperson_id")
        entries[campaign_id] = campaign_entry_create(
            campaign=campaigns[campaign_id],
            date=firsts[campaign_id].get("date") or segment.date or timezone.localdate(),
            description=segment.description,
            user=actor if getattr(actor, "is_authenticated", False) else None,
            salesperson=Salesperson(pk=salesperson_id) if salesperson_id else None,
            segment_no=segment.no,
            register_no=logged.entry_no,
        )
    return entries


def _case(column: str, mapping: dict[Any, int]) -> tuple[str, list[Any]]:
    """SQL `CASE` mapping `column`'s values to ids, else NULL."""
    whens = " ".join(f"WHEN {column} = %s THEN %s" for _key in mapping)
    params = [value for item in mapping.items() for value in item]
    return (f"CASE {whens} END", params) if mapping else ("NULL", [])


LOG_COLUMNS = (
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


def _insert_interactions(
    actor: Any,
    segment: Segment,
    logged: LoggedSegment,
    campaign_entries: dict[int, CampaignEntry],
    attachments: dict[int, int],
    count: int,
) -> int:
    """One INSERT … SELECT: an interaction log entry per line with a contact, in line order,
    with `count` consecutive entry nos. reserved in a short step (`reserve_numbers`: no lock
    held while the log's transaction runs), every value copied from the line; the
    e-mail/fax correspondence type is cleared for a contact without an e-mail address/fax
    no. (reference 2.1.4)."""
    highest = reserve_numbers(InteractionLogEntry, count) - 1
    entry_case, entry_params = _case(
        "l.campaign_id", {key: entry.pk for key, entry in campaign_entries.items()}
    )
    attachment_case, attachment_params = attachment_column(segment, attachments)
    now = timezone.now()
    log_table = InteractionLogEntry._meta.db_table
    line_table = SegmentLine._meta.db_table
    contact_table = Contact._meta.db_table
    template_table = InteractionTemplate._meta.db_table
    sql = (
        f"INSERT INTO {log_table} ({', '.join(LOG_COLUMNS)}) "  # noqa: S608 - names are ours
        "SELECT %s + ROW_NUMBER() OVER (ORDER BY l.line_no), l.contact_id, l.contact_company_id, "
        "l.template_id, COALESCE(l.group_id, t.group_id), l.description, l.subject, "
        "l.salesperson_id, l.date, l.time, l.cost, l.duration, l.information_flow, "
        "l.initiated_by, l.evaluation, l.attempt_failed, "
        f"{effective_type_sql()}, "
        f"l.language_id, l.campaign_id, {entry_case}, l.campaign_target, l.campaign_response, "
        f"%s, %s, {attachment_case}, %s, %s, '', '', %s, %s, %s "
        f"FROM {line_table} l JOIN {contact_table} c ON c.id = l.contact_id "
        f"JOIN {template_table} t ON t.id = l.template_id "
        "WHERE l.segment_id = %s ORDER BY l.line_no"
    )
    params = [
        highest,
        *EFFECTIVE_TYPE_PARAMS,
        *entry_params,
        segment.no,
        logged.entry_no,
        *attachment_params,
        False,
        False,
        actor.pk if getattr(actor, "is_authenticated", False) else None,
        now,
        now,
        segment.pk,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def _create_follow_up(
    *,
    actor: Any,
    old: Segment,
    logged: LoggedSegment,
    outcome: str,
    evaluation: str | None,
    copy_setup: bool,
) -> Segment:
    """Reference 2.5 step 8: a new segment numbered from Segment Nos. with the contacts of the
    logged segment (Reuse logged segment), limited to the outcome asked for."""
    fields: dict[str, Any] = {
        "description": (_("Follow-up on segment %(no)s") % {"no": old.no})[:DESCRIPTION_LENGTH],
        "campaign": old.campaign,
    }
    if copy_setup and old.template_id is not None:
        fields["template"] = old.template
        for name in COPIED_SETUP:
            fields[name] = getattr(old, name)
    follow_up = new_segment(actor=actor, no="", **fields)
    if copy_setup and old.template_id is not None:
        Segment.objects.filter(pk=follow_up.pk).update(
            ignore_contact_corres_type=old.ignore_contact_corres_type
        )
        follow_up.ignore_contact_corres_type = old.ignore_contact_corres_type
    entries = None
    if outcome != FollowUpOutcome.ALL:
        entries = InteractionLogEntry.objects.filter(
            _follow_up_filter(outcome, evaluation), logged_segment_entry_no=logged.entry_no
        )
    reuse_logged(actor, follow_up, logged, entries)
    LoggedSegment.objects.filter(pk=logged.pk).update(follow_up_segment_no=follow_up.no)
    logged.follow_up_segment_no = follow_up.no
    return follow_up


@transaction.atomic
def segment_log(
    *,
    actor: Any,
    segment: Segment,
    follow_up: bool = False,
    follow_up_outcome: str = FollowUpOutcome.ALL,
    follow_up_evaluation: str | None = None,
    follow_up_copy_setup: bool = False,
    dry_run: bool = False,
    deliver: bool | None = None,
) -> LogResult:
    """Log `segment` (reference 2.5), in one transaction: refused (nothing written) when a
    logged segment with its no. exists, when it has no description, when no line has a contact
    ("Segment S1 is empty."), when a line lacks its date, salesperson or template or its
    contact is privacy blocked (naming the first lines and the total), and, with `follow_up`,
    when Segment Nos. is not set up. Then: one `LoggedSegment` (entry no. = highest + 1,
    creation date = today, the user), one campaign entry per campaign the lines use
    (register no. = the logged segment), one interaction per line with a contact in line order
    (consecutive entry nos.; every value copied from the line; e-mail/fax cleared for a contact
    without address/fax no.), the segment deleted with its lines, criteria and history, and with
    `follow_up` a new segment "Follow-up on segment <no>" with the same campaign and the
    contacts of the outcome asked for (all; failed attempts; `follow_up_evaluation` or worse),
    with `follow_up_copy_setup` also the template and the header's interaction fields.
    `deliver` (reference 2.5; None: yes when a line has a correspondence type) asks the
    delivery app (`delivery_request`, in this transaction) to send or print the entries; every
    line logged with a correspondence type then needs an attachment, else the log is refused
    naming the segment language without one. Each line's attachment (own, else its language
    row's, else the default language row's) becomes a read-only copy shared per source.
    `dry_run` runs every check and says what would be logged (and delivered), writing
    nothing."""
    check_may_segment(actor)
    outcome = str(follow_up_outcome or FollowUpOutcome.ALL)
    if follow_up:
        _check_options(outcome, follow_up_evaluation)
        _check_follow_up_setup()
    current = lock_segment_to_log(segment)
    lines, count = _check_segment(current)
    deliver = check_deliver(current, deliver)
    campaigns = _campaign_nos(lines)
    delivered = count_deliveries(current) if deliver else {}
    if dry_run:
        follow_up_filter = _follow_up_filter(outcome, follow_up_evaluation) if follow_up else None
        result = _would_log(current, lines, count, campaigns, follow_up_filter)
        result.deliver, result.deliveries = deliver, delivered
        return result
    result = _write(actor, current, lines, campaigns, deliver=deliver, count=count)
    result.deliveries = delivered
    logged = result.logged_segment
    assert logged is not None
    if follow_up:
        result.follow_up_segment = _create_follow_up(
            actor=actor,
            old=current,
            logged=logged,
            outcome=outcome,
            evaluation=follow_up_evaluation,
            copy_setup=follow_up_copy_setup,
        )
        result.follow_up_lines = result.follow_up_segment.lines.count()
    return audit_log(actor, current.no, result)  # one entry, whatever the number of lines


def _write(
    actor: Any,
    segment: Segment,
    lines: QuerySet[SegmentLine],
    campaigns: list[str],
    *,
    deliver: bool,
    count: int,
) -> LogResult:
    """Reference 2.5 steps 3–7 (and 9: the delivery request, in this transaction)."""
    logged = _create_logged_segment(actor, segment)
    attachments = attachment_copies(segment)
    campaign_entries = _campaign_entries(actor, segment, lines, logged)
    inserted = _insert_interactions(actor, segment, logged, campaign_entries, attachments, count)
    from rapport.interactions.services.totals import interaction_totals_apply_log

    interaction_totals_apply_log(logged.entry_no, 1)  # the statistics' per-day totals
    delete_segment_rows(segment)
    if deliver:
        from rapport.interactions.services.delivery_hooks import delivery_request

        delivery_request(actor=actor, logged_segment_entry_no=logged.entry_no)
    return LogResult(
        segment_no=segment.no,
        no_of_interactions=inserted,
        logged_segment=logged,
        campaigns=campaigns,
        deliver=deliver,
    )


def segment_log_runs_in_background(segment: Segment) -> bool:
    """Whether logging `segment` is big enough to run as a background task (it has
    `BACKGROUND_THRESHOLD` lines with a contact or more)."""
    return runs_in_background(
        SegmentLine.objects.filter(segment=segment, contact__isnull=False).count()
    )


def runs_in_background(no_of_interactions: int) -> bool:
    """Whether a log of `no_of_interactions` interactions runs as a background task."""
    return no_of_interactions >= BACKGROUND_THRESHOLD


@dataclass
class LogStart:
    """What `segment_log_start` did: logged the segment (`result`) or queued it (`job`)."""

    result: LogResult | None = None
    job: TaskResult | None = None


def segment_log_start(
    *,
    actor: Any,
    segment: Segment,
    dry_run: bool = False,
    background: bool = True,
    **options: Any,
) -> LogStart:
    """Log `segment` now, or queue it as a background task when it is big
    (`segment_log_runs_in_background`) and the caller can follow a job (`background`: the page
    and the API; the command line waits, so it logs at once). The options are `segment_log`'s;
    a dry run always runs now. Queuing checks only the role: the task runs every other check
    and answers a refusal as its result."""
    if background and not dry_run and segment_log_runs_in_background(segment):
        check_may_segment(actor)
        return LogStart(job=enqueue_segment_log(actor=actor, segment=segment, **options))
    return LogStart(result=segment_log(actor=actor, segment=segment, dry_run=dry_run, **options))
