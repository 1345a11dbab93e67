"""Which attachment each logged line gets, and the Deliver option of the log (reference 2.5),
in SQL: a few statements whatever the size of the segment.

A line's attachment (reference 2.3.4): its own; else, on the header's template, the row of its
language when the header has one (even without an attachment), else the header's default
language row; a line on another template takes that template's language row. Logging turns each
distinct source attachment into one read-only copy (sharing the stored file) that all its
entries refer to.

Deliver: None is NAV's default (yes when a line has a correspondence type). With Deliver, every
line whose correspondence type survives the log (an e-mail/fax type is cleared for a contact
without address/fax no., reference 2.1.4) needs an attachment; the refusal names the segment
languages (or the lines) without one, before anything is written.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from rapport.contacts.models import Contact, Language
from rapport.core.errors import ValidationFailed
from rapport.interactions.models import InteractionTemplateLanguage
from rapport.segments.models import Segment, SegmentLanguage, SegmentLine
from rapport.segments.services.language_rows import attachment_copy

MAX_NAMED = 10
"""How many languages or lines a refusal names."""


def effective_type_sql() -> str:
    """The correspondence type a line is logged with (`l` a line, `c` its contact): params
    "email", "fax"."""
    return (
        "CASE WHEN l.correspondence_type = %s AND COALESCE(c.email, '') = '' THEN '' "
        "WHEN l.correspondence_type = %s AND COALESCE(c.fax_no, '') = '' THEN '' "
        "ELSE l.correspondence_type END"
    )


EFFECTIVE_TYPE_PARAMS = ["email", "fax"]


def source_attachment_sql(segment: Segment) -> tuple[str, list[Any]]:
    """SQL for the attachment line `l` uses (reference 2.3.4), with its params."""
    rows = SegmentLanguage._meta.db_table
    template_rows = InteractionTemplateLanguage._meta.db_table
    default = None
    if segment.language_id is not None:
        default = (
            SegmentLanguage.objects.filter(segment=segment, language_id=segment.language_id)
            .values_list("attachment_id", flat=True)
            .first()
        )
    sql = (
        "COALESCE(l.attachment_id, CASE WHEN l.template_id = %s THEN "  # noqa: S608 - names are ours
        f"CASE WHEN EXISTS (SELECT 1 FROM {rows} r WHERE r.segment_id = l.segment_id "
        "AND r.language_id = l.language_id) "
        f"THEN (SELECT r.attachment_id FROM {rows} r WHERE r.segment_id = l.segment_id "
        "AND r.language_id = l.language_id) ELSE %s END "
        f"ELSE (SELECT t.attachment_id FROM {template_rows} t WHERE t.template_id = l.template_id "
        "AND t.language_id = l.language_id) END)"
    )
    return sql, [segment.template_id if segment.template_id is not None else -1, default]


def _from() -> str:
    return (
        f"FROM {SegmentLine._meta.db_table} l "
        f"JOIN {Contact._meta.db_table} c ON c.id = l.contact_id "
        f"LEFT JOIN {Language._meta.db_table} lang ON lang.id = l.language_id "
        "WHERE l.segment_id = %s"
    )


def default_deliver(segment: Segment) -> bool:
    """NAV's default of Deliver: yes when a line (with a contact) has a correspondence
    type."""
    return (
        SegmentLine.objects.filter(segment=segment, contact__isnull=False)
        .exclude(correspondence_type="")
        .exists()
    )


def deliveries(segment: Segment) -> dict[str, int]:
    """How many entries the log would deliver, per correspondence type (as logged)."""
    sql = f"SELECT {effective_type_sql()} AS kind, COUNT(*) {_from()} GROUP BY 1 ORDER BY 1"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*EFFECTIVE_TYPE_PARAMS, segment.pk])
        return {kind: int(count) for kind, count in cursor.fetchall() if kind}


def check_attachments(segment: Segment) -> None:
    """Deliver: every line logged with a correspondence type needs an attachment (reference
    2.1.5, 2.5 step 6). Refused before anything is written, naming the segment languages
    (else the lines) without one."""
    source, params = source_attachment_sql(segment)
    sql = (
        "SELECT l.line_no, c.no, lang.code "
        f"{_from()} AND ({effective_type_sql()}) <> '' AND ({source}) IS NULL "
        "ORDER BY l.line_no"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [segment.pk, *EFFECTIVE_TYPE_PARAMS, *params])
        missing = cursor.fetchall()
    if not missing:
        return
    languages = sorted({code for _line, _contact, code in missing if code})
    messages = [
        _("Segment language %(language)s has no attachment.") % {"language": code}
        for code in languages[:MAX_NAMED]
    ]
    messages += [
        _("Line %(line)s (contact %(contact)s) has no language and no attachment.")
        % {"line": line, "contact": contact}
        for line, contact, code in missing[:MAX_NAMED]
        if not code
    ]
    error = ValidationFailed({"deliver": messages}, code="attachment_missing")
    error.message = _(
        "Segment %(no)s cannot be logged with Deliver: %(first)s Give it an attachment, or log "
        "without Deliver."
    ) % {"no": segment.no, "first": messages[0]}
    error.details = {"no_of_lines_refused": len(missing)}
    raise error


def attachment_copies(segment: Segment) -> dict[int, int]:
    """One read-only copy per distinct source attachment the lines use: {source id: copy
    id}."""
    source, params = source_attachment_sql(segment)
    sql = (
        f"SELECT DISTINCT {source} FROM {SegmentLine._meta.db_table} l "  # noqa: S608 - names are ours
        "WHERE l.segment_id = %s AND l.contact_id IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, segment.pk])
        sources = sorted(row[0] for row in cursor.fetchall() if row[0] is not None)
    from rapport.attachments.models import Attachment

    found = Attachment.objects.in_bulk(sources)
    return {pk: attachment_copy(found[pk]).pk for pk in sources if pk in found}


def attachment_column(segment: Segment, copies: dict[int, int]) -> tuple[str, list[Any]]:
    """The INSERT's attachment column: the copy of each line's source attachment."""
    if not copies:
        return "NULL", []
    source, params = source_attachment_sql(segment)
    whens = " ".join("WHEN %s THEN %s" for _key in copies)
    pairs = [value for item in copies.items() for value in item]
    return f"CASE {source} {whens} END", [*params, *pairs]


def check_deliver(segment: Segment, deliver: bool | None) -> bool:
    """Deliver as asked (None: NAV's default), refused when no line has a correspondence type
    (nothing to deliver) or a line to deliver has no attachment."""
    has_types = default_deliver(segment)
    if deliver is None:
        deliver = has_types
    elif deliver and not has_types:
        raise ValidationFailed(
            {
                "deliver": [
                    _(
                        "No line has a correspondence type: there is nothing to deliver. Log "
                        "without Deliver."
                    )
                ]
            },
            code="nothing_to_deliver",
        )
    if deliver:
        check_attachments(segment)
    return bool(deliver)
