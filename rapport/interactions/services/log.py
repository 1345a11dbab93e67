"""Business operations on the interaction log (reference 1.7, 2.1.5–2.1.7, 2.2, 2.7): create
(log or postpone) an interaction, finish or delete a postponed one, cancel and un-cancel,
evaluate, comment, delete canceled entries, and what deleting a contact does to the log.

Cancel, evaluate and deleting live in `entries.py`, comment lines in `comments.py`, the checks
of the values in `values.py`, who may do what in `rights.py`; `rapport.interactions.services`
lists them all. Each operation is one transaction and raises a DomainError subclass with a
user-facing message; nothing is saved when an operation is refused.

Relations may be given as records or by their key (a contact no., a template, salesperson or
language code, a campaign no.); records are used as given, except the contact, which is read
again (its address, preferences and privacy block decide rules). In `interaction_create` an
argument left at None is "not given"
(the template's or Rapport's default applies); "" gives a blank value on purpose (no campaign,
no language, blank correspondence type).

Who may do what: the administrator and marketing roles record and change any interaction; a
salesperson only those whose salesperson is the salesperson linked to their user (a draft
without a salesperson: the one they saved); the read-only role none.

Where Rapport differs from NAV on purpose (for docs/differences.md):

* Postponing saves a draft: only the contact is required and everything typed is kept as
  typed (NAV runs every mandatory-field check to postpone and downgrades nothing; pain point
  1). A draft is checked in full when it is finished.
* Finishing a postponed interaction resets its date to the work date (as NAV) but keeps the
  typed time and "was successful" (NAV resets them silently).
* Each logged interaction with a campaign gets a campaign entry of its own (NAV: all single
  interactions of a campaign share one; pain point 5). A draft gets its campaign entry when it
  is finished.
* E-mail or fax correspondence is downgraded to blank when the contact has no e-mail address or
  fax no., and a notice says so; the e-mail-needs-an-attachment check (NAV's "You must select an
  interaction template with an attachment.") runs after that downgrade, so an interaction with
  a contact without an e-mail address is not refused for it.
* The attachment an interaction uses is stored as a read-only copy of the template language's
  attachment when it is logged; a draft refers to none (it takes the template's when it is
  finished). Deleting canceled entries also deletes the copies nothing else uses (attachments
  are reference-counted, pain point 6) and the campaign entries made for them alone;
  canceling keeps them (NAV asks whether to remove the attachments).
* Interactions cannot be recorded for a privacy-blocked contact (as Business Central).
* Cancel and un-cancel are two operations (NAV toggles); asking for the state an entry is in
  changes nothing. A postponed entry can be neither canceled nor evaluated: it is finished or
  deleted.
* Deleting canceled entries never touches a postponed or a not-canceled entry, whatever the
  filters; a salesperson deletes only their own.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.attachments.choices import AttachmentKind
from rapport.attachments.models import Attachment
from rapport.attachments.services import attachment_copy
from rapport.audit.services import audit_record
from rapport.campaigns.models import Campaign
from rapport.campaigns.services import campaign_entry_create
from rapport.contacts.models import Contact, Language, Salesperson
from rapport.core.choices import CorrespondenceType
from rapport.core.entry_numbers import insert_numbered
from rapport.core.errors import ConflictError, ErrorCollector
from rapport.core.notices import notice_warning
from rapport.interactions.choices import Evaluation, InformationFlow, InitiatedBy, WizardAction
from rapport.interactions.models import InteractionLogEntry, InteractionTemplate
from rapport.interactions.services import trail
from rapport.interactions.services.comments import add_comment_lines, clean_comment_lines
from rapport.interactions.services.deliver import deliver_check, deliver_logged, deliver_wanted
from rapport.interactions.services.entries import lock_entry
from rapport.interactions.services.rights import (
    check_may_act_for,
    check_may_change,
    check_role,
    own_salesperson,
)
from rapport.interactions.services.setup import template_language_row
from rapport.interactions.services.totals import interaction_totals_apply_entry
from rapport.interactions.services.values import (
    FLAGS,
    INPUT_FIELDS,
    VALUE_FIELDS,
    clean_interaction_values,
    company_of,
    label,
    now_rounded_up,
    template_defaults_apply,
)


def _build(
    *,
    actor: Any,
    start: dict[str, Any],
    given: Mapping[str, Any],
    recopy_template: bool,
    errors: ErrorCollector,
) -> dict[str, Any]:
    """The entry's values: `start` (blank, or a draft's stored values), the template's
    defaults when `recopy_template`, then what was given, then the defaults of the wizard
    (salesperson: the user's own, else the contact's; date: the work date; time: now)."""
    values = dict(start)
    for name, value in given.items():
        if name == "successful":
            values["attempt_failed"] = not value
        else:
            values[name] = value
    if recopy_template and values["template"] is not None and "template" not in errors:
        # What was given wins; the description is the template's only while blank.
        template_defaults_apply(
            values,
            values["template"],
            contact=values["contact"],
            keep={name for name in given if name != "description"},
        )
    if values["template"] is None:
        values["group"] = None
    contact = values["contact"]
    values["contact_company"] = company_of(contact)
    if values["salesperson"] is None and "salesperson" not in given:
        values["salesperson"] = own_salesperson(actor) or (
            contact.salesperson if contact is not None else None
        )
    if values["date"] is None and "date" not in given:
        values["date"] = actor.effective_work_date
    if values["time"] is None and "time" not in given:
        values["time"] = now_rounded_up()
    return values


def _check_for_logging(values: dict[str, Any], errors: ErrorCollector) -> Attachment | None:
    """Reference 2.1.5 and the logging rules of 2.1.6: the mandatory fields, the contact may
    be interacted with, the e-mail/fax downgrade (with a notice), then the attachment checks.
    Returns the attachment to store a copy of."""
    _check_required(values, errors)
    _downgrade_correspondence(values)
    if values["template"] is None or "template" in errors:
        return None
    return _check_attachment(values, errors)


def _check_required(values: dict[str, Any], errors: ErrorCollector) -> None:
    """The mandatory fields, the privacy block, and campaign target/response need a campaign."""
    contact = values["contact"]
    if values["template"] is None and "template" not in errors:
        errors.add("template", _("Choose an interaction template."))
    if values["salesperson"] is None and "salesperson" not in errors:
        errors.add("salesperson", _("Choose the salesperson who had the interaction."))
    if values["date"] is None and "date" not in errors:
        errors.add("date", _("Fill in the date of the interaction."))
    if not values["description"] and "description" not in errors:
        errors.add(
            "description",
            _("Fill in a description (the interaction template has none to copy)."),
        )
    if contact is not None and contact.privacy_blocked:
        errors.add(
            "contact",
            _("Contact %(no)s is privacy blocked: no interactions can be recorded for it.")
            % {"no": contact.no},
        )
    if values["campaign"] is None:
        for name in ("campaign_target", "campaign_response"):
            if values[name]:
                errors.add(
                    name,
                    _("%(field)s can only be set when the interaction has a campaign.")
                    % {"field": label(name)},
                )


def _downgrade_correspondence(values: dict[str, Any]) -> None:
    """Email or Fax becomes blank (with a notice) when the contact has no e-mail address or
    fax no."""
    contact = values["contact"]
    if contact is None:
        return
    kind = values["correspondence_type"]
    if kind == CorrespondenceType.EMAIL and not contact.email:
        values["correspondence_type"] = CorrespondenceType.BLANK
        notice_warning(
            _("Contact %(no)s has no e-mail address, so the correspondence type Email was cleared.")
            % {"no": contact.no}
        )
    elif kind == CorrespondenceType.FAX and not contact.fax_no:
        values["correspondence_type"] = CorrespondenceType.BLANK
        notice_warning(
            _("Contact %(no)s has no fax no., so the correspondence type Fax was cleared.")
            % {"no": contact.no}
        )


def _check_attachment(values: dict[str, Any], errors: ErrorCollector) -> Attachment | None:
    """Wizard action Open and correspondence type Email (after the downgrade) need the
    template language's attachment; returns it."""
    template = values["template"]
    row = template_language_row(template, values["language"])
    attachment = row.attachment if row is not None else None
    language_code = values["language"].code if values["language"] is not None else ""
    if template.wizard_action == WizardAction.OPEN and attachment is None:
        errors.add(
            "template",
            _(
                "Interaction template %(code)s opens its attachment (wizard action Open), but "
                "it has no attachment for language %(language)s."
            )
            % {"code": template.code, "language": language_code or _("(none)")},
        )
    if values["correspondence_type"] == CorrespondenceType.EMAIL and not attachment_has_content(
        attachment
    ):
        # NAV: "You must select an interaction template with an attachment." (reference
        # 2.1.5), naming the template language that lacks one.
        if attachment is None:
            problem = _(
                "Interaction template %(code)s has no attachment for language %(language)s."
            )
        else:
            problem = _(
                "The attachment of interaction template %(code)s for language %(language)s "
                "is empty."
            )
        problem %= {"code": template.code, "language": language_code or _("(none)")}
        errors.add(
            "correspondence_type",
            _(
                "Correspondence type Email needs an attachment to send. %(problem)s Choose "
                "another correspondence type, or give that language an attachment."
            )
            % {"problem": problem},
        )
    return attachment


