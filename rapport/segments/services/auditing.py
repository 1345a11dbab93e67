"""What the segments' operations write to the audit trail (`rapport.audit`): the keys of their
objects and the one entry of a bulk operation (Add, Reduce, Refine contacts; the log), never
one per line.

Keys: a segment by its no.; a line as "<segment no.>:<line no.>" ("SEG00001:10000"); a
language row as "<segment no.>:<language>" ("SEG00001:NL"). The log's parts (creating the
follow-up segment, deleting the logged segment) write no entries of their own: the log's one
entry names them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rapport.audit.services import audit_record
from rapport.segments.choices import CriteriaAction

if TYPE_CHECKING:
    from rapport.segments.services.log import LogResult

# The values the trail keeps of a line and of a language row.
LINE_AUDITED = (
    "contact",
    "description",
    "campaign",
    "salesperson",
    "template",
    "group",
    "language",
    "subject",
    "correspondence_type",
    "cost",
    "duration",
    "date",
    "information_flow",
    "initiated_by",
    "campaign_target",
    "campaign_response",
    "evaluation",
    "attempt_failed",
    "time",
    "attachment",
)
LINE_RELATED = ("contact", "campaign", "salesperson", "template", "group", "language", "attachment")
ROW_AUDITED = ("language", "description", "subject", "attachment")

SELECTION_OPERATIONS = {
    CriteriaAction.ADD: "segment_add_contacts",
    CriteriaAction.REDUCE: "segment_reduce_contacts",
    CriteriaAction.REFINE: "segment_refine_contacts",
}


def line_key(segment_no: str, line_no: int) -> str:
    return f"{segment_no}:{line_no}"


def row_key(segment_no: str, language_code: str) -> str:
    return f"{segment_no}:{language_code}"


def attachment_no(attachment: Any) -> str | None:
    """An attachment as the trail names it (its no., as `audit_values` gives a relation)."""
    return str(attachment.no) if attachment is not None else None


def audit_selection(
    *, actor: Any, segment_no: str, result: Any, filters: Any, options: dict[str, Any]
) -> None:
    """The one entry of Add, Reduce or Refine contacts (`result` a `SelectionResult`): the
    criteria action's no., the filters and options as given (cleaned), the lines added and
    removed."""
    audit_record(
        operation=SELECTION_OPERATIONS[result.action],
        object_type="segment",
        object_key=segment_no,
        actor=actor,
        details={
            "action_no": result.action_no,
            "filters": filters,
            "options": {
                name: value for name, value in options.items() if name not in ("action", "dry_run")
            },
            "added": result.added,
            "removed": result.removed,
        },
    )


def audit_log(actor: Any, segment_no: str, result: LogResult) -> LogResult:
    """The one entry of a log, whatever the number of lines: the logged segment, the number
    of interactions, the follow-up segment, Deliver, the campaigns. Returns `result`."""
    logged, follow_up = result.logged_segment, result.follow_up_segment
    audit_record(
        operation="segment_log",
        object_type="segment",
        object_key=segment_no,
        actor=actor,
        details={
            "logged_segment_entry_no": logged.entry_no if logged is not None else None,
            "no_of_interactions": result.no_of_interactions,
            "follow_up_segment_no": follow_up.no if follow_up is not None else None,
            "follow_up_no_of_lines": result.follow_up_lines,
            "deliver": result.deliver,
            "deliveries": dict(result.deliveries),
            "campaign_nos": list(result.campaigns),
        },
    )
    return result
