"""A segment's lines by hand (reference 2.3.3–2.3.5, 2.4.3): add a line for a contact, remove
a line, personalise a line's values; and the criteria actions every change of the lines is
recorded under (`start_criteria_action`, `remove_lines`: shared with selecting contacts), so Go
back can undo it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rapport.audit.services import audit_record, audit_values
from rapport.contacts.models import Contact
from rapport.core.errors import ConflictError, ValidationFailed
from rapport.interactions.services import template_defaults_apply
from rapport.segments.choices import CriteriaAction, HistoryAction
from rapport.segments.models import Segment, SegmentCriteriaAction, SegmentLine
from rapport.segments.services.auditing import LINE_AUDITED, LINE_RELATED, line_key
from rapport.segments.services.headers import (
    HEADER_FIELDS,
    check_campaign_flags,
    check_may_segment,
    clean_segment_values,
    lock_segment,
)
from rapport.segments.services.line_values import insert_lines, record_history
from rapport.segments.services.totals import Totals, totals_change_line, totals_remove_lines

# What a line may be given (reference 2.3.5).
LINE_FIELDS = (*HEADER_FIELDS, "evaluation", "attempt_failed", "time")


# ---------------------------------------------------------------------------------------------
# Criteria actions (shared with the selection)


def start_criteria_action(
    *,
    actor: Any,
    segment: Segment,
    action: str,
    filters: dict[str, Any] | None = None,
    **options: Any,
) -> SegmentCriteriaAction:
    """Record the next criteria action of `segment` (its no. = the header's no. of criteria
    actions + 1) and count it on the header. Call inside the operation's transaction."""
    segment.no_of_criteria_actions += 1
    Segment.objects.filter(pk=segment.pk).update(
        no_of_criteria_actions=segment.no_of_criteria_actions
    )
    return SegmentCriteriaAction.objects.create(
        segment=segment,
        action_no=segment.no_of_criteria_actions,
        action=action,
        filters=filters or {},
        created_by=actor,
        **options,
    )


def remove_lines(
    segment: Segment, lines: QuerySet[SegmentLine], *, action: SegmentCriteriaAction
) -> int:
    """Delete `lines` under the criteria action, keeping each whole in a history deletion
    row (so going back restores it exactly). Two set-based statements."""
    record_history(segment, lines, action_no=action.action_no, action=HistoryAction.DELETION)
    doomed = SegmentLine.objects.filter(pk__in=list(lines.values_list("pk", flat=True)))
    totals_remove_lines(segment, doomed)  # the header's totals, before the same DELETE
    removed, _details = doomed.delete()
    return int(removed)


# ---------------------------------------------------------------------------------------------
# Lines by hand (reference 2.4.3) and personalisation (2.3.5)


@transaction.atomic
def segment_line_add(*, actor: Any, segment: Segment, contact: Contact | str) -> SegmentLine:
    """Add a line for `contact` by hand: recorded as a criteria action "Add a line" (so Go
    back removes it), the line initialised from the header (reference 2.3.3)."""
    check_may_segment(actor)
    current = lock_segment(segment)
    found = _contact(contact)
    action = start_criteria_action(
        actor=actor,
        segment=current,
        action=CriteriaAction.ADD_LINE,
        filters={"contact": {"no": found.no}},
        allow_existing=True,
    )
    inserted = insert_lines(
        current, Contact.objects.filter(pk=found.pk), action_no=action.action_no
    )
    SegmentCriteriaAction.objects.filter(pk=action.pk).update(no_of_lines_inserted=inserted)
    added = current.lines.select_related(*LINE_RELATED).filter(action_no=action.action_no)
    line = added.order_by("-line_no").first()
    if line is not None:
        audit_record(
            operation="segment_line_add",
            object_type="segment_line",
            object_key=line_key(current.no, line.line_no),
            actor=actor,
            after=audit_values(line, LINE_AUDITED),
            details={"action_no": action.action_no},
        )
    return line  # type: ignore[return-value]


def _contact(contact: Contact | str) -> Contact:
    if isinstance(contact, Contact):
        return contact
    key = str(contact or "").strip().upper()
    found = Contact.objects.filter(no=key).first() if key and len(key) <= 20 else None
    if found is None:
        raise ValidationFailed({"contact": [_("There is no contact %(no)s.") % {"no": key[:20]}]})
    return found


@transaction.atomic
def segment_line_delete(*, actor: Any, line: SegmentLine) -> None:
    """Remove a line by hand: recorded as a criteria action "Remove a line", the line kept in
    the history so Go back restores it with its per-line values."""
    check_may_segment(actor)
    current = lock_segment(line.segment)
    action = start_criteria_action(
        actor=actor,
        segment=current,
        action=CriteriaAction.REMOVE_LINE,
        filters={"contact": {"no": line.contact.no}} if line.contact else {},
    )
    doomed = current.lines.filter(pk=line.pk)
    before = [audit_values(row, LINE_AUDITED) for row in doomed.select_related(*LINE_RELATED)]
    removed = remove_lines(current, doomed, action=action)
    if not removed:
        raise ConflictError(_("The line no longer exists."), code="not_found")
    SegmentCriteriaAction.objects.filter(pk=action.pk).update(no_of_lines_removed=removed)
    audit_record(
        operation="segment_line_delete",
        object_type="segment_line",
        object_key=line_key(current.no, line.line_no),
        actor=actor,
        before=before[0],
        details={"action_no": action.action_no},
    )


@transaction.atomic
def segment_line_update(*, actor: Any, line: SegmentLine, **changes: Any) -> SegmentLine:
    """Personalise one line (reference 2.3.5): any interaction field. Another template
    refills the line from it (group, description only while blank, cost, duration, flow,
    initiated by, campaign flags, language and correspondence type for the line's contact;
    campaign = the header's if set, else the template's); what is given beside it wins. A
    line with a template other than the header's is left alone by later header changes."""
    check_may_segment(actor)
    segment_no = lock_segment(line.segment).no
    try:
        locked = SegmentLine.objects.select_for_update(of=("self",))
        current = locked.select_related(*LINE_RELATED).get(pk=line.pk)
    except SegmentLine.DoesNotExist:
        raise ConflictError(_("The line no longer exists."), code="not_found") from None
    cleaned = clean_segment_values(changes, LINE_FIELDS)
    before = Totals(1, current.cost, current.duration)
    values = audit_values(current, LINE_AUDITED)
    if "template" in cleaned and current.contact_id is None:
        raise ValidationFailed(
            {"template": [_("Choose a contact before giving the line its own template.")]}
        )
    template = cleaned.get("template", current.template)
    if "template" in cleaned and template != current.template:
        current.template = template
        if template is None:
            current.group = None
        else:
            # The template's values for the line's contact (the description only while blank);
            # the campaign the header's, else the template's.
            template_defaults_apply(current, template, contact=current.contact, keep={"campaign"})
            current.campaign = line.segment.campaign or template.campaign
    for name, value in cleaned.items():
        setattr(current, name, value)
    check_campaign_flags(current)
    current.save()
    totals_change_line(current.segment_id, before, current)  # this line's difference only
    audit_record(
        operation="segment_line_update",
        object_type="segment_line",
        object_key=line_key(segment_no, current.line_no),
        actor=actor,
        before=values,
        after=audit_values(current, LINE_AUDITED),
    )
    return current
