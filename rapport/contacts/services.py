"""Business operations on contacts, salespeople, languages and the classification tables."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from rapport.contacts.models import (
    Contact,
    ContactProfileAnswer,
    ContactType,
    Language,
    ProfileQuestionnaire,
    ProfileQuestionnaireAnswer,
    Salesperson,
)
from rapport.core.choices import CorrespondenceType
from rapport.core.codes import normalize_code
from rapport.core.errors import ConflictError, ValidationFailed
from rapport.core.models import User


def _check_text(field: str, value: str, max_length: int, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed({field: [_("This field must have a value.")]})
    if "\x00" in text:
        raise ValidationFailed({field: [_("Null characters are not allowed.")]})
    if len(text) > max_length:
        raise ValidationFailed(
            {field: [_("Use at most %(max)s characters.") % {"max": max_length}]}
        )
    return text


def _check_email(value: str) -> str:
    email = _check_text("email", value, 80)
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationFailed(
                {"email": [_("'%(email)s' is not a valid e-mail address.") % {"email": email}]}
            ) from exc
    return email


def _check_user_free(user: User | None, salesperson: Salesperson | None) -> None:
    if user is None:
        return
    taken = Salesperson.objects.filter(user=user)
    if salesperson is not None:
        taken = taken.exclude(pk=salesperson.pk)
    other = taken.first()
    if other is not None:
        raise ValidationFailed(
            {
                "user": [
                    _("User %(user)s is already linked to salesperson %(code)s.")
                    % {"user": user.username, "code": other.code}
                ]
            }
        )


@transaction.atomic
def salesperson_create(
    *, code: str, name: str, email: str = "", user: User | None = None
) -> Salesperson:
    """Create a salesperson. Codes are unique (upper case); a user links to one salesperson."""
    code = normalize_code(code, label=_("Code"))
    if Salesperson.objects.filter(code=code).exists():
        raise ValidationFailed(
            {"code": [_("Salesperson %(code)s already exists.") % {"code": code}]}
        )
    _check_user_free(user, None)
    return Salesperson.objects.create(
        code=code,
        name=_check_text("name", name, 100, required=True),
        email=_check_email(email),
        user=user,
    )


@transaction.atomic
def salesperson_update(*, salesperson: Salesperson, **changes: Any) -> Salesperson:
    """Change a salesperson's name, e-mail or linked user (the code is its key and stays)."""
    if "name" in changes:
        salesperson.name = _check_text("name", changes["name"], 100, required=True)
    if "email" in changes:
        salesperson.email = _check_email(changes["email"])
    if "user" in changes:
        _check_user_free(changes["user"], salesperson)
        salesperson.user = changes["user"]
    salesperson.save()
    return salesperson


@transaction.atomic
def salesperson_delete(*, salesperson: Salesperson) -> None:
    """Delete a salesperson nothing refers to any more."""
    try:
        salesperson.delete()
    except ProtectedError as exc:
        raise ConflictError(
            _(
                "Salesperson %(code)s is still in use (for example as the default salesperson "
                "in Marketing Setup) and cannot be deleted."
            )
            % {"code": salesperson.code}
        ) from exc


@transaction.atomic
def language_create(*, code: str, name: str, name_nl: str = "") -> Language:
    """Create a language. Codes are unique (upper case, at most 10 characters); `name_nl` is the
    Dutch name pages show to Dutch users (optional)."""
    code = normalize_code(code, label=_("Code"), max_length=10)
    if Language.objects.filter(code=code).exists():
        raise ValidationFailed({"code": [_("Language %(code)s already exists.") % {"code": code}]})
    return Language.objects.create(
        code=code,
        name=_check_text("name", name, 50, required=True),
        name_nl=_check_text("name_nl", name_nl, 50),
    )


@transaction.atomic
def language_update(*, language: Language, name: str, name_nl: str | None = None) -> Language:
    language.name = _check_text("name", name, 50, required=True)
    if name_nl is not None:
        language.name_nl = _check_text("name_nl", name_nl, 50)
    language.save(update_fields=["name", "name_nl"])
    return language


@transaction.atomic
def language_delete(*, language: Language) -> None:
    """Delete a language nothing refers to any more."""
    try:
        language.delete()
    except ProtectedError as exc:
        raise ConflictError(
            _(
                "Language %(code)s is still in use (for example as the default language in "
                "Marketing Setup) and cannot be deleted."
            )
            % {"code": language.code}
        ) from exc


# --- Classification tables --------------------------------------------------------------------