def attachment_has_content(attachment: Attachment | None) -> bool:
    """Whether an attachment has something to send: an e-mail or HTML letter a body, a file
    some bytes."""
    if attachment is None:
        return False
    if attachment.kind in (AttachmentKind.EMAIL, AttachmentKind.PDF):
        return bool(attachment.body_html.strip() or attachment.body_text.strip())
    return attachment.size > 0


def attachment_read_only_copy(attachment: Attachment | None) -> Attachment | None:
    """The read-only copy of the template language's attachment a logged entry refers to
    (reference 2.1.6: later changes to the template's attachment do not change the log).
    It shares the stored file (`attachment_copy`: no second copy of the bytes on disk) and
    takes the next attachment no. (`reserve_numbers`: no lock held to the transaction's end)."""
    if attachment is None:
        return None
    return attachment_copy(attachment, read_only=True)


def _checked(
    actor: Any, values: dict[str, Any], *, postpone: bool, deliver: Any = None
) -> tuple[Attachment | None, bool]:
    """The checks before `values` are stored (only the contact for a draft; reference 2.1.5
    for a logged entry) and who may store them. Returns the attachment to copy and whether to
    deliver the entry (`deliver.deliver_wanted`)."""
    errors = ErrorCollector()
    attachment = None
    if values["contact"] is None:
        errors.add("contact", _("Choose the contact to interact with."))
    asked_type = values["correspondence_type"]
    deliver_check(deliver, asked_type, postpone=postpone, errors=errors)
    if not postpone:
        attachment = _check_for_logging(values, errors)
    errors.raise_if_any()
    check_may_act_for(actor, values["salesperson"])
    return attachment, deliver_wanted(deliver, asked_type, values, postpone=postpone)


