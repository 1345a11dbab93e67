"""Business operations on segments (reference 2.3–2.6). Each is one transaction and raises a
DomainError subclass with a user-facing message; nothing is saved when an operation is refused.

This module holds the header and its lines (create, change with propagation to the lines,
personalise a line, add or remove a line by hand, delete). Selecting contacts by criteria
(`selection.py`) and logging (`logging.py`) are re-exported below: call everything from here.

Who may do what: the administrator and marketing roles (capability MARKETING).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from rapport.contacts import selectors as contact_selectors
from rapport.contacts.models import Contact
from rapport.core import permissions
from rapport.core.errors import (
    ConflictError,
    ErrorCollector,
    PermissionDeniedError,
    ValidationFailed,
)
from rapport.interactions.log import clean_interaction_values
from rapport.interactions.selectors import template_defaults_for
from rapport.numbering.services import number_series_assign
from rapport.segments.choices import CriteriaAction, HistoryAction
from rapport.segments.lines import contact_line_values, insert_lines, record_history, refill_lines
from rapport.segments.models import (
    Segment,
    SegmentCriteriaAction,
    SegmentHistory,
    SegmentLine,
)
from rapport.setup.selectors import marketing_setup_get

# The header fields a caller may set (reference 1.8).
HEADER_FIELDS = (
    "description",
    "campaign",
    "salesperson",
    "template",
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
)
# The header fields whose change goes to the lines that use the header's template (2.3.2).
PROPAGATING = (
    "description",
    "campaign",
    "salesperson",
    "template",
    "subject",
    "correspondence_type",
    "cost",
    "duration",
    "date",
    "information_flow",
    "initiated_by",
    "campaign_target",
    "campaign_response",
)
# What a line may be given (reference 2.3.5).
LINE_FIELDS = (*HEADER_FIELDS, "evaluation", "attempt_failed", "time")
# What choosing a template copies (reference 2.3.2, header rebuild).
TEMPLATE_COPIED = (
    "group",
    "language",
    "cost",
    "duration",
    "information_flow",
    "initiated_by",
    "campaign_target",
    "campaign_response",
    "correspondence_type",
)


def check_may_segment(actor: Any) -> None:
    """Segments are the marketing role's work (and the administrator's)."""
    if not permissions.user_can(actor, permissions.MARKETING):
        raise PermissionDeniedError(_("Your role does not allow working with segments."))


def _clean(given: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    errors = ErrorCollector()
    for name in sorted(set(given) - set(allowed)):
        errors.add(name, _("Unknown field."))
    known = {name: value for name, value in given.items() if name in allowed}
    cleaned = clean_interaction_values(known, errors)
    for name in ("cost", "duration"):
        if cleaned.get(name) is not None and cleaned[name] < 0:
            errors.add(name, _("This may not be negative."))
    errors.raise_if_any()
    return cleaned


def _apply_template_to_header(segment: Segment, *, campaign_given: bool) -> None:
    """Rebuild the header from its template (reference 2.3.2): language, group, cost,
    duration, flow, initiated by, campaign flags, correspondence type and "ignore contact
    corres. type" from the template (blanks without one); the template's campaign when none is
    imposed; the subject cleared."""
    template = segment.template
    segment.subject = ""
    if template is None:
        segment.group = None
        segment.language = None
        segment.cost = segment.duration = 0  # type: ignore[assignment]
        segment.information_flow = segment.initiated_by = ""
        segment.campaign_target = segment.campaign_response = False
        segment.correspondence_type = ""
        segment.ignore_contact_corres_type = False
        return
    defaults = template_defaults_for(template)
    segment.group = template.group
    segment.language = template.language_default
    segment.cost = defaults.cost
    segment.duration = defaults.duration
    segment.information_flow = defaults.information_flow
    segment.initiated_by = defaults.initiated_by
    segment.campaign_target = defaults.campaign_target
    segment.campaign_response = defaults.campaign_response
    segment.correspondence_type = template.correspondence_type_default
    segment.ignore_contact_corres_type = template.ignore_contact_corres_type
    if not campaign_given and segment.campaign is None and defaults.campaign is not None:
        segment.campaign = defaults.campaign
    if segment.campaign is None:
        segment.campaign_target = segment.campaign_response = False


@transaction.atomic
def segment_create(*, actor: Any, no: str = "", **fields: Any) -> Segment:
    """A new segment (reference 2.3.1): its number typed (when Segment Nos. allows manual
    numbers) or drawn from Marketing Setup's Segment Nos. for the work date (a clear error
    naming Marketing Setup when it is not set up); salesperson = the one linked to the user;
    date = the work date; a template fills the header from it, and the other fields given
    override it."""
    check_may_segment(actor)
    cleaned = _clean(fields, HEADER_FIELDS)
    setup = marketing_setup_get()
    series_code = setup.segment_nos.code if setup.segment_nos else None
    typed = str(no or "").strip().upper()
    if len(typed) > 20:
        raise ValidationFailed({"no": [_("A segment no. has at most 20 characters.")]})
    number, series_used = number_series_assign(
        code=series_code,
        manual_no=typed,
        date=actor.effective_work_date,
        setup_field_label=_("Segment Nos."),
    )
    if Segment.objects.filter(no=number).exists():
        raise ValidationFailed(
            {"no": [_("Segment %(no)s already exists.") % {"no": number}]}, code="duplicate"
        )
    _check_not_logged(number)
    segment = Segment(
        no=number,
        no_series=series_used,
        salesperson=contact_selectors.salesperson_for_user(actor),
        date=actor.effective_work_date,
        created_by=actor,
    )
    template = cleaned.pop("template", None)
    if template is not None:
        segment.template = template
        _apply_template_to_header(segment, campaign_given="campaign" in cleaned)
    for name, value in cleaned.items():
        setattr(segment, name, value)
    _check_campaign_flags(segment)
    try:
        with transaction.atomic():
            segment.save(force_insert=True)
    except IntegrityError:
        raise ValidationFailed(
            {"no": [_("Segment %(no)s already exists.") % {"no": number}]}, code="duplicate"
        ) from None
    return segment


def _check_not_logged(number: str) -> None:
    from rapport.segments.models import LoggedSegment

    if LoggedSegment.objects.filter(segment_no=number).exists():
        raise ValidationFailed(
            {
                "no": [
                    _(
                        "Segment %(no)s was logged before: a logged segment with this number "
                        "exists. Choose another number."
                    )
                    % {"no": number}
                ]
            },
            code="duplicate",
        )


def _check_campaign_flags(target: Any) -> None:
    if target.campaign_id is None and (target.campaign_target or target.campaign_response):
        raise ValidationFailed(
            {
                "campaign_target": [
                    _("Campaign target and response can only be set with a campaign.")
                ]
            }
        )


def _lock(segment: Segment) -> Segment:
    try:
        return Segment.objects.select_for_update().get(pk=segment.pk)
    except Segment.DoesNotExist:
        raise ConflictError(
            _("Segment %(no)s no longer exists (it may have been logged meanwhile).")
            % {"no": segment.no},
            code="not_found",
        ) from None


def affected_lines(segment: Segment, *, template_changed: bool) -> QuerySet[SegmentLine]:
    """The lines a header change goes to (reference 2.3.2): all lines when the template
    changes, else the lines that use the header's template."""
    lines = segment.lines.all()
    if template_changed:
        return lines
    if segment.template_id is None:
        return lines.filter(template__isnull=True)
    return lines.filter(template_id=segment.template_id)


