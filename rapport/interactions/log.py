"""Business operations on the interaction log (reference 1.7, 2.1.5–2.1.7, 2.2, 2.7): create
(log or postpone) an interaction, finish or delete a postponed one, cancel and un-cancel,
evaluate, comment, delete canceled entries, and what deleting a contact does to the log.

`rapport.interactions.services` re-exports these functions: call them from there. Each is one
transaction and raises a DomainError subclass with a user-facing message; nothing is saved when
an operation is refused.

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

import contextlib
import datetime
import decimal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.attachments.models import Attachment
from rapport.attachments.services import attachment_create
from rapport.campaigns.models import Campaign, CampaignEntry
from rapport.campaigns.services import campaign_entry_create
from rapport.contacts.models import Contact, ContactType, Language, Salesperson
from rapport.core import permissions
from rapport.core.choices import CorrespondenceType, Role
from rapport.core.dates import check_date_in_range
from rapport.core.errors import (
    ConflictError,
    ErrorCollector,
    PermissionDeniedError,
    ValidationFailed,
)
from rapport.core.notices import notice_warning
from rapport.interactions.choices import Evaluation, InformationFlow, InitiatedBy, WizardAction
from rapport.interactions.models import (
    COMMENT_LENGTH,
    COST_DIGITS,
    COST_PLACES,
    DESCRIPTION_LENGTH,
    DURATION_DIGITS,
    InteractionLogEntry,
    InteractionLogEntryComment,
    InteractionTemplate,
    InteractionTemplateLanguage,
)
from rapport.interactions.selectors import template_defaults_for

MAX_ENTRY_NO = 2_147_483_647
_NUMBER_ATTEMPTS = 5
_UNSET: Any = object()

LABELS = {
    "contact": gettext_lazy("Contact"),
    "template": gettext_lazy("Interaction Template"),
    "description": gettext_lazy("Description"),
    "salesperson": gettext_lazy("Salesperson"),
    "language": gettext_lazy("Language"),
    "correspondence_type": gettext_lazy("Correspondence Type"),
    "date": gettext_lazy("Date"),
    "time": gettext_lazy("Time of Interaction"),
    "information_flow": gettext_lazy("Information Flow"),
    "initiated_by": gettext_lazy("Initiated By"),
    "evaluation": gettext_lazy("Evaluation"),
    "successful": gettext_lazy("Was Successful"),
    "cost": gettext_lazy("Cost"),
    "duration": gettext_lazy("Duration (Min.)"),
    "campaign": gettext_lazy("Campaign"),
    "campaign_target": gettext_lazy("Campaign Target"),
    "campaign_response": gettext_lazy("Campaign Response"),
    "comments": gettext_lazy("Comments"),
    "subject": gettext_lazy("Subject"),
    "attempt_failed": gettext_lazy("Attempt Failed"),
    "comment": gettext_lazy("Comment"),
    "postpone": gettext_lazy("Postpone"),
}
CHOICES: dict[str, type[models.TextChoices]] = {
    "correspondence_type": CorrespondenceType,
    "information_flow": InformationFlow,
    "initiated_by": InitiatedBy,
    "evaluation": Evaluation,
}
FLAGS = ("successful", "campaign_target", "campaign_response")
# What a caller may give (interaction_create's arguments; interaction_resume's changes).
INPUT_FIELDS = (
    "contact",
    "template",
    "description",
    "salesperson",
    "language",
    "correspondence_type",
    "date",
    "time",
    "information_flow",
    "initiated_by",
    "evaluation",
    "successful",
    "cost",
    "duration",
    "campaign",
    "campaign_target",
    "campaign_response",
)
# The entry's columns that the working values hold.
VALUE_FIELDS = (
    "contact",
    "contact_company",
    "template",
    "group",
    "description",
    "salesperson",
    "language",
    "correspondence_type",
    "date",
    "time",
    "information_flow",
    "initiated_by",
    "evaluation",
    "attempt_failed",
    "cost",
    "duration",
    "campaign",
    "campaign_target",
    "campaign_response",
)
# Filters of `interactions_delete_canceled` (API.md: the list's filter names).
DELETE_CANCELED_FILTERS = (
    "contact_no",
    "date_from",
    "date_to",
    "template_code",
    "group_code",
    "salesperson_code",
    "campaign_no",
    "entry_no",
)


# ---------------------------------------------------------------------------------------------
# Who may do what


def _check_role(actor: Any) -> None:
    if not permissions.user_can(actor, permissions.INTERACTIONS):
        raise PermissionDeniedError(
            _("Your role does not allow recording or changing interactions.")
        )


def _own_salesperson(actor: Any) -> Salesperson | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    return Salesperson.objects.filter(user=actor).first()


def _is_salesperson_role(actor: Any) -> bool:
    return permissions.role_of(actor) == Role.SALESPERSON


def _check_may_act_for(actor: Any, salesperson: Salesperson | None) -> None:
    """A user with the salesperson role records interactions for their own salesperson only."""
    _check_role(actor)
    if not _is_salesperson_role(actor):
        return
    own = _own_salesperson(actor)
    if own is None:
        raise PermissionDeniedError(
            _(
                "Your user is not linked to a salesperson, so you cannot record interactions. "
                "Ask an administrator to link you to your salesperson."
            )
        )
    if salesperson is not None and salesperson.pk != own.pk:
        raise PermissionDeniedError(
            _(
                "You can only record interactions for your own salesperson %(own)s, not for "
                "%(other)s."
            )
            % {"own": own.code, "other": salesperson.code},
            field="salesperson",
        )


def may_change_entry(
    actor: Any, entry: InteractionLogEntry, *, own_salesperson_id: Any = _UNSET
) -> bool:
    """Who may change an entry: the administrator and marketing roles any entry; a salesperson
    those of their own salesperson, and their own drafts without a salesperson; the read-only
    role none. Pages pass `own_salesperson_id` (looked up once) to ask this per row without a
    query."""
    if not permissions.user_can(actor, permissions.INTERACTIONS):
        return False
    if not _is_salesperson_role(actor):
        return True
    if entry.salesperson_id is None:
        return bool(entry.user_id == actor.pk)
    if own_salesperson_id is _UNSET:
        own = _own_salesperson(actor)
        own_salesperson_id = own.pk if own is not None else None
    return own_salesperson_id is not None and entry.salesperson_id == own_salesperson_id


def postponed_visible_to(actor: Any) -> Q:
    """The postponed interactions a user sees: a salesperson-role user their own salesperson's
    and their own drafts without a salesperson (those they may change); the others all."""
    if not _is_salesperson_role(actor):
        return Q()
    return Q(salesperson__user=actor) | Q(salesperson=None, user=actor)


def _check_may_change(actor: Any, entry: InteractionLogEntry) -> None:
    """Refuses (PermissionDeniedError) what `may_change_entry` does not allow."""
    _check_role(actor)
    if may_change_entry(actor, entry):
        return
    raise PermissionDeniedError(
        _("Interaction %(no)s belongs to another salesperson: you cannot change it.")
        % {"no": entry.entry_no}
    )


# ---------------------------------------------------------------------------------------------
# Checking values


def _has_control_chars(text: str) -> bool:
    return any(ord(char) < 32 or ord(char) == 127 for char in text)


def _label(name: str) -> str:
    return str(LABELS.get(name, name))


def _clean_text(name: str, value: Any, errors: ErrorCollector, max_length: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(name, _("%(field)s must be text.") % {"field": _label(name)})
        return ""
    text = value.strip()
    if _has_control_chars(text):
        errors.add(
            name, _("%(field)s may not contain control characters.") % {"field": _label(name)}
        )
    elif len(text) > max_length:
        errors.add(
            name,
            _("%(field)s can have at most %(max)s characters.")
            % {"field": _label(name), "max": max_length},
        )
    return text


def _clean_choice(name: str, value: Any, errors: ErrorCollector) -> str:
    choices = CHOICES[name]
    if value is None:
        value = ""
    if not isinstance(value, str) or value not in choices.values:
        allowed = ", ".join(f'"{choice}"' for choice in choices.values)
        errors.add(
            name,
            _("%(field)s must be one of %(allowed)s.")
            % {"field": _label(name), "allowed": allowed},
        )
        return ""
    return value


def _clean_flag(name: str, value: Any, errors: ErrorCollector) -> bool:
    if not isinstance(value, bool):
        errors.add(name, _("%(field)s must be true or false.") % {"field": _label(name)})
        return False
    return value


def _clean_amount(
    name: str, value: Any, errors: ErrorCollector, *, places: int, digits: int
) -> decimal.Decimal:
    """A decimal ≥ 0 with at most `places` decimals (0: whole minutes) and `digits` digits."""
    zero = decimal.Decimal(0)
    if value is None or value == "":
        return zero
    if isinstance(value, bool) or not isinstance(value, int | float | str | decimal.Decimal):
        errors.add(name, _("%(field)s must be a number.") % {"field": _label(name)})
        return zero
    try:
        amount = decimal.Decimal(str(value).strip())
    except (decimal.InvalidOperation, ValueError):
        errors.add(name, _("%(field)s must be a number.") % {"field": _label(name)})
        return zero
    if not amount.is_finite():
        errors.add(name, _("%(field)s must be a number.") % {"field": _label(name)})
        return zero
    if amount < 0:
        errors.add(name, _("%(field)s may not be negative.") % {"field": _label(name)})
        return zero
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        if places == 0:
            errors.add(
                name, _("%(field)s must be a whole number of minutes.") % {"field": _label(name)}
            )
        else:
            errors.add(
                name,
                _("%(field)s can have at most %(places)s decimals.")
                % {"field": _label(name), "places": places},
            )
        return zero
    if amount >= decimal.Decimal(10) ** (digits - places):
        errors.add(name, _("%(field)s is too large.") % {"field": _label(name)})
        return zero
    return amount.quantize(decimal.Decimal(1).scaleb(-places))


def _clean_date(name: str, value: Any, errors: ErrorCollector) -> datetime.date | None:
    if value is None or value == "":
        return None
    day: datetime.date | None = None
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    elif isinstance(value, str):
        with contextlib.suppress(ValueError):
            day = datetime.date.fromisoformat(value.strip())
    if day is not None:
        # One valid range for every date (rapport.core.dates): refused, never stored.
        return day if check_date_in_range(name, day, errors) else None
    errors.add(name, _("%(field)s must be a date (YYYY-MM-DD).") % {"field": _label(name)})
    return None


def _clean_time(name: str, value: Any, errors: ErrorCollector) -> datetime.time | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.time):
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        try:
            return datetime.time.fromisoformat(value.strip()).replace(tzinfo=None)
        except ValueError:
            pass
    errors.add(name, _("%(field)s must be a time (HH:MM:SS).") % {"field": _label(name)})
    return None


_MODELS: dict[str, tuple[type[models.Model], str]] = {
    "contact": (Contact, "no"),
    "template": (InteractionTemplate, "code"),
    "salesperson": (Salesperson, "code"),
    "language": (Language, "code"),
    "campaign": (Campaign, "no"),
}


# The relations whose own fields an interaction reads (its contact's address, language and
# preferences; its template's defaults), with what that reads, in one query each.
_READ: dict[str, Any] = {
    "contact": lambda: Contact.objects.select_related("company", "salesperson", "language"),
    "template": lambda: InteractionTemplate.objects.select_related(
        "group", "language_default", "campaign"
    ).prefetch_related(
        models.Prefetch(
            "languages",
            queryset=InteractionTemplateLanguage.objects.select_related("language", "attachment"),
        )
    ),
}


def _not_found(name: str, key: str) -> str:
    messages = {
        "contact": _("There is no contact %(key)s."),
        "template": _("There is no interaction template %(key)s."),
        "salesperson": _("There is no salesperson %(key)s."),
        "language": _("There is no language %(key)s."),
        "campaign": _("There is no campaign %(key)s."),
    }
    return messages[name] % {"key": key}


def _resolve(name: str, value: Any, errors: ErrorCollector) -> Any:
    """A related record given as the record itself or by its key; None or "" gives None. An
    unknown key is an error naming it (the existence checks of reference 2.1.5)."""
    if value is None or value == "":
        return None
    model, key = _MODELS[name]
    if isinstance(value, model):
        if value.pk is None:
            errors.add(name, _("%(field)s must be a saved record.") % {"field": _label(name)})
            return None
        if name != "contact":
            return value
        value = getattr(
            value, key
        )  # the contact as stored now: its address and preferences decide rules
    if not isinstance(value, str):
        errors.add(name, _("%(field)s must be a code or number.") % {"field": _label(name)})
        return None
    text = value.strip().upper()
    if not text or len(text) > 20 or _has_control_chars(text):
        shown = text[:20] + ("…" if len(text) > 20 else "")
        errors.add(name, _not_found(name, shown.replace("\x00", "")))
        return None
    found = _READ.get(name, model._default_manager.all)().filter(**{key: text}).first()
    if found is None:
        errors.add(name, _not_found(name, text))
    return found


def _clean_comments(value: Any, errors: ErrorCollector, default_date: datetime.date) -> list[tuple]:
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
        text = _clean_text("comment", text, local, COMMENT_LENGTH)
        line_date = _clean_date("date", date, local) or default_date
        if not text and "comment" not in local:
            continue  # blank lines are left out
        for messages in local.errors.values():
            for message in messages:
                errors.add("comments", message)
        lines.append((line_date, text))
    return lines


# ---------------------------------------------------------------------------------------------
# Building the values of an entry


def now_rounded_up() -> datetime.time:
    """The current local time rounded up to the next whole minute (the wizard's start value)."""
    now = timezone.localtime()
    rounded = now.replace(second=0, microsecond=0)
    if rounded != now:
        rounded += datetime.timedelta(minutes=1)
    return rounded.time()


def _company_of(contact: Contact | None) -> Contact | None:
    """NAV's Contact Company No.: a company itself, a person's company (None without one)."""
    if contact is None:
        return None
    if contact.type == ContactType.COMPANY:
        return contact
    return contact.company if contact.company_id else None


def clean_interaction_values(given: Mapping[str, Any], errors: ErrorCollector) -> dict[str, Any]:
    """Checks every given interaction value and resolves the relations (records or keys):
    the one home of these checks for the log and for segments. Knows the arguments of
    `interaction_create` and a segment's `subject` and `attempt_failed`."""
    cleaned: dict[str, Any] = {}
    for name, value in given.items():
        if name in _MODELS:
            cleaned[name] = _resolve(name, value, errors)
        elif name in ("description", "subject"):
            cleaned[name] = _clean_text(name, value, errors, DESCRIPTION_LENGTH)
        elif name in CHOICES:
            cleaned[name] = _clean_choice(name, value, errors)
        elif name in FLAGS or name == "attempt_failed":
            cleaned[name] = _clean_flag(name, value, errors)
        elif name == "cost":
            cleaned[name] = _clean_amount(
                name, value, errors, places=COST_PLACES, digits=COST_DIGITS
            )
        elif name == "duration":
            cleaned[name] = _clean_amount(name, value, errors, places=0, digits=DURATION_DIGITS)
        elif name == "date":
            cleaned[name] = _clean_date(name, value, errors)
        elif name == "time":
            cleaned[name] = _clean_time(name, value, errors)
        else:
            raise TypeError(f"unexpected argument {name!r}")
    return cleaned


def _template_row(
    template: InteractionTemplate | None, language: Language | None
) -> InteractionTemplateLanguage | None:
    if template is None or language is None:
        return None
    if "languages" in getattr(template, "_prefetched_objects_cache", {}):
        return next(
            (row for row in template.languages.all() if row.language_id == language.pk), None
        )
    return (
        InteractionTemplateLanguage.objects.select_related("attachment")
        .filter(template=template, language=language)
        .first()
    )


def _language_of(template: InteractionTemplate, code: str) -> Language | None:
    """The Language record with `code`, from the template's rows when they are loaded."""
    if not code:
        return None
    default = template.language_default
    if default is not None and default.code == code:
        return default
    if "languages" in getattr(template, "_prefetched_objects_cache", {}):
        for row in template.languages.all():
            if row.language.code == code:
                return row.language
    return Language.objects.filter(code=code).first()


def _apply_template(values: dict[str, Any], given: Mapping[str, Any]) -> None:
    """Reference 2.1.3: what choosing the template copies — every value the caller did not
    give; the description only while it is blank; the campaign only when none was given."""
    template = values["template"]
    defaults = template_defaults_for(
        template,
        values["contact"],
        previous_correspondence_type=values["correspondence_type"] or "",
    )
    values["group"] = template.group
    if not values["description"]:
        values["description"] = defaults.description
    copied = {
        "cost": defaults.cost,
        "duration": defaults.duration,
        "information_flow": defaults.information_flow,
        "initiated_by": defaults.initiated_by,
        "correspondence_type": defaults.correspondence_type,
        "campaign": defaults.campaign,
        "campaign_target": defaults.campaign_target,
        "campaign_response": defaults.campaign_response,
    }
    for name, value in copied.items():
        if name not in given:
            values[name] = value
    if "language" not in given:
        values["language"] = _language_of(template, defaults.language_code)


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
        _apply_template(values, given)
    if values["template"] is None:
        values["group"] = None
    contact = values["contact"]
    values["contact_company"] = _company_of(contact)
    if values["salesperson"] is None and "salesperson" not in given:
        values["salesperson"] = _own_salesperson(actor) or (
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
    contact = values["contact"]
    template = values["template"]
    if template is None and "template" not in errors:
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
                    % {"field": _label(name)},
                )
    if contact is not None:
        kind = values["correspondence_type"]
        if kind == CorrespondenceType.EMAIL and not contact.email:
            values["correspondence_type"] = CorrespondenceType.BLANK
            notice_warning(
                _(
                    "Contact %(no)s has no e-mail address, so the correspondence type Email "
                    "was cleared."
                )
                % {"no": contact.no}
            )
        elif kind == CorrespondenceType.FAX and not contact.fax_no:
            values["correspondence_type"] = CorrespondenceType.BLANK
            notice_warning(
                _("Contact %(no)s has no fax no., so the correspondence type Fax was cleared.")
                % {"no": contact.no}
            )
    if template is None or "template" in errors:
        return None
    row = _template_row(template, values["language"])
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
    if values["correspondence_type"] == CorrespondenceType.EMAIL and attachment is None:
        errors.add(
            "correspondence_type",
            _(
                "Correspondence type Email needs an attachment to send, and interaction template "
                "%(code)s has none for language %(language)s. Choose another correspondence "
                "type, or a template with an e-mail attachment."
            )
            % {"code": template.code, "language": language_code or _("(none)")},
        )
    return attachment


def _read_only_copy(attachment: Attachment | None) -> Attachment | None:
    """The read-only copy of the template language's attachment a logged entry refers to
    (reference 2.1.6: later changes to the template's attachment do not change the log).
    Under the attachment-number lock: `attachment_create` alone retries a taken number only a
    few times, which many interactions logged at once exceed."""
    if attachment is None:
        return None
    _advisory_lock(ATTACHMENT_NO_LOCK)
    return attachment_create(
        kind=attachment.kind,
        file_name=attachment.file_name,
        subject=attachment.subject,
        body_html=attachment.body_html,
        body_text=attachment.body_text,
        content=bytes(attachment.content or b""),
        read_only=True,
    )


# Keys of PostgreSQL's transaction-level advisory locks (NAV's table numbers). Logging takes
# them in this order: attachment copy, campaign entry (`campaigns.services`), log entry.
ATTACHMENT_NO_LOCK = 5062_0001
ENTRY_NO_LOCK = 5065_0001


def _advisory_lock(key: int) -> None:
    if connection.vendor == "postgresql":  # SQLite's IMMEDIATE transactions are serial already
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def lock_entry_numbers() -> None:
    """Serialise the handing out of entry numbers until the transaction ends (the highest + 1
    is then free). Taken just before the insert, so it is held only for the end of the
    transaction."""
    _advisory_lock(ENTRY_NO_LOCK)


def _insert(entry: InteractionLogEntry) -> InteractionLogEntry:
    """Saves a new entry under the next entry no. (the highest + 1), under the entry-number
    lock; should another writer still take the number (one that does not lock), the unique
    number makes this one try the next."""
    lock_entry_numbers()
    for attempt in range(_NUMBER_ATTEMPTS):
        highest = InteractionLogEntry.objects.aggregate(highest=Max("entry_no"))["highest"] or 0
        entry.entry_no = highest + 1
        try:
            with transaction.atomic():
                entry.save(force_insert=True)
        except IntegrityError:
            if attempt == _NUMBER_ATTEMPTS - 1:
                raise
            entry.pk = None
            continue
        return entry
    raise AssertionError("unreachable")  # pragma: no cover


def _add_comment_lines(entry: InteractionLogEntry, lines: list[tuple]) -> None:
    if not lines:
        return
    highest = entry.comments.aggregate(highest=Max("line_no"))["highest"] or 0
    InteractionLogEntryComment.objects.bulk_create(
        InteractionLogEntryComment(entry=entry, line_no=highest + index, date=date, comment=text)
        for index, (date, text) in enumerate(lines, start=1)
    )


def _checked(actor: Any, values: dict[str, Any], *, postpone: bool) -> Attachment | None:
    """The checks before `values` are stored (only the contact for a draft; reference 2.1.5
    for a logged entry) and who may store them. Returns the attachment to copy."""
    errors = ErrorCollector()
    attachment = None
    if values["contact"] is None:
        errors.add("contact", _("Choose the contact to interact with."))
    if not postpone:
        attachment = _check_for_logging(values, errors)
    errors.raise_if_any()
    _check_may_act_for(actor, values["salesperson"])
    return attachment


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
        entry.attachment = _read_only_copy(attachment)
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
        return _insert(entry)
    entry.save()
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


@transaction.atomic
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

    A salesperson-role user may only record interactions for their own salesperson
    (PermissionDeniedError); the read-only role none."""
    _check_role(actor)
    errors = ErrorCollector()
    given = {
        name: value
        for name, value in {
            "contact": contact,
            "template": template,
            "description": description,
            "salesperson": salesperson,
            "language": language,
            "correspondence_type": correspondence_type,
            "date": date,
            "time": time,
            "information_flow": information_flow,
            "initiated_by": initiated_by,
            "evaluation": evaluation,
            "successful": successful,
            "cost": cost,
            "duration": duration,
            "campaign": campaign,
            "campaign_target": campaign_target,
            "campaign_response": campaign_response,
        }.items()
        if value is not None
    }
    lines = _clean_comments(comments, errors, actor.effective_work_date)
    values = _values_for_create(actor, given, postpone, errors)
    attachment = _checked(actor, values, postpone=postpone)
    entry = _write(actor, InteractionLogEntry(), values, attachment, postpone=postpone)
    _add_comment_lines(entry, lines)
    return entry


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
    _check_role(actor)
    errors = ErrorCollector()
    unknown = set(fields) - set(INPUT_FIELDS)
    for name in sorted(unknown):
        errors.add(name, _("Unknown field."))
    errors.raise_if_any()
    given = {name: value for name, value in fields.items() if value is not None}
    values = _values_for_create(actor, given, postpone, errors)
    attachment = _checked(actor, values, postpone=postpone)
    return PreparedInteraction(
        entry=_fill(actor, InteractionLogEntry(), values, postpone=postpone),
        attachment=attachment,
    )


def _lock(entry: InteractionLogEntry) -> InteractionLogEntry:
    try:
        return InteractionLogEntry.objects.select_for_update().get(pk=entry.pk)
    except InteractionLogEntry.DoesNotExist:
        raise ConflictError(
            _("Interaction %(no)s no longer exists.") % {"no": entry.entry_no},
            code="not_found",
        ) from None


@transaction.atomic
def interaction_resume(
    *, actor: Any, entry: InteractionLogEntry, postpone: bool = False, **changes: Any
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
    required). Refused (ConflictError, 409) for an entry that is not postponed."""
    _check_role(actor)
    current = _lock(entry)
    if not current.postponed:
        raise ConflictError(
            _("Interaction %(no)s is not postponed: only a postponed interaction can be resumed.")
            % {"no": current.entry_no},
            code="not_postponed",
        )
    _check_may_change(actor, current)
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
    lines = _clean_comments(comments, errors, actor.effective_work_date)
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
    attachment = _checked(actor, values, postpone=postpone)
    _write(actor, current, values, attachment, postpone=postpone)
    _add_comment_lines(current, lines)
    entry.refresh_from_db()
    return entry


@transaction.atomic
def interaction_delete_postponed(*, actor: Any, entry: InteractionLogEntry) -> None:
    """Delete a postponed interaction with its comment lines (reference 2.2, Delete). Refused
    (ConflictError, 409) for an entry that is not postponed: logged interactions are canceled,
    and only canceled ones deleted (`interactions_delete_canceled`)."""
    current = _lock(entry)
    if not current.postponed:
        raise ConflictError(
            _(
                "Interaction %(no)s is not postponed and cannot be deleted. Cancel it instead; "
                "canceled interactions can be deleted in a batch."
            )
            % {"no": current.entry_no},
            code="not_postponed",
        )
    _check_may_change(actor, current)
    _delete_entries(InteractionLogEntry.objects.filter(pk=current.pk))


# ---------------------------------------------------------------------------------------------
# Cancel, evaluate, comments


def _refuse_postponed(entry: InteractionLogEntry, message: str) -> None:
    if entry.postponed:
        raise ConflictError(message % {"no": entry.entry_no}, code="postponed")


@transaction.atomic
def interaction_cancel(*, actor: Any, entry: InteractionLogEntry) -> InteractionLogEntry:
    """Cancel a logged interaction (reference 2.7): it stays in the log, marked canceled, and
    counts in no statistic. A canceled entry stays canceled (nothing changes). Refused for a
    postponed entry (ConflictError, 409)."""
    current = _lock(entry)
    _check_may_change(actor, current)
    _refuse_postponed(
        current,
        _("Interaction %(no)s is postponed: finish it or delete it; it cannot be canceled."),
    )
    if not current.canceled:
        current.canceled = True
        current.modified_at = timezone.now()
        current.save(update_fields=["canceled", "modified_at"])
    entry.refresh_from_db()
    return entry


def _logged_segment_canceled(entry: InteractionLogEntry) -> int | None:
    """The entry no. of the entry's logged segment when that logged segment is canceled, else
    None. An interaction cannot be un-canceled while its logged segment is canceled
    (reference 2.7)."""
    if entry.logged_segment_entry_no is None or not apps.is_installed("rapport.segments"):
        return None
    from rapport.segments.models import LoggedSegment

    canceled = LoggedSegment.objects.filter(
        entry_no=entry.logged_segment_entry_no, canceled=True
    ).exists()
    return entry.logged_segment_entry_no if canceled else None


@transaction.atomic
def interaction_uncancel(*, actor: Any, entry: InteractionLogEntry) -> InteractionLogEntry:
    """Un-cancel a canceled interaction (reference 2.7). Refused (ConflictError, 409) while
    its campaign entry or its logged segment is canceled: un-cancel that first. An entry that
    is not canceled stays as it is."""
    current = _lock(entry)
    _check_may_change(actor, current)
    _refuse_postponed(
        current, _("Interaction %(no)s is postponed: it is not canceled and cannot be.")
    )
    if not current.canceled:
        entry.refresh_from_db()
        return entry
    campaign_entry = current.campaign_entry
    if campaign_entry is not None and campaign_entry.canceled:
        raise ConflictError(
            _(
                "Interaction %(no)s cannot be un-canceled while its campaign entry %(entry)s is "
                "canceled. Un-cancel the campaign entry instead."
            )
            % {"no": current.entry_no, "entry": campaign_entry.entry_no},
            code="campaign_entry_canceled",
        )
    logged_segment = _logged_segment_canceled(current)
    if logged_segment is not None:
        raise ConflictError(
            _(
                "Interaction %(no)s cannot be un-canceled while its logged segment %(entry)s is "
                "canceled. Un-cancel the logged segment instead."
            )
            % {"no": current.entry_no, "entry": logged_segment},
            code="logged_segment_canceled",
        )
    current.canceled = False
    current.modified_at = timezone.now()
    current.save(update_fields=["canceled", "modified_at"])
    entry.refresh_from_db()
    return entry


@transaction.atomic
def interaction_evaluate(
    *, actor: Any, entry: InteractionLogEntry, evaluation: str
) -> InteractionLogEntry:
    """Set the evaluation of a logged interaction (reference 2.7, Evaluate Interaction): one of
    very_positive, positive, neutral, negative, very_negative, or "" to clear it. Canceled
    entries may be evaluated too; a postponed one gets its evaluation when it is finished
    (ConflictError, 409)."""
    errors = ErrorCollector()
    value = _clean_choice("evaluation", evaluation, errors)
    errors.raise_if_any()
    current = _lock(entry)
    _check_may_change(actor, current)
    _refuse_postponed(
        current,
        _("Interaction %(no)s is postponed: give its evaluation when you finish it."),
    )
    current.evaluation = value
    current.modified_at = timezone.now()
    current.save(update_fields=["evaluation", "modified_at"])
    entry.refresh_from_db()
    return entry


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
    text = _clean_text("comment", comment, errors, COMMENT_LENGTH)
    if not text and "comment" not in errors:
        errors.add("comment", _("Fill in the comment."))
    line_date = _clean_date("date", date, errors) or actor.effective_work_date
    current = _lock(entry)
    _check_may_change(actor, current)
    errors.raise_if_any()
    highest = current.comments.aggregate(highest=Max("line_no"))["highest"] or 0
    return InteractionLogEntryComment.objects.create(
        entry=current, line_no=highest + 1, date=line_date, comment=text
    )


@transaction.atomic
def interaction_update_comment(
    *,
    actor: Any,
    comment_line: InteractionLogEntryComment,
    comment: str = _UNSET,
    date: datetime.date | str = _UNSET,
) -> InteractionLogEntryComment:
    """Change a comment line's text or date (the rules of `interaction_add_comment`)."""
    current = _lock(comment_line.entry)
    _check_may_change(actor, current)
    errors = ErrorCollector()
    line = InteractionLogEntryComment.objects.select_for_update().get(pk=comment_line.pk)
    if comment is not _UNSET:
        line.comment = _clean_text("comment", comment, errors, COMMENT_LENGTH)
        if not line.comment and "comment" not in errors:
            errors.add("comment", _("Fill in the comment."))
    if date is not _UNSET:
        new_date = _clean_date("date", date, errors)
        if new_date is None and "date" not in errors:
            errors.add("date", _("Fill in the date of the comment."))
        line.date = new_date or line.date
    errors.raise_if_any()
    line.save()
    comment_line.refresh_from_db()
    return comment_line


@transaction.atomic
def interaction_delete_comment(*, actor: Any, comment_line: InteractionLogEntryComment) -> None:
    """Remove a comment line from an interaction."""
    current = _lock(comment_line.entry)
    _check_may_change(actor, current)
    InteractionLogEntryComment.objects.filter(pk=comment_line.pk).delete()


# ---------------------------------------------------------------------------------------------
# Deleting


def _delete_entries(entries: models.QuerySet[InteractionLogEntry]) -> int:
    """Delete the entries with their comment lines, set-based (two DELETE statements), then
    what was theirs alone: the campaign entries made for them and the attachment copies they
    used that nothing else uses. Returns how many entries were deleted."""
    attachment_ids = set(
        entries.exclude(attachment=None).values_list("attachment_id", flat=True).distinct()
    )
    campaign_entry_ids = set(
        entries.exclude(campaign_entry=None).values_list("campaign_entry_id", flat=True).distinct()
    )
    InteractionLogEntryComment.objects.filter(entry__in=entries.values("pk")).delete()
    count, _detail = entries.delete()
    if campaign_entry_ids:
        # A single interaction's own campaign entry goes with it; a logged segment's stays.
        CampaignEntry.objects.filter(pk__in=campaign_entry_ids, register_no=None).exclude(
            pk__in=InteractionLogEntry.objects.filter(
                campaign_entry_id__in=campaign_entry_ids
            ).values("campaign_entry_id")
        ).delete()
    if attachment_ids:
        unused = Attachment.objects.filter(pk__in=attachment_ids, read_only=True)
        for relation in Attachment._meta.related_objects:
            if isinstance(relation, models.ManyToOneRel) and not relation.many_to_many:
                used = relation.related_model._default_manager.filter(
                    **{f"{relation.field.name}__in": attachment_ids}
                ).values(relation.field.attname)
                unused = unused.exclude(pk__in=used)
        unused.delete()
    return count


@transaction.atomic
def interactions_delete_canceled(
    *, actor: Any, filters: Mapping[str, Any] | None = None, dry_run: bool = False
) -> int:
    """Delete the canceled interactions that match `filters` (reference 2.7, report 5190) and
    return how many; a dry run only counts them.

    Filters (API.md, all optional, combined with AND): `contact_no`, `date_from`, `date_to`,
    `template_code`, `group_code`, `salesperson_code`, `campaign_no`, `entry_no`. An unknown
    filter or a bad value is refused (ValidationFailed); an unknown code simply matches
    nothing. Postponed and not-canceled entries are never deleted. A salesperson-role user
    deletes only entries of their own salesperson; `actor=None` is the command line (every
    entry). Set-based: one DELETE for the comment lines and one for the entries."""
    from rapport.interactions.selectors import filter_interactions

    if actor is not None:
        _check_role(actor)
    if not isinstance(dry_run, bool):
        raise ValidationFailed({"dry_run": [_("Dry Run must be true or false.")]})
    base = InteractionLogEntry.objects.filter(canceled=True, postponed=False)
    entries = filter_interactions(base, filters or {}, allowed=DELETE_CANCELED_FILTERS)
    if actor is not None and _is_salesperson_role(actor):
        own = _own_salesperson(actor)
        entries = entries.filter(salesperson=own) if own is not None else entries.none()
    # Re-stated on the final set: whatever the filters say, only canceled logged entries.
    entries = entries.filter(canceled=True, postponed=False)
    if dry_run:
        return entries.count()
    return _delete_entries(InteractionLogEntry.objects.filter(pk__in=entries.values("pk")))


def interactions_detach_contact(*, contact: Contact) -> None:
    """What deleting a contact does to the interaction log (reference 1.14); called by
    `contacts.services.contact_delete` in its transaction, before the contact is deleted.

    * A person's entries move to its company (contact := the company; none without one).
    * A company's entries (its own and, as its persons are deleted with it, theirs) keep no
      contact and no contact company.

    Set-based: one UPDATE per rule, whatever the number of entries."""
    now = timezone.now()
    entries = InteractionLogEntry.objects
    if contact.type == ContactType.COMPANY:
        entries.filter(contact_company=contact).update(
            contact=None, contact_company=None, modified_at=now
        )
        entries.filter(Q(contact=contact) | Q(contact__company=contact)).update(
            contact=None, modified_at=now
        )
    else:
        entries.filter(contact=contact).update(contact=contact.company_id, modified_at=now)