def _fill(
    actor: Any, entry: InteractionLogEntry, values: dict[str, Any], *, postpone: bool
) -> InteractionLogEntry:
    """Set `values` on `entry` (nothing written): subject = description, user = `actor`."""
    for name in VALUE_FIELDS:
        setattr(entry, name, values[name])
    entry.subject = values["description"]
    entry.postponed = postpone
    entry.canceled = False
    entry.user = actor
    entry.modified_at = timezone.now()
    return entry


def _write(
    actor: Any,
    entry: InteractionLogEntry,
    values: dict[str, Any],
    attachment: Attachment | None,
    *,
    postpone: bool,
) -> InteractionLogEntry:
    """Store `entry` (new or a draft) as a logged entry or as a draft."""
    _fill(actor, entry, values, postpone=postpone)
    if not postpone:
        entry.attachment = attachment_read_only_copy(attachment)
        entry.campaign_entry = None
        if values["campaign"] is not None:
            entry.campaign_entry = campaign_entry_create(
                campaign=values["campaign"],
                date=values["date"],
                description=values["description"],
                user=actor,
                salesperson=values["salesperson"],
            )
    if entry.pk is None:
        entry.created_at = entry.modified_at
        # The next entry no., reserved in a short step (no lock held to the transaction's end).
        insert_numbered(entry)
    else:
        entry.save()
    if not postpone:
        interaction_totals_apply_entry(entry, 1)  # now counted by the statistics
    return entry


# ---------------------------------------------------------------------------------------------
# Create, postpone, resume


_BLANK: dict[str, Any] = {
    "contact": None,
    "contact_company": None,
    "template": None,
    "group": None,
    "description": "",
    "salesperson": None,
    "language": None,
    "correspondence_type": CorrespondenceType.BLANK,
    "date": None,
    "time": None,
    "information_flow": InformationFlow.BLANK,
    "initiated_by": InitiatedBy.BLANK,
    "evaluation": Evaluation.BLANK,
    "attempt_failed": False,
    "cost": decimal.Decimal(0),
    "duration": decimal.Decimal(0),
    "campaign": None,
    "campaign_target": False,
    "campaign_response": False,
}