def lines_question_key(
    changed: Any, count: int, *, new_template: Any, template_changed: bool
) -> str:
    """What the update-lines question asks, as a short key (the changed fields, the template
    when it changes, the number of lines): a page posts it back with the answer, so that an
    answer given to one question is never applied to another save."""
    template = (new_template.code if new_template is not None else "-") if template_changed else ""
    return f"{','.join(sorted(changed))};{template};{count}"


@transaction.atomic
def segment_update(
    *,
    actor: Any,
    segment: Segment,
    apply_to_lines: bool | None = None,
    answered_question: str | None = None,
    **changes: Any,
) -> Segment:
    """Change the header (reference 2.3.2). A changed propagating field goes to the lines that
    use the header's template (all lines when the template changes); a changed template
    rebuilds the header from it. When lines are affected, `apply_to_lines` decides: True
    writes the changes to them, False changes only the header, None (not asked yet) is refused
    with 409 `lines_affected` naming the count — ask the user once for the whole save.
    `answered_question` (the pages): the key of the question the answer was given to
    (`lines_question_key`, the refusal's `question_key`); when this save would
    ask something else, it is refused with the new question instead of applying the answer.

    Unlike NAV, a template change applied to the lines refills them completely from the new
    template (cost, duration, flow, initiated by, campaign flags, and per contact the language
    and correspondence type), as the header is; NAV leaves their cost and duration."""
    check_may_segment(actor)
    current = _lock(segment)
    cleaned = _clean(changes, HEADER_FIELDS)
    template_changed = "template" in cleaned and cleaned["template"] != current.template
    old_subject = current.subject
    changed = {
        name: value
        for name, value in cleaned.items()
        if name in PROPAGATING and getattr(current, name) != value
    }
    if "correspondence_type" in changed and not changed["correspondence_type"]:
        del changed["correspondence_type"]  # only a non-blank default propagates
    lines = affected_lines(current, template_changed=template_changed)
    count = lines.count() if changed else 0
    key = lines_question_key(
        changed, count, new_template=cleaned.get("template"), template_changed=template_changed
    )
    if count and (
        apply_to_lines is None or (answered_question is not None and answered_question != key)
    ):
        question = ConflictError(
            lines_question(
                changed,
                count,
                new_template=cleaned.get("template"),
                template_changed=template_changed,
            ),
            code="lines_affected",
            details={"affected_lines": count},
        )
        question.question_key = key  # type: ignore[attr-defined]
        raise question
    for name, value in cleaned.items():
        setattr(current, name, value)
    if template_changed:
        _apply_template_to_header(current, campaign_given="campaign" in cleaned)
        for name in cleaned:  # what was given beside the template wins
            setattr(current, name, cleaned[name])
    _check_campaign_flags(current)
    current.save()
    if count and apply_to_lines:
        _propagate(
            current, lines, changed, template_changed=template_changed, old_subject=old_subject
        )
    segment.refresh_from_db()
    return segment


