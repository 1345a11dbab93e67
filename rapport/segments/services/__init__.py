"""Business operations on segments (reference 2.3–2.6), by subject. Each is one transaction and
raises a DomainError subclass with a user-facing message; nothing is saved when an operation is
refused. Who may do what: the administrator and marketing roles (capability MARKETING).

- `headers`: create, change (and the question whether the change goes to the lines), delete a
  segment; who may work with segments; the segment lock.
- `language_rows`: the header's language rows from the template, the lines' subjects from the
  rows, which attachment a line uses (own → its language row → the default language row).
- `line_values`: the values of the lines, set-based (insert, history, refill).
- `lines`: add, personalise and remove a line by hand; the criteria actions.
- `languages`: the segment's interaction languages and the lines' own attachments.
- `filters`: the filter sections and the contacts that match a filter set.
- `selection`: Add, Reduce and Refine contacts, Go back.
- `reuse`: save and reuse criteria, reuse a logged segment.
- `log`: log a segment (now or in the background: `segment_log_start`), the follow-up segment;
  `log_delivery`: each logged line's attachment and the Deliver option.
- `logged`: the logged segments, cancel and un-cancel, delete the canceled ones.
- `jobs`: start a failed background log again.

The modules import one another downward in that order; callers import from here.
"""

from rapport.segments.services.filters import (
    SECTIONS,
    clean_filters,
    describe_filters,
    matching_contacts,
)
from rapport.segments.services.headers import (
    HEADER_FIELDS,
    affected_lines,
    check_may_segment,
    lines_question,
    lines_question_key,
    lock_segment,
    segment_create,
    segment_delete,
    segment_to_log,
    segment_update,
)
from rapport.segments.services.jobs import segment_log_job_restart
from rapport.segments.services.language_rows import (
    ResolvedAttachment,
    line_attachment_resolved,
)
from rapport.segments.services.languages import (
    segment_language_attachment_create,
    segment_language_attachment_remove,
    segment_language_create,
    segment_language_delete,
    segment_language_update,
    segment_line_attachment_create,
    segment_line_attachment_remove,
    segment_line_attachment_set,
)
from rapport.segments.services.line_values import contact_line_values
from rapport.segments.services.lines import (
    LINE_FIELDS,
    remove_lines,
    segment_line_add,
    segment_line_delete,
    segment_line_update,
    start_criteria_action,
)
from rapport.segments.services.log import (
    BACKGROUND_THRESHOLD,
    LogResult,
    LogStart,
    runs_in_background,
    segment_log,
    segment_log_runs_in_background,
    segment_log_start,
)
from rapport.segments.services.log_delivery import default_deliver
from rapport.segments.services.logged import (
    logged_segment_cancel,
    logged_segment_interactions,
    logged_segment_uncancel,
    logged_segments,
    logged_segments_delete_canceled,
)
from rapport.segments.services.reuse import (
    ReuseResult,
    segment_reuse_criteria,
    segment_reuse_logged_segment,
    segment_save_criteria,
)
from rapport.segments.services.selection import (
    PREVIEW_LIMIT,
    GoBackResult,
    SelectionResult,
    SkipReason,
    criteria_action_label,
    segment_add_contacts,
    segment_go_back,
    segment_reduce_contacts,
    segment_refine_contacts,
)

__all__ = [
    "BACKGROUND_THRESHOLD",
    "HEADER_FIELDS",
    "LINE_FIELDS",
    "PREVIEW_LIMIT",
    "SECTIONS",
    "GoBackResult",
    "LogResult",
    "LogStart",
    "ResolvedAttachment",
    "ReuseResult",
    "SelectionResult",
    "SkipReason",
    "affected_lines",
    "check_may_segment",
    "clean_filters",
    "contact_line_values",
    "criteria_action_label",
    "default_deliver",
    "describe_filters",
    "line_attachment_resolved",
    "lines_question",
    "lines_question_key",
    "lock_segment",
    "logged_segment_cancel",
    "logged_segment_interactions",
    "logged_segment_uncancel",
    "logged_segments",
    "logged_segments_delete_canceled",
    "matching_contacts",
    "remove_lines",
    "runs_in_background",
    "segment_add_contacts",
    "segment_create",
    "segment_delete",
    "segment_go_back",
    "segment_language_attachment_create",
    "segment_language_attachment_remove",
    "segment_language_create",
    "segment_language_delete",
    "segment_language_update",
    "segment_line_add",
    "segment_line_attachment_create",
    "segment_line_attachment_remove",
    "segment_line_attachment_set",
    "segment_line_delete",
    "segment_line_update",
    "segment_log",
    "segment_log_job_restart",
    "segment_log_runs_in_background",
    "segment_log_start",
    "segment_reduce_contacts",
    "segment_refine_contacts",
    "segment_reuse_criteria",
    "segment_reuse_logged_segment",
    "segment_save_criteria",
    "segment_to_log",
    "segment_update",
    "start_criteria_action",
]