def interaction_create(
    *,
    actor: Any,
    contact: Contact | str | None,
    template: InteractionTemplate | str | None = None,
    description: str = "",
    salesperson: Salesperson | str | None = None,
    language: Language | str | None = None,
    correspondence_type: str | None = None,
    date: datetime.date | str | None = None,
    time: datetime.time | str | None = None,
    information_flow: str | None = None,
    initiated_by: str | None = None,
    evaluation: str = "",
    successful: bool = True,
    cost: decimal.Decimal | int | str | None = None,
    duration: decimal.Decimal | int | str | None = None,
    campaign: Campaign | str | None = None,
    campaign_target: bool | None = None,
    campaign_response: bool | None = None,
    comments: Iterable[str | Mapping[str, Any]] = (),
    postpone: bool = False,
    deliver: bool | None = None,
) -> InteractionLogEntry:
    """Log one interaction with a contact (reference 2.1.3–2.1.6), or save it for later.

    Values: the template's defaults (`template_defaults_for`: group, cost, duration, flow,
    initiated by, language — the contact's when the template has it, else the template's —,
    campaign, campaign target/response, correspondence type by rule 2.1.4; the description
    only when none is typed) for everything not given; what is given always wins (None = not
    given, "" = blank on purpose). Salesperson: the one linked to the user, else the contact's.
    Date: the user's work date; time: now, rounded up to the next minute.

    Logging (`postpone=False`) refuses, naming each field (ValidationFailed): no contact, no
    template, no salesperson, no date, no description, an unknown key, a privacy-blocked
    contact, campaign target/response without a campaign, wizard action Open without an
    attachment, correspondence type Email without an attachment (checked after the downgrade).
    Then it stores: attempt failed = not `successful`, subject = description, user = `actor`,
    Email/Fax downgraded to blank when the contact has no e-mail address/fax no. (with a
    notice), a read-only copy of the template language's attachment, a campaign entry of its
    own when it has a campaign, the comment lines, and the next entry no.

    `postpone=True` saves a draft (postponed): only the contact is required; the values are
    kept as given (no other required field, no downgrade, no attachment, no campaign entry).
    `deliver` (2.1.6 step 5; `deliver.deliver_check`): None = deliver a logged interaction
    with a correspondence type; false = never. Requested in this transaction (a refused create
    requests nothing). A salesperson-role user may only record interactions for their own
    salesperson (PermissionDeniedError); the read-only role none."""
    arguments = locals()  # the arguments only: taken before any other name is bound
    check_role(actor)
    errors = ErrorCollector()
    given = {name: arguments[name] for name in INPUT_FIELDS if arguments[name] is not None}
    lines = clean_comment_lines(comments, errors, actor.effective_work_date)
    values = _values_for_create(actor, given, postpone, errors)
    attachment, wanted = _checked(actor, values, postpone=postpone, deliver=deliver)
    return _store_new(actor, values, attachment, lines, postpone=postpone, deliver=wanted)


@transaction.atomic
def _store_new(
    actor: Any,
    values: dict[str, Any],
    attachment: Attachment | None,
    lines: list[tuple],
    *,
    postpone: bool,
    deliver: bool,
) -> InteractionLogEntry:
    """`interaction_create`'s writes, in one transaction. Reading and checking come before it:
    on SQLite (IMMEDIATE transactions) the write lock is held for the writes only."""
    entry = _write(actor, InteractionLogEntry(), values, attachment, postpone=postpone)
    add_comment_lines(entry, lines)
    entry.has_comments = bool(lines)  # type: ignore[attr-defined]  # known: no query to answer
    if deliver:
        deliver_logged(actor, entry)
    # One INSERT: the values are the records the entry was built from (no query per relation).
    audit_record(
        operation="interaction_create",
        object_type=trail.INTERACTION,
        object_key=str(entry.entry_no),
        actor=actor,
        after=trail.entry_values(entry),
        details=_details(lines, deliver),
    )
    return entry


def _details(lines: list[tuple], deliver: bool) -> dict[str, Any]:
    """The audit entry's details of a create or resume: comment lines added, delivery asked."""
    details: dict[str, Any] = {}
    if lines:
        details["no_of_comments"] = len(lines)
    if deliver:
        details["deliver"] = True
    return details


def _values_for_create(
    actor: Any, given: Mapping[str, Any], postpone: Any, errors: ErrorCollector
) -> dict[str, Any]:
    cleaned = clean_interaction_values(given, errors)
    if not isinstance(postpone, bool):
        errors.add("postpone", _("Postpone must be true or false."))
    values = _build(actor=actor, start=_BLANK, given=cleaned, recopy_template=True, errors=errors)
    errors.raise_if_any()
    return values


