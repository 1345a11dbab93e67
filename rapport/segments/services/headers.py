"""The segment header (reference 2.3.1, 2.3.2): create, change (with the question whether
the change goes to the lines, and the propagation), rebuild from a template, delete. Also who
may work with segments and the segment lock every operation of the app takes first.

Each operation is one transaction and raises a DomainError subclass with a user-facing
message; nothing is saved when an operation is refused. Who may do what: the administrator and
marketing roles (capability MARKETING).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from rapport.audit.services import (
    audit_created,
    audit_deleted,
    audit_updated,
    audit_values,
)
from rapport.contacts import selectors as contact_selectors
from rapport.core import permissions
from rapport.core.errors import (
    ConflictError,
    ErrorCollector,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from rapport.interactions.services import clean_interaction_values, template_defaults_apply
from rapport.numbering.services import number_series_assign
from rapport.segments import selectors
from rapport.segments.models import (
    LoggedSegment,
    Segment,
    SegmentHistory,
    SegmentLanguage,
    SegmentLine,
)
from rapport.segments.services.language_rows import (
    default_row_subject,
    lines_subject_from_rows,
    release_all,
    segment_attachment_ids,
    template_languages_copy,
)
from rapport.segments.services.line_values import INTERACTION_COLUMNS, refill_lines
from rapport.segments.services.totals import totals_lines_set
from rapport.setup.selectors import marketing_setup_get

# The header fields a caller may set (reference 1.8): its interaction values, bar the group
# (the template's).
HEADER_FIELDS = tuple(
    name.removesuffix("_id") for name in INTERACTION_COLUMNS if name != "group_id"
)
# The header fields whose change goes to the lines that use the header's template (2.3.2): all
# but the language (each line has its contact's).
PROPAGATING = tuple(name for name in HEADER_FIELDS if name != "language")
# What the audit trail keeps of a header: its values, not its counters and totals.
CHANGEABLE = (*HEADER_FIELDS, "group", "ignore_contact_corres_type")
AUDITED = ("no", "no_series", *CHANGEABLE)
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


def clean_segment_values(given: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    """The interaction values of a header or line (`allowed` names them), cleaned; an unknown
    field or a negative cost or duration is refused."""
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
    # The template's values (`template_defaults_apply`, no contact), but as the header takes
    # them: its description stays, the correspondence type is the template's default as it
    # is, and the template's campaign only when none is imposed.
    template_defaults_apply(
        segment, template, keep={"description", "campaign", "correspondence_type"}
    )
    segment.correspondence_type = template.correspondence_type_default
    segment.ignore_contact_corres_type = template.ignore_contact_corres_type
    if not campaign_given and segment.campaign is None and template.campaign is not None:
        segment.campaign = template.campaign
    if segment.campaign is None:
        segment.campaign_target = segment.campaign_response = False


@transaction.atomic
def segment_create(*, actor: Any, no: str = "", **fields: Any) -> Segment:
    """A new segment (`new_segment`), in the audit trail."""
    segment = new_segment(actor=actor, no=no, **fields)
    audit_created(
        segment, operation="segment_create", object_type="segment", actor=actor, fields=AUDITED
    )
    return segment


@transaction.atomic
def new_segment(*, actor: Any, no: str = "", **fields: Any) -> Segment:
    """A new segment (reference 2.3.1): its number typed (when Segment Nos. allows manual
    numbers) or drawn from Marketing Setup's Segment Nos. for the work date (a clear error
    naming Marketing Setup when it is not set up); salesperson = the one linked to the user;
    date = the work date; a template fills the header from it, and the other fields given
    override it."""
    check_may_segment(actor)
    cleaned = clean_segment_values(fields, HEADER_FIELDS)
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
    check_campaign_flags(segment)
    try:
        with transaction.atomic():
            segment.save(force_insert=True)
    except IntegrityError:
        raise ValidationFailed(
            {"no": [_("Segment %(no)s already exists.") % {"no": number}]}, code="duplicate"
        ) from None
    if template is not None:
        template_languages_copy(segment)
        _sync_subject(segment, subject_given="subject" in cleaned)
    return segment


def _sync_subject(segment: Segment, *, subject_given: bool) -> None:
    """Subject (Default) and the default language row's subject are one value (reference
    1.8 #24): a subject given goes to the row; else the header takes the row's."""
    if subject_given:
        if segment.language_id is not None:
            SegmentLanguage.objects.filter(segment=segment, language_id=segment.language_id).update(
                subject=segment.subject
            )
        return
    subject = default_row_subject(segment)
    if subject is not None and subject != segment.subject:
        segment.subject = subject
        Segment.objects.filter(pk=segment.pk).update(subject=subject)


def _check_not_logged(number: str) -> None:
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


def check_campaign_flags(target: Any) -> None:
    """Campaign target and response need a campaign (a header or a line)."""
    if target.campaign_id is None and (target.campaign_target or target.campaign_response):
        raise ValidationFailed(
            {
                "campaign_target": [
                    _("Campaign target and response can only be set with a campaign.")
                ]
            }
        )


def lock_segment(segment: Segment) -> Segment:
    """`segment` again, locked until the transaction ends (every change of a segment, its lines
    or its criteria takes this lock first); refused when it no longer exists."""
    try:
        return Segment.objects.select_for_update().get(pk=segment.pk)
    except Segment.DoesNotExist:
        raise ConflictError(
            _("Segment %(no)s no longer exists (it may have been logged meanwhile).")
            % {"no": segment.no},
            code="not_found",
        ) from None


