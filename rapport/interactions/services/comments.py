"""Comment lines of an interaction (reference 2.7, Comments): add, change, remove; and the
comment lines given when an interaction is created or resumed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from rapport.audit.services import audit_change, audit_record
from rapport.core.cleaners import clean_date, clean_text
from rapport.core.errors import ErrorCollector
from rapport.interactions.models import (
    COMMENT_LENGTH,
    InteractionLogEntry,
    InteractionLogEntryComment,
)
from rapport.interactions.services import trail
from rapport.interactions.services.entries import lock_entry
from rapport.interactions.services.rights import check_may_change
from rapport.interactions.services.values import label

_UNSET: Any = object()


def _clean_comment(value: Any, errors: ErrorCollector) -> str:
    """A comment line's text: at most 250 characters, no control characters."""
    return clean_text("comment", value, errors, label=label("comment"), max_length=COMMENT_LENGTH)


def clean_comment_lines(
    value: Any, errors: ErrorCollector, default_date: datetime.date
) -> list[tuple]:
    """Comment lines given as texts or as {"comment", "date"} mappings: (date, comment)."""
    if value is None:
        return []
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        errors.add("comments", _("Comments must be a list of texts."))
        return []
    lines = []
    for item in value:
        date: Any = None
        text: Any = item
        if isinstance(item, Mapping):
            text, date = item.get("comment"), item.get("date")
        if not isinstance(text, str):
            errors.add("comments", _("Each comment must be a text."))
            continue
        local = ErrorCollector()
        text = _clean_comment(text, local)
        line_date = clean_date("date", date, local, label=label("date")) or default_date
        if not text and "comment" not in local:
            continue  # blank lines are left out
        for messages in local.errors.values():
            for message in messages:
                errors.add("comments", message)
        lines.append((line_date, text))
    return lines


def add_comment_lines(entry: InteractionLogEntry, lines: list[tuple]) -> None:
    if not lines:
        return
    highest = entry.comments.aggregate(highest=Max("line_no"))["highest"] or 0
    InteractionLogEntryComment.objects.bulk_create(
        InteractionLogEntryComment(entry=entry, line_no=highest + index, date=date, comment=text)
        for index, (date, text) in enumerate(lines, start=1)
    )


@transaction.atomic
def interaction_add_comment(
    *,
    actor: Any,
    entry: InteractionLogEntry,
    comment: str,
    date: datetime.date | str | None = None,
) -> InteractionLogEntryComment:
    """Add a comment line to an interaction (logged, canceled or postponed): at most 250
    characters, not blank; the date defaults to the user's work date. Lines are numbered 1, 2,
    3, … per entry."""
    errors = ErrorCollector()
    text = _clean_comment(comment, errors)
    if not text and "comment" not in errors:
        errors.add("comment", _("Fill in the comment."))
    line_date = clean_date("date", date, errors, label=label("date")) or actor.effective_work_date
    current = lock_entry(entry)
    check_may_change(actor, current)
    errors.raise_if_any()
    highest = current.comments.aggregate(highest=Max("line_no"))["highest"] or 0
    line = InteractionLogEntryComment.objects.create(
        entry=current, line_no=highest + 1, date=line_date, comment=text
    )
    audit_record(
        operation="interaction_add_comment",
        object_type=trail.COMMENT,
        object_key=trail.comment_key(current.entry_no, line.line_no),
        actor=actor,
        after=_line_values(line),
    )
    return line


@transaction.atomic
def interaction_update_comment(
    *,
    actor: Any,
    comment_line: InteractionLogEntryComment,
    comment: str = _UNSET,
    date: datetime.date | str = _UNSET,
) -> InteractionLogEntryComment:
    """Change a comment line's text or date (the rules of `interaction_add_comment`)."""
    current = lock_entry(comment_line.entry)
    check_may_change(actor, current)
    errors = ErrorCollector()
    line = InteractionLogEntryComment.objects.select_for_update().get(pk=comment_line.pk)
    before = _line_values(line)
    if comment is not _UNSET:
        line.comment = _clean_comment(comment, errors)
        if not line.comment and "comment" not in errors:
            errors.add("comment", _("Fill in the comment."))
    if date is not _UNSET:
        new_date = clean_date("date", date, errors, label=label("date"))
        if new_date is None and "date" not in errors:
            errors.add("date", _("Fill in the date of the comment."))
        line.date = new_date or line.date
    errors.raise_if_any()
    line.save()
    audit_change(
        operation="interaction_update_comment",
        object_type=trail.COMMENT,
        object_key=trail.comment_key(current.entry_no, line.line_no),
        actor=actor,
        before=before,
        after=_line_values(line),
    )
    comment_line.refresh_from_db()
    return comment_line


@transaction.atomic
def interaction_delete_comment(*, actor: Any, comment_line: InteractionLogEntryComment) -> None:
    """Remove a comment line from an interaction."""
    current = lock_entry(comment_line.entry)
    check_may_change(actor, current)
    line = InteractionLogEntryComment.objects.filter(pk=comment_line.pk).first()
    if line is None:
        return  # already gone: nothing changed
    line.delete()
    audit_record(
        operation="interaction_delete_comment",
        object_type=trail.COMMENT,
        object_key=trail.comment_key(current.entry_no, line.line_no),
        actor=actor,
        before=_line_values(line),
    )


def _line_values(line: InteractionLogEntryComment) -> dict[str, Any]:
    """A comment line as the audit trail keeps it."""
    return {"date": line.date, "comment": line.comment}