@dataclass(frozen=True)
class PreparedInteraction:
    """What `interaction_create` would store: `entry` is unsaved (no entry no., attachment or
    campaign entry yet); `attachment` is the template language's attachment that logging
    stores a read-only copy of."""

    entry: InteractionLogEntry
    attachment: Attachment | None


def interaction_prepare(
    *, actor: Any, postpone: bool = False, **fields: Any
) -> PreparedInteraction:
    """`interaction_create`'s values and checks without writing anything: the defaults a
    template gives a contact (for a form that fills them in), or the rows of a set-based
    loader that obeys the same rules (the demo). `fields` are `interaction_create`'s (None =
    not given); refused input raises what `interaction_create` raises."""
    check_role(actor)
    errors = ErrorCollector()
    unknown = set(fields) - set(INPUT_FIELDS)
    for name in sorted(unknown):
        errors.add(name, _("Unknown field."))
    errors.raise_if_any()
    given = {name: value for name, value in fields.items() if value is not None}
    values = _values_for_create(actor, given, postpone, errors)
    attachment, _wanted = _checked(actor, values, postpone=postpone)
    return PreparedInteraction(
        entry=_fill(actor, InteractionLogEntry(), values, postpone=postpone),
        attachment=attachment,
    )


@transaction.atomic
def interaction_resume(
    *,
    actor: Any,
    entry: InteractionLogEntry,
    postpone: bool = False,
    deliver: bool | None = None,
    **changes: Any,
) -> InteractionLogEntry:
    """Finish a postponed interaction in place (reference 2.2): the same entry, the same entry
    no., postponed = no.

    `changes` are `interaction_create`'s values (a given None or "" is blank); what is not
    changed is kept from the draft, except the date: the work date unless given (as NAV).
    Choosing another template or contact copies the template's defaults again for what is not
    changed (the description only while blank). Finishing runs every check of
    `interaction_create` and stores what logging stores (attachment copy, campaign entry);
    `comments` given here are added to the entry's comment lines.

    `postpone=True` saves the changes and keeps the entry postponed (only the contact is
    required). Finishing delivers as `interaction_create` does (`deliver`). Refused
    (ConflictError, 409) for an entry that is not postponed."""
    check_role(actor)
    current = lock_entry(entry)
    if not current.postponed:
        raise ConflictError(
            _("Interaction %(no)s is not postponed: only a postponed interaction can be resumed.")
            % {"no": current.entry_no},
            code="not_postponed",
        )
    check_may_change(actor, current)
    errors = ErrorCollector()
    unknown = set(changes) - set(INPUT_FIELDS) - {"comments"}
    for name in sorted(unknown):
        errors.add(name, _("Unknown field."))
    errors.raise_if_any()
    comments = changes.pop("comments", ())
    given = {
        name: ("" if value is None and name not in FLAGS else value)
        for name, value in changes.items()
    }
    cleaned = clean_interaction_values(given, errors)
    lines = clean_comment_lines(comments, errors, actor.effective_work_date)
    if not isinstance(postpone, bool):
        errors.add("postpone", _("Postpone must be true or false."))
    start = {name: getattr(current, name) for name in VALUE_FIELDS}
    if "date" not in cleaned:
        start["date"] = None  # the work date (reference 2.2, step 2)
    recopy = ("template" in cleaned and cleaned["template"] != current.template) or (
        "contact" in cleaned and cleaned["contact"] != current.contact
    )
    values = _build(actor=actor, start=start, given=cleaned, recopy_template=recopy, errors=errors)
    errors.raise_if_any()
    attachment, wanted = _checked(actor, values, postpone=postpone, deliver=deliver)
    _store_resumed(actor, current, values, attachment, lines, postpone=postpone, deliver=wanted)
    entry.refresh_from_db()
    return entry


def _store_resumed(
    actor: Any,
    current: InteractionLogEntry,
    values: dict[str, Any],
    attachment: Attachment | None,
    lines: list[tuple],
    *,
    postpone: bool,
    deliver: bool,
) -> None:
    """`interaction_resume`'s writes (in its transaction), with the audit entry."""
    before = trail.entry_values(current)  # its relations were read for the values
    _write(actor, current, values, attachment, postpone=postpone)
    add_comment_lines(current, lines)
    if deliver:
        deliver_logged(actor, current)
    audit_record(
        operation="interaction_resume",
        object_type=trail.INTERACTION,
        object_key=str(current.entry_no),
        actor=actor,
        before=before,
        after=trail.entry_values(current),
        details=_details(lines, deliver),
    )