# How the update-lines question names a changed header field ("Update the description and the
# cost on the 14 lines?").
FIELD_PHRASES = {
    "description": gettext_lazy("the description"),
    "campaign": gettext_lazy("the campaign"),
    "salesperson": gettext_lazy("the salesperson"),
    "subject": gettext_lazy("the subject"),
    "correspondence_type": gettext_lazy("the correspondence type"),
    "cost": gettext_lazy("the cost"),
    "duration": gettext_lazy("the duration"),
    "date": gettext_lazy("the date"),
    "information_flow": gettext_lazy("the information flow"),
    "initiated_by": gettext_lazy("the initiator"),
    "campaign_target": gettext_lazy("the campaign target"),
    "campaign_response": gettext_lazy("the campaign response"),
}


def lines_question(
    changed: Any, count: int, *, new_template: Any = None, template_changed: bool = False
) -> str:
    """The one question before a header change goes to `count` lines, naming what changes:
    "Update the description and the cost on the 14 lines?", or for a new template "Apply
    interaction template LETTER to the 14 lines?" (reference 2.3.2)."""
    if template_changed:
        if new_template is None:
            return ngettext(
                "Remove the interaction template from %(count)s line?",
                "Remove the interaction template from the %(count)s lines?",
                count,
            ) % {"count": count}
        return ngettext(
            "Apply interaction template %(template)s to %(count)s line?",
            "Apply interaction template %(template)s to the %(count)s lines?",
            count,
        ) % {"template": new_template.code, "count": count}
    phrases = [str(FIELD_PHRASES[name]) for name in FIELD_PHRASES if name in changed]
    return ngettext(
        "Update %(fields)s on %(count)s line?",
        "Update %(fields)s on the %(count)s lines?",
        count,
    ) % {"fields": get_text_list(phrases, _("and")), "count": count}


def _propagate(
    segment: Segment,
    lines: QuerySet[SegmentLine],
    changed: dict[str, Any],
    *,
    template_changed: bool,
    old_subject: str = "",
) -> None:
    """Write the header's changed values to `lines` (set-based)."""
    values = {
        _column(name): getattr(segment, _column(name)) for name in changed if name != "subject"
    }
    if template_changed:
        for name in TEMPLATE_COPIED:
            values[_column(name)] = getattr(segment, _column(name))
        values["campaign_id"] = segment.campaign_id
        values["template_id"] = segment.template_id
        values["subject"] = segment.subject
    ids = list(lines.values_list("pk", flat=True))
    if values:
        SegmentLine.objects.filter(pk__in=ids).update(**values)
    if "subject" in changed and not template_changed:
        # Reference 2.3.2: a new subject reaches the lines that still carry the old one (in the
        # header's language); a personalised subject stays.
        same_language = (
            Q(language__isnull=True)
            if segment.language_id is None
            else Q(language_id=segment.language_id)
        )
        SegmentLine.objects.filter(same_language, pk__in=ids, subject=old_subject).update(
            subject=segment.subject
        )
    if template_changed:
        refill_lines(segment, SegmentLine.objects.filter(pk__in=ids, contact__isnull=False))


_RELATIONS = {"campaign", "salesperson", "template", "group", "language"}