CODE_TABLE_TEXT_LIMITS = {"description": 100, "name": 50, "name_nl": 50}


@transaction.atomic
def code_table_create(*, model: type[Any], code: str, **fields: Any) -> Any:
    """Create a row of a classification table (mailing groups, countries, ...). Codes are
    unique, upper case and at most 10 characters; the text field is required for countries
    and languages (their name) and optional elsewhere (description)."""
    code = normalize_code(code, label=_("Code"), max_length=10)
    if model.objects.filter(code=code).exists():
        raise ValidationFailed(
            {
                "code": [
                    _("%(table)s %(code)s already exists.")
                    % {"table": str(model._meta.verbose_name).capitalize(), "code": code}
                ]
            }
        )
    values = _code_table_values(model, fields)
    return model.objects.create(code=code, **values)


@transaction.atomic
def code_table_update(*, row: Any, **fields: Any) -> Any:
    """Change a classification row's text (the code is its key and stays)."""
    for name, value in _code_table_values(type(row), fields, partial=True).items():
        setattr(row, name, value)
    row.save()
    return row


@transaction.atomic
def code_table_delete(*, row: Any) -> None:
    """Delete a classification row. Contacts linked to a mailing group, industry group, job
    responsibility or business relation lose the link; a country, territory or language
    that contacts use cannot be deleted."""
    try:
        row.delete()
    except ProtectedError as exc:
        raise ConflictError(
            _("%(table)s %(code)s is still in use and cannot be deleted.")
            % {"table": str(row._meta.verbose_name).capitalize(), "code": row.code},
            code="in_use",
        ) from exc


def code_table_text_fields(model: type[Any]) -> list[str]:
    """The text fields of a classification table: `description`, or `name` (required) and, for
    countries and languages, `name_nl` (their Dutch name, optional)."""
    names = {f.name for f in model._meta.fields}
    if "name" not in names:
        return ["description"]
    return ["name", "name_nl"] if "name_nl" in names else ["name"]


def _code_table_values(model: type[Any], fields: dict[str, Any], *, partial: bool = False) -> dict:
    text_fields = code_table_text_fields(model)
    unknown = set(fields) - set(text_fields)
    if unknown:
        raise ValidationFailed({name: [_("Unknown field.")] for name in sorted(unknown)})
    values = {}
    for text_field in text_fields:
        if partial and text_field not in fields:
            continue
        values[text_field] = _check_text(
            text_field,
            fields.get(text_field, ""),
            CODE_TABLE_TEXT_LIMITS[text_field],
            required=text_field == "name",
        )
    return values


# The most answers one profile questionnaire offers (NAV's questionnaires have a handful; a
# limit keeps one request from writing thousands of rows). Pages, API and CLI all refuse more.
MAX_PROFILE_ANSWERS = 100


@transaction.atomic
def profile_questionnaire_set_answers(
    *, questionnaire: ProfileQuestionnaire, answers: Sequence[Mapping[str, Any]]
) -> ProfileQuestionnaire:
    """Replace a questionnaire's answers, matched by line no. (new rows get the next line no.
    in steps of 10000, as NAV numbers lines). An answer that contacts gave cannot be removed.
    A questionnaire has at most MAX_PROFILE_ANSWERS answers."""
    if len(answers) > MAX_PROFILE_ANSWERS:
        raise ValidationFailed(
            {
                "answers": [
                    _("A profile questionnaire has at most %(limit)s answers, not %(count)s.")
                    % {"limit": MAX_PROFILE_ANSWERS, "count": len(answers)}
                ]
            }
        )
    existing = {row.line_no: row for row in questionnaire.answers.all()}
    keep: set[int] = set()
    errors: dict[str, list[str]] = {}
    next_line = max(existing, default=0)
    cleaned: list[tuple[int | None, str]] = []
    for index, item in enumerate(answers):
        try:
            text = _check_text("answer", str(item.get("answer", "")), 100, required=True)
        except ValidationFailed as error:
            errors[f"answers.{index}.answer"] = next(iter(error.fields().values()))
            continue
        line_no = item.get("line_no")
        if line_no not in (None, ""):
            try:
                line_no = int(line_no)
            except (TypeError, ValueError):
                errors[f"answers.{index}.line_no"] = [_("A line no. is a whole number.")]
                continue
            if line_no < 1 or line_no in keep:
                errors[f"answers.{index}.line_no"] = [
                    _("Line no. %(no)s is used twice.") % {"no": line_no}
                ]
                continue
            keep.add(line_no)
        cleaned.append((line_no, text))
    removed = set(existing) - keep
    in_use = ContactProfileAnswer.objects.filter(
        answer__questionnaire=questionnaire, answer__line_no__in=removed
    ).values_list("answer__line_no", flat=True)
    for line_no in sorted(set(in_use)):
        errors.setdefault("answers", []).append(
            _("Answer %(no)s was given by contacts and cannot be removed.") % {"no": line_no}
        )
    if errors:
        raise ValidationFailed(errors)
    questionnaire.answers.filter(line_no__in=removed).delete()
    for line_no, text in cleaned:
        if line_no is None:
            next_line = max(next_line, *keep) if keep else next_line
            next_line += 10000
            keep.add(next_line)
            ProfileQuestionnaireAnswer.objects.create(
                questionnaire=questionnaire, line_no=next_line, answer=text
            )
        elif line_no in existing:
            row = existing[line_no]
            if row.answer != text:
                row.answer = text
                row.save(update_fields=["answer"])
        else:
            ProfileQuestionnaireAnswer.objects.create(
                questionnaire=questionnaire, line_no=line_no, answer=text
            )
    return questionnaire