def check_not_logged(segment_no: str) -> None:
    """Refused (409 `already_logged`, naming the logged segment) when segment `segment_no` has
    been logged: what the loser of two requests logging one segment at once is told, whether
    it waited for the winner's lock or came after the winner had removed the segment."""
    logged = LoggedSegment.objects.filter(segment_no=segment_no).order_by("-entry_no").first()
    if logged is not None:
        raise ConflictError(
            _("Segment %(no)s has already been logged (logged segment %(entry_no)s).")
            % {"no": segment_no, "entry_no": logged.entry_no},
            code="already_logged",
            details={"logged_segment_entry_no": logged.entry_no},
        )


def segment_to_log(no: str) -> Segment:
    """The segment a log request names (`selectors.segment_get`); one that is gone because
    it has been logged is refused by `check_not_logged` (409), not as unknown (404)."""
    try:
        return selectors.segment_get(no)
    except NotFoundError:
        check_not_logged(str(no or "").strip().upper()[:20])
        raise


def lock_segment_to_log(segment: Segment) -> Segment:
    """`lock_segment` for the log: a segment logged meanwhile (the lock waited for that log
    to commit) is refused by `check_not_logged` (409 `already_logged`)."""
    try:
        return lock_segment(segment)
    except ConflictError:
        check_not_logged(segment.no)
        raise


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
    current = lock_segment(segment)
    cleaned = clean_segment_values(changes, HEADER_FIELDS)
    template_changed = "template" in cleaned and cleaned["template"] != current.template
    old_subject, before = current.subject, audit_values(current, CHANGEABLE)
    changed = _propagating_changes(current, cleaned)
    lines = affected_lines(current, template_changed=template_changed)
    count = lines.count() if changed else 0
    key = lines_question_key(
        changed, count, new_template=cleaned.get("template"), template_changed=template_changed
    )
    if count and (
        apply_to_lines is None or (answered_question is not None and answered_question != key)
    ):
        raise _lines_affected(
            changed,
            count,
            key,
            new_template=cleaned.get("template"),
            template_changed=template_changed,
        )
    for name, value in cleaned.items():
        setattr(current, name, value)
    if template_changed:
        _apply_template_to_header(current, campaign_given="campaign" in cleaned)
        for name in cleaned:  # what was given beside the template wins
            setattr(current, name, cleaned[name])
    check_campaign_flags(current)
    current.save()
    if template_changed:
        template_languages_copy(current)
    if template_changed or "subject" in changed:
        _sync_subject(current, subject_given="subject" in cleaned)
    if count and apply_to_lines:
        _propagate(
            current, lines, changed, template_changed=template_changed, old_subject=old_subject
        )
    _audit_update(actor, before, current, lines_changed=count if apply_to_lines else 0)
    segment.refresh_from_db()
    return segment


def _audit_update(actor: Any, before: dict[str, Any], segment: Segment, lines_changed: int) -> None:
    """The header change's entry: its values before and after, the lines it changed; none when
    the save changed nothing (as every other update)."""
    audit_updated(
        before,
        segment,
        operation="segment_update",
        object_type="segment",
        actor=actor,
        details={"no_of_lines_changed": lines_changed},
    )


def _propagating_changes(current: Segment, cleaned: dict[str, Any]) -> dict[str, Any]:
    """The changed header fields that go to the lines (a blank correspondence type does not:
    only a non-blank default propagates)."""
    changed = {
        name: value
        for name, value in cleaned.items()
        if name in PROPAGATING and getattr(current, name) != value
    }
    if "correspondence_type" in changed and not changed["correspondence_type"]:
        del changed["correspondence_type"]
    return changed


def _lines_affected(
    changed: dict[str, Any], count: int, key: str, *, new_template: Any, template_changed: bool
) -> ConflictError:
    """The refusal that asks the update-lines question (409 `lines_affected`, with the count
    and the question's key)."""
    question = ConflictError(
        lines_question(
            changed, count, new_template=new_template, template_changed=template_changed
        ),
        code="lines_affected",
        details={"affected_lines": count},
    )
    question.question_key = key  # type: ignore[attr-defined]
    return question


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
        changing = SegmentLine.objects.filter(pk__in=ids)
        totals_lines_set(segment, changing, values)  # the header's totals, before the UPDATE
        changing.update(**values)
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
        refilled = SegmentLine.objects.filter(pk__in=ids, contact__isnull=False)
        refill_lines(segment, refilled)
        lines_subject_from_rows(segment, refilled)


_RELATIONS = {"campaign", "salesperson", "template", "group", "language"}


def _column(name: str) -> str:
    return f"{name}_id" if name in _RELATIONS else name


@transaction.atomic
def segment_delete(*, actor: Any, segment: Segment) -> None:
    """Delete a segment with its lines, criteria actions and history (reference 1.8)."""
    check_may_segment(actor)
    current = lock_segment(segment)
    before = audit_values(current, AUDITED)
    delete_segment_rows(current)
    audit_deleted(
        before,
        operation="segment_delete",
        object_type="segment",
        key=current.no,
        actor=actor,
        details={"no_of_lines": current.no_of_lines},
    )


def delete_segment_rows(segment: Segment) -> None:
    """Delete `segment` (locked) with its lines, criteria actions, history and the attachments
    nothing else refers to any more (`segment_delete`; the log, whose entry says so)."""
    used = segment_attachment_ids(segment)
    SegmentHistory.objects.filter(segment=segment).delete()
    SegmentLine.objects.filter(segment=segment).delete()
    segment.delete()
    release_all(used)  # the attachments nothing else refers to any more