def _column(name: str) -> str:
    return f"{name}_id" if name in _RELATIONS else name


# ---------------------------------------------------------------------------------------------
# Criteria actions (shared with selection.py)


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
    removed, _details = SegmentLine.objects.filter(
        pk__in=list(lines.values_list("pk", flat=True))
    ).delete()
    return int(removed)


# ---------------------------------------------------------------------------------------------
# Lines by hand (reference 2.4.3) and personalisation (2.3.5)


@transaction.atomic
def segment_line_add(*, actor: Any, segment: Segment, contact: Contact | str) -> SegmentLine:
    """Add a line for `contact` by hand: recorded as a criteria action "Add a line" (so Go
    back removes it), the line initialised from the header (reference 2.3.3)."""
    check_may_segment(actor)
    current = _lock(segment)
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
    return current.lines.filter(action_no=action.action_no).order_by("-line_no").first()  # type: ignore[return-value]


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
    current = _lock(line.segment)
    action = start_criteria_action(
        actor=actor,
        segment=current,
        action=CriteriaAction.REMOVE_LINE,
        filters={"contact": {"no": line.contact.no}} if line.contact else {},
    )
    removed = remove_lines(current, current.lines.filter(pk=line.pk), action=action)
    if not removed:
        raise ConflictError(_("The line no longer exists."), code="not_found")
    SegmentCriteriaAction.objects.filter(pk=action.pk).update(no_of_lines_removed=removed)


@transaction.atomic
def segment_line_update(*, actor: Any, line: SegmentLine, **changes: Any) -> SegmentLine:
    """Personalise one line (reference 2.3.5): any interaction field. Another template
    refills the line from it (group, description only while blank, cost, duration, flow,
    initiated by, campaign flags, language and correspondence type for the line's contact;
    campaign = the header's if set, else the template's); what is given beside it wins. A
    line with a template other than the header's is left alone by later header changes."""
    check_may_segment(actor)
    _lock(line.segment)
    try:
        current = SegmentLine.objects.select_for_update().get(pk=line.pk)
    except SegmentLine.DoesNotExist:
        raise ConflictError(_("The line no longer exists."), code="not_found") from None
    cleaned = _clean(changes, LINE_FIELDS)
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
            defaults = template_defaults_for(
                template,
                current.contact,
                previous_correspondence_type=current.correspondence_type,
            )
            current.group = template.group
            if not current.description:
                current.description = defaults.description
            current.cost = defaults.cost
            current.duration = defaults.duration
            current.information_flow = defaults.information_flow
            current.initiated_by = defaults.initiated_by
            current.campaign_target = defaults.campaign_target
            current.campaign_response = defaults.campaign_response
            current.correspondence_type = defaults.correspondence_type
            current.language = _language(defaults.language_code)
            current.campaign = line.segment.campaign or defaults.campaign
    for name, value in cleaned.items():
        setattr(current, name, value)
    _check_campaign_flags(current)
    current.save()
    return current


def _language(code: str) -> Any:
    from rapport.contacts.models import Language

    return Language.objects.filter(code=code).first() if code else None


@transaction.atomic
def segment_delete(*, actor: Any, segment: Segment) -> None:
    """Delete a segment with its lines, criteria actions and history (reference 1.8)."""
    check_may_segment(actor)
    current = _lock(segment)
    SegmentHistory.objects.filter(segment=current).delete()
    SegmentLine.objects.filter(segment=current).delete()
    current.delete()


__all__ = [
    "HEADER_FIELDS",
    "LINE_FIELDS",
    "affected_lines",
    "check_may_segment",
    "contact_line_values",
    "remove_lines",
    "segment_create",
    "segment_delete",
    "segment_line_add",
    "segment_line_delete",
    "segment_line_update",
    "segment_update",
    "start_criteria_action",
]


# Selecting contacts (`selection.py`) and logging (`log.py`) build on this module; their
# operations are called from here too, looked up when first used (importing them here would be
# circular).
_ELSEWHERE = {
    "logged_segment_cancel": "log",
    "logged_segment_uncancel": "log",
    "logged_segments_delete_canceled": "log",
    "segment_log": "log",
    "segment_add_contacts": "selection",
    "segment_go_back": "selection",
    "segment_reduce_contacts": "selection",
    "segment_refine_contacts": "selection",
    "segment_reuse_criteria": "selection",
    "segment_reuse_logged_segment": "selection",
    "segment_save_criteria": "selection",
}


def __getattr__(name: str) -> Any:
    module = _ELSEWHERE.get(name)
    if module is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(f"rapport.segments.{module}"), name)
