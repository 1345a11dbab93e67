"""Contacts (companies and persons): create, change and delete (reference 1.1)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from rapport.audit.services import audit_record, audit_values
from rapport.contacts.deletion import run_contact_delete_steps
from rapport.contacts.models import Contact, ContactType, Salutation
from rapport.contacts.services.values import _check_email, _check_text
from rapport.core.choices import CorrespondenceType
from rapport.core.errors import ConflictError, ValidationFailed
from rapport.numbering.services import number_series_assign
from rapport.setup.selectors import marketing_setup_get

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
    "first_name": 30,
    "middle_name": 30,
    "surname": 30,
    "initials": 30,
}
CONTACT_FLAG_FIELDS = ("exclude_from_segment", "privacy_blocked")
CONTACT_RELATED_FIELDS = ("country", "territory", "language", "salesperson", "salutation")
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
        "salutation_code",
    }
)
ADDRESS_FIELDS = frozenset({"address", "address_2", "post_code", "city"})
# What the audit trail keeps of a contact: its fields (related records by code), not the search
# column or the times of the row; the classifications only when an operation sets them.
CONTACT_AUDIT_FIELDS = tuple(
    field.name
    for field in Contact._meta.concrete_fields
    if field.name not in {"id", "search_text", "created_at", "modified_at"}
)
_FOREIGN_KEYS = ("company", "country", "territory", "salutation", "language", "salesperson")


def _audit_values(contact: Contact, classifications: Any = ()) -> dict[str, Any]:
    """The contact's values for the audit trail, with the codes of the named classifications."""
    values = audit_values(contact, CONTACT_AUDIT_FIELDS)
    for name in CLASSIFICATION_FIELDS:
        if name in classifications:
            values[name] = sorted(getattr(contact, name).values_list("code", flat=True))
    return values


def _locked(contact: Contact) -> Contact:
    """The stored row of `contact`, locked, with the records it refers to (read for the audit
    trail and for what a company passes on to its persons)."""
    return (
        Contact.objects.select_for_update(of=("self",))
        .select_related(*_FOREIGN_KEYS)
        .get(pk=contact.pk)
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
            elif name == "salutation_code":
                cleaned["salutation"] = _salutation_by_code(value)
            else:
                cleaned[name] = value
        except ValidationFailed as error:
            for field, messages in error.fields().items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _salutation_by_code(value: Any) -> Salutation | None:
    """A salutation code typed as text (blank: none)."""
    code = str(value or "").strip().upper()
    if not code:
        return None
    salutation = Salutation.objects.filter(code=code).first()
    if salutation is None:
        raise ValidationFailed(
            {"salutation_code": [_("There is no salutation %(code)s.") % {"code": code}]}
        )
    return salutation


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


def _contact_number(*, no: str, setup: Any, work_date: datetime.date | None) -> tuple[str, str]:
    """The new contact's number and the series it came from: typed (`no`), when Marketing
    Setup's Contact Nos. allows manual numbers or no series is set up, else drawn from that
    series for the work date. A number that is taken already is refused."""
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
    return number, series_code


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
    values = _clean_contact_changes({"type": type, "name": name, **fields})
    company = values.pop("company", None)
    _check_company_link(contact_type=values["type"], company=company, contact=None)
    setup = marketing_setup_get()
    number, series_code = _contact_number(no=no, setup=setup, work_date=work_date)

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
    audit_record(
        operation="contact_create",
        object_type="contact",
        object_key=contact.no,
        after=_audit_values(contact, classifications),
    )
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
    contact = _locked(contact)
    values = _clean_contact_changes(changes)
    classifications = {key: values.pop(key) for key in CLASSIFICATION_FIELDS if key in values}
    before = _audit_values(contact, classifications)
    new_type = values.get("type", contact.type)
    if new_type != contact.type and new_type == ContactType.PERSON and contact.persons.exists():
        raise ConflictError(
            _("Company %(no)s has persons, so it cannot become a person.") % {"no": contact.no}
        )
    if new_type == ContactType.COMPANY:
        values["company"] = None
    company = values.get("company", contact.company)
    _check_company_link(contact_type=new_type, company=company, contact=contact)

    inherited = inherited_fields(marketing_setup_get())
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
        _pass_changes_to_persons(contact, old_values)
        if ADDRESS_FIELDS & set(values) and "post_code" in inherited:
            _refresh_search_text(Contact.objects.filter(company=contact))
    audit_record(
        operation="contact_update",
        object_type="contact",
        object_key=contact.no,
        before=before,
        after=_audit_values(contact, classifications),
    )
    return contact


def _pass_changes_to_persons(company: Contact, old_values: dict[str, Any]) -> None:
    """Each inherited field the company changed reaches its persons that still had the
    company's old value: one UPDATE per field."""
    for field, old in old_values.items():
        new_value = getattr(company, field)
        if new_value == old:
            continue
        column = Contact._meta.get_field(field).attname  # type: ignore[union-attr]
        old_key = old.pk if isinstance(old, models.Model) else old
        new_key = new_value.pk if isinstance(new_value, models.Model) else new_value
        persons = Contact.objects.filter(company=company)
        persons = (
            persons.filter(**{f"{column}__isnull": True})
            if old_key is None
            else persons.filter(**{column: old_key})
        )
        persons.update(**{column: new_key})


def _refresh_search_text(queryset: Any) -> None:
    """Recompute the search column of many contacts (after a set-based update)."""
    for row in queryset.only("pk", "no", "name", "city", "email", "post_code"):
        text = contact_search_text(row)
        if text != row.search_text:
            Contact.objects.filter(pk=row.pk).update(search_text=text)


@transaction.atomic
def contact_delete(*, contact: Contact) -> None:
    """Delete a contact. Deleting a company deletes its persons too (NAV). First the steps the
    apps above registered run (`rapport.contacts.deletion`), in the same transaction: the
    interaction log keeps their interactions (reference 1.14), a person's move to its company,
    a company's (with its persons') keep no contact. A contact on a segment line (or a company
    whose person is) cannot be deleted (409): remove it from the segment first."""
    contact = _locked(contact)
    before = _audit_values(contact)
    run_contact_delete_steps(contact=contact)
    persons = 0
    try:
        with transaction.atomic():
            if contact.type == ContactType.COMPANY:
                _total, deleted = contact.persons.all().delete()
                persons = deleted.get(Contact._meta.label, 0)
            contact.delete()
    except ProtectedError as error:
        conflict = _in_use_conflict(contact, error)
        if conflict is None:
            raise
        raise conflict from None
    audit_record(
        operation="contact_delete",
        object_type="contact",
        object_key=before["no"],
        before=before,
        details={"persons": persons} if contact.type == ContactType.COMPANY else None,
    )


def _in_use_conflict(contact: Contact, error: ProtectedError) -> ConflictError | None:
    """The 409 for a contact a segment still holds (on a line, or only in the criteria history
    that Go back needs); None when something else protects it."""
    rows = [row for row in list(error.protected_objects)[:100] if hasattr(row, "segment")]
    if not rows:
        return None
    numbers = ", ".join(sorted({row.segment.no for row in rows}))
    on_a_line = any(hasattr(row, "action_no") and not hasattr(row, "action_taken") for row in rows)
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
    return ConflictError(message % {"no": contact.no, "segments": numbers}, code="in_use")