@transaction.atomic
def profile_questionnaire_save(
    *,
    questionnaire: ProfileQuestionnaire | None,
    code: str,
    description: str,
    answer_texts: Sequence[str],
) -> ProfileQuestionnaire:
    """Create (questionnaire None) or change a questionnaire with its answers given in the order
    they are offered: the n-th text keeps the n-th existing answer's line no., extra texts are
    new answers, missing ones are removed (refused for answers that contacts gave). The
    questionnaire and its answers are saved together or not at all."""
    if questionnaire is None:
        questionnaire = code_table_create(
            model=ProfileQuestionnaire, code=code, description=description
        )
        existing: list[int] = []
    else:
        code_table_update(row=questionnaire, description=description)
        existing = list(questionnaire.answers.values_list("line_no", flat=True))
    answers = [
        {"line_no": existing[index] if index < len(existing) else None, "answer": text}
        for index, text in enumerate(answer_texts)
    ]
    return profile_questionnaire_set_answers(questionnaire=questionnaire, answers=answers)


# --- Contacts ----------------------------------------------------------------------------------

# Marketing Setup's inherit flags and the fields each one copies from a company to its persons.
INHERITED_FIELDS: dict[str, tuple[str, ...]] = {
    "inherit_salesperson": ("salesperson",),
    "inherit_territory": ("territory",),
    "inherit_country": ("country",),
    "inherit_language": ("language",),
    "inherit_address": ("address", "address_2", "post_code", "city"),
    "inherit_communication": ("phone_no", "fax_no"),
}
# Fields that, left out on create, come from the company (inherit flags) or Marketing Setup.
DEFAULTED_FIELDS = frozenset(
    {field for fields in INHERITED_FIELDS.values() for field in fields}
    | {"salesperson", "language", "correspondence_type"}
)
CONTACT_TEXT_FIELDS: dict[str, int] = {
    "name": 100,
    "address": 100,
    "address_2": 50,
    "post_code": 20,
    "city": 30,
    "phone_no": 30,
    "mobile_phone_no": 30,
    "fax_no": 30,
    "job_title": 30,
}
CONTACT_FLAG_FIELDS = ("exclude_from_segment", "privacy_blocked")
CONTACT_RELATED_FIELDS = ("country", "territory", "language", "salesperson")
CLASSIFICATION_FIELDS = (
    "mailing_groups",
    "industry_groups",
    "job_responsibilities",
    "business_relations",
)
CONTACT_FIELDS = frozenset(
    {
        *CONTACT_TEXT_FIELDS,
        *CONTACT_FLAG_FIELDS,
        *CONTACT_RELATED_FIELDS,
        *CLASSIFICATION_FIELDS,
        "email",
        "correspondence_type",
        "company",
        "type",
    }
)


def inherited_fields(setup: Any) -> tuple[str, ...]:
    """The contact fields a person takes over from its company under this setup."""
    return tuple(
        field
        for flag, fields in INHERITED_FIELDS.items()
        if getattr(setup, flag)
        for field in fields
    )


def contact_search_text(contact: Contact) -> str:
    parts = (contact.no, contact.name, contact.city, contact.email, contact.post_code)
    return " ".join(part for part in parts if part).lower()[:400]


