"""The interaction's values: checking what a caller gives (the one home of these checks for the
log and for segments), resolving relations given by key, and what a template copies onto an
interaction (reference 2.1.3/2.1.4).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping, MutableMapping
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.campaigns.models import Campaign
from rapport.contacts.models import Contact, ContactType, Language, Salesperson
from rapport.core.choices import CorrespondenceType
from rapport.core.cleaners import (
    clean_amount,
    clean_choice,
    clean_date,
    clean_flag,
    clean_text,
    clean_time,
    has_control_chars,
)
from rapport.core.errors import ErrorCollector
from rapport.interactions.choices import Evaluation, InformationFlow, InitiatedBy
from rapport.interactions.models import (
    COST_DIGITS,
    COST_PLACES,
    DESCRIPTION_LENGTH,
    DURATION_DIGITS,
    InteractionTemplate,
    InteractionTemplateLanguage,
)
from rapport.interactions.selectors import template_defaults_for

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


# ---------------------------------------------------------------------------------------------
# Checking values


def label(name: str) -> str:
    """The field's name as the user sees it (in messages)."""
    return str(LABELS.get(name, name))


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
    ),
}


def with_language_rows(template: InteractionTemplate) -> InteractionTemplate:
    """`template` with its language rows (and their languages and attachments) read in one
    query and kept where `template.languages.all()` and every reader of the rows find them
    (as `prefetch_related("languages")` would, without its per-call machinery)."""
    rows = list(
        InteractionTemplateLanguage.objects.select_related("language", "attachment")
        .filter(template_id=template.pk)
        .order_by()
    )
    rows.sort(key=lambda row: row.language.code)  # the model's order, without ORDER BY
    for row in rows:
        row.template = template
    cached = template.languages.all()  # a related queryset, not evaluated
    cached._result_cache = rows
    cached._prefetch_done = True  # type: ignore[attr-defined]
    template._prefetched_objects_cache = {"languages": cached}  # type: ignore[attr-defined]
    return template


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
            errors.add(name, _("%(field)s must be a saved record.") % {"field": label(name)})
            return None
        if name != "contact":
            return value
        value = getattr(
            value, key
        )  # the contact as stored now: its address and preferences decide rules
    if not isinstance(value, str):
        errors.add(name, _("%(field)s must be a code or number.") % {"field": label(name)})
        return None
    text = value.strip().upper()
    if not text or len(text) > 20 or has_control_chars(text):
        shown = text[:20] + ("…" if len(text) > 20 else "")
        errors.add(name, _not_found(name, shown.replace("\x00", "")))
        return None
    # The key is unique: no ORDER BY to build or run (`first()` would add one).
    query = _READ.get(name, model._default_manager.all)().filter(**{key: text}).order_by()
    found = next(iter(query[:1]), None)
    if found is None:
        errors.add(name, _not_found(name, text))
    elif name == "template":
        with_language_rows(found)
    return found


# ---------------------------------------------------------------------------------------------
# Building the values of an entry


def now_rounded_up() -> datetime.time:
    """The current local time rounded up to the next whole minute (the wizard's start value)."""
    now = timezone.localtime()
    rounded = now.replace(second=0, microsecond=0)
    if rounded != now:
        rounded += datetime.timedelta(minutes=1)
    return rounded.time()


def company_of(contact: Contact | None) -> Contact | None:
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
            cleaned[name] = clean_text(
                name, value, errors, label=label(name), max_length=DESCRIPTION_LENGTH
            )
        elif name in CHOICES:
            cleaned[name] = clean_choice(
                name, value, errors, label=label(name), choices=CHOICES[name].values
            )
        elif name in FLAGS or name == "attempt_failed":
            cleaned[name] = clean_flag(name, value, errors, label=label(name))
        elif name == "cost":
            cleaned[name] = clean_amount(
                name, value, errors, label=label(name), places=COST_PLACES, digits=COST_DIGITS
            )
        elif name == "duration":
            cleaned[name] = clean_amount(
                name, value, errors, label=label(name), places=0, digits=DURATION_DIGITS
            )
        elif name == "date":
            cleaned[name] = clean_date(name, value, errors, label=label(name))
        elif name == "time":
            cleaned[name] = clean_time(name, value, errors, label=label(name))
        else:
            raise TypeError(f"unexpected argument {name!r}")
    return cleaned


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


TEMPLATE_DEFAULT_FIELDS = (
    "group",
    "description",
    "language",
    "correspondence_type",
    "information_flow",
    "initiated_by",
    "cost",
    "duration",
    "campaign",
    "campaign_target",
    "campaign_response",
)
"""The values choosing a template copies onto an interaction (`template_defaults_apply`)."""


def template_defaults_apply(
    target: MutableMapping[str, Any] | models.Model,
    template: InteractionTemplate,
    *,
    contact: Any = None,
    keep: Collection[str] = (),
    as_keys: bool = False,
) -> dict[str, Any]:
    """Reference 2.1.3/2.1.4: copy what choosing `template` gives onto `target` — the one home
    of this rule for the log, the dialog and segments — and return what was copied.

    `target` is a mapping (values by field name) or a record (set with `setattr`); it is read
    for its `description` and `correspondence_type`. The values (from `template_defaults_for`
    for `contact`, see there):

    * group, cost, duration, information flow, initiated by, campaign, campaign target and
      response: the template's;
    * language: the contact's when the template has a row for it, else the template's default
      language; correspondence type by rule 2.1.4, keeping the target's when nothing decides;
    * description: the template's, only while the target's is blank.

    Names in `keep` are left as they are (given or locked by the caller, or not the target's).
    `as_keys=True` gives relations as their keys (group and language codes, the campaign no.;
    "" for none), as a form's values are; otherwise records (None for none)."""
    mapping = isinstance(target, MutableMapping)

    def current(name: str) -> Any:
        return target.get(name) if mapping else getattr(target, name, None)  # type: ignore[union-attr]

    defaults = template_defaults_for(
        template, contact, previous_correspondence_type=str(current("correspondence_type") or "")
    )
    copied: dict[str, Any] = {
        "group": template.group.code if as_keys else template.group,
        "language": (
            defaults.language_code if as_keys else _language_of(template, defaults.language_code)
        ),
        "correspondence_type": defaults.correspondence_type,
        "information_flow": defaults.information_flow,
        "initiated_by": defaults.initiated_by,
        "cost": defaults.cost,
        "duration": defaults.duration,
        "campaign": (
            (defaults.campaign.no if defaults.campaign is not None else "")
            if as_keys
            else defaults.campaign
        ),
        "campaign_target": defaults.campaign_target,
        "campaign_response": defaults.campaign_response,
    }
    if not str(current("description") or "").strip():
        copied["description"] = defaults.description
    copied = {name: value for name, value in copied.items() if name not in keep}
    for name, value in copied.items():
        if mapping:
            target[name] = value  # type: ignore[index]
        else:
            setattr(target, name, value)
    return copied