def _clean_contact_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Check and tidy the plain fields of a contact; raises ValidationFailed naming every bad
    field."""
    unknown = set(changes) - CONTACT_FIELDS
    if unknown:
        raise ValidationFailed({name: [_("Unknown field.")] for name in sorted(unknown)})
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in changes.items():
        try:
            if name in CONTACT_TEXT_FIELDS:
                cleaned[name] = _check_text(
                    name, value, CONTACT_TEXT_FIELDS[name], required=name == "name"
                )
            elif name == "email":
                cleaned[name] = _check_email(value)
            elif name == "correspondence_type":
                if value not in CorrespondenceType.values:
                    raise ValidationFailed({name: [_("Unknown correspondence type.")]})
                cleaned[name] = value
            elif name == "type":
                if value not in ContactType.values:
                    raise ValidationFailed({name: [_("A contact is a company or a person.")]})
                cleaned[name] = value
            elif name in CONTACT_FLAG_FIELDS:
                cleaned[name] = bool(value)
            else:
                cleaned[name] = value
        except ValidationFailed as error:
            for field, messages in error.fields().items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _check_company_link(
    *, contact_type: str, company: Contact | None, contact: Contact | None
) -> None:
    if company is None:
        return
    if contact_type == ContactType.COMPANY:
        raise ValidationFailed({"company": [_("A company cannot belong to another company.")]})
    if company.type != ContactType.COMPANY:
        raise ValidationFailed(
            {
                "company": [
                    _("%(no)s is a person; a person can only belong to a company.")
                    % {"no": company.no}
                ]
            }
        )
    if contact is not None and company.pk == contact.pk:
        raise ValidationFailed({"company": [_("A contact cannot belong to itself.")]})


def _set_classifications(contact: Contact, values: dict[str, Any]) -> None:
    for name in CLASSIFICATION_FIELDS:
        if name in values:
            getattr(contact, name).set(values[name] or [])


@transaction.atomic
def contact_create(
    *,
    type: str,
    name: str,
    no: str = "",
    work_date: datetime.date | None = None,
    **fields: Any,
) -> Contact:
    """Create a company or a person.

    * The number is drawn from Marketing Setup's Contact Nos. for the work date, or typed when
      that series allows manual numbers (any number when no series is set up).
    * A person may belong to a company (never to a person); it takes over the fields that
      Marketing Setup's inherit flags name from its company, unless they are given here.
    * Fields not given default to Marketing Setup's default salesperson, language and
      correspondence type.
    """
    from rapport.numbering.services import number_series_assign
    from rapport.setup.selectors import marketing_setup_get

    values = _clean_contact_changes({"type": type, "name": name, **fields})
    company = values.pop("company", None)
    _check_company_link(contact_type=values["type"], company=company, contact=None)
    setup = marketing_setup_get()
    manual = str(no or "").strip().upper()
    if manual:
        if len(manual) > 20:
            raise ValidationFailed({"no": [_("A contact no. can have at most 20 characters.")]})
        if Contact.objects.filter(no=manual).exists():
            raise ValidationFailed({"no": [_("Contact %(no)s already exists.") % {"no": manual}]})
    number, series_code = number_series_assign(
        code=setup.contact_nos.code if setup.contact_nos else None,
        manual_no=manual,
        date=work_date,
        setup_field_label=str(_("Contact Nos.")),
    )
    if Contact.objects.filter(no=number).exists():
        raise ConflictError(
            _(
                "Number series %(series)s gave %(no)s, but a contact with that number exists "
                "already. Correct the series' last no. used."
            )
            % {"series": series_code, "no": number}
        )

    defaults = {
        "salesperson": setup.default_salesperson,
        "language": setup.default_language,
        "correspondence_type": setup.default_correspondence_type,
    }
    classifications = {key: values.pop(key) for key in CLASSIFICATION_FIELDS if key in values}
    contact = Contact(no=number, no_series=series_code, company=company)
    for field, value in defaults.items():
        setattr(contact, field, value)
    if company is not None:
        for field in inherited_fields(setup):
            setattr(contact, field, getattr(company, field))
    for field, value in values.items():
        setattr(contact, field, value)
    contact.search_text = contact_search_text(contact)
    contact.save()
    _set_classifications(contact, classifications)
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, **changes: Any) -> Contact:
    """Change a contact.

    * A company with persons cannot become a person; a person that becomes a company leaves
      its company.
    * A person moved to another company takes over that company's inherited fields (those
      not changed in the same call).
    * A company's change of an inherited field reaches its persons that still had the
      company's old value (one UPDATE per field), as NAV does.
    """
    from rapport.setup.selectors import marketing_setup_get

    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    values = _clean_contact_changes(changes)
    classifications = {key: values.pop(key) for key in CLASSIFICATION_FIELDS if key in values}
    new_type = values.get("type", contact.type)
    if new_type != contact.type and new_type == ContactType.PERSON and contact.persons.exists():
        raise ConflictError(
            _("Company %(no)s has persons, so it cannot become a person.") % {"no": contact.no}
        )
    if new_type == ContactType.COMPANY:
        values["company"] = None
    company = values.get("company", contact.company)
    _check_company_link(contact_type=new_type, company=company, contact=contact)

    setup = marketing_setup_get()
    inherited = inherited_fields(setup)
    old_values = {field: getattr(contact, field) for field in inherited}
    company_changed = "company" in values and (
        (values["company"].pk if values["company"] else None) != contact.company_id
    )
    if company_changed and company is not None:
        for field in inherited:
            if field not in values:
                setattr(contact, field, getattr(company, field))
    for field, value in values.items():
        setattr(contact, field, value)
    contact.search_text = contact_search_text(contact)
    contact.save()
    _set_classifications(contact, classifications)

    if contact.type == ContactType.COMPANY:
        for field in inherited:
            new_value = getattr(contact, field)
            if new_value != old_values[field]:
                column = Contact._meta.get_field(field).attname  # type: ignore[union-attr]
                old = old_values[field]
                old_key = old.pk if isinstance(old, models.Model) else old
                new_key = new_value.pk if isinstance(new_value, models.Model) else new_value
                persons = Contact.objects.filter(company=contact)
                persons = (
                    persons.filter(**{f"{column}__isnull": True})
                    if old_key is None
                    else persons.filter(**{column: old_key})
                )
                persons.update(**{column: new_key})
        if {"address", "address_2", "post_code", "city"} & set(values) and "post_code" in inherited:
            _refresh_search_text(Contact.objects.filter(company=contact))
    return contact


def _refresh_search_text(queryset: Any) -> None:
    """Recompute the search column of many contacts (after a set-based update)."""
    for row in queryset.only("pk", "no", "name", "city", "email", "post_code"):
        text = contact_search_text(row)
        if text != row.search_text:
            Contact.objects.filter(pk=row.pk).update(search_text=text)


@transaction.atomic
def contact_delete(*, contact: Contact) -> None:
    """Delete a contact. Deleting a company deletes its persons too (NAV). The interaction log
    keeps their interactions (reference 1.14): a person's move to its company; a company's
    (with its persons') keep no contact. A contact on a segment line (or a company whose
    person is) cannot be deleted (409): remove it from the segment first."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if apps.is_installed("rapport.interactions"):
        from rapport.interactions.services import interactions_detach_contact

        interactions_detach_contact(contact=contact)
    try:
        with transaction.atomic():
            if contact.type == ContactType.COMPANY:
                contact.persons.all().delete()
            contact.delete()
    except ProtectedError as error:
        rows = [row for row in list(error.protected_objects)[:100] if hasattr(row, "segment")]
        if not rows:
            raise
        numbers = ", ".join(sorted({row.segment.no for row in rows}))
        on_a_line = any(
            hasattr(row, "action_no") and not hasattr(row, "action_taken") for row in rows
        )
        if on_a_line:
            message = _(
                "Contact %(no)s is on a line of segment %(segments)s: remove it from the "
                "segment (or log the segment) before deleting the contact."
            )
        else:  # only in a segment's criteria history, which Go back needs
            message = _(
                "Contact %(no)s is in the criteria history of segment %(segments)s (Go back "
                "would restore it): log or delete the segment before deleting the contact."
            )
        raise ConflictError(
            message % {"no": contact.no, "segments": numbers}, code="in_use"
        ) from None


@transaction.atomic
def contact_set_profile_answer(
    *, contact: Contact, questionnaire: ProfileQuestionnaire, line_no: int
) -> ContactProfileAnswer:
    """Give (or change) a contact's answer to a questionnaire: one answer per questionnaire."""
    answer = questionnaire.answers.filter(line_no=line_no).first()
    if answer is None:
        raise ValidationFailed(
            {
                "line_no": [
                    _("Questionnaire %(code)s has no answer %(line)s.")
                    % {"code": questionnaire.code, "line": line_no}
                ]
            }
        )
    row, _created = ContactProfileAnswer.objects.update_or_create(
        contact=contact, questionnaire=questionnaire, defaults={"answer": answer}
    )
    return row


@transaction.atomic
def contact_remove_profile_answer(*, contact: Contact, questionnaire: ProfileQuestionnaire) -> None:
    ContactProfileAnswer.objects.filter(contact=contact, questionnaire=questionnaire).delete()
