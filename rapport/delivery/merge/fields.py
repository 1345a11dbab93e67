"""The merge fields a template may use (`{{ contact.name }}`, `{{ salutation }}`), with the
labels the field list beside the editor shows.

A record (contact, company, salesperson, interaction) is a plain dict of strings in the merge
context; `salutation` and `salutation_informal` are plain strings. Nothing else is reachable
from a template: the save-time check refuses any other name or attribute."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CONTACT_FIELDS: dict[str, Promise] = {
    "no": _("No."),
    "name": _("Name"),
    "first_name": _("First name"),
    "middle_name": _("Middle name"),
    "surname": _("Surname"),
    "initials": _("Initials"),
    "job_title": _("Job title"),
    "address": _("Address"),
    "address_2": _("Address 2"),
    "post_code": _("Post code"),
    "city": _("City"),
    "country_code": _("Country/region code"),
    "country_name": _("Country/region"),
    "email": _("E-mail"),
    "phone_no": _("Phone no."),
    "mobile_phone_no": _("Mobile phone no."),
    "language_code": _("Language code"),
}
COMPANY_FIELDS: dict[str, Promise] = {
    "no": _("No."),
    "name": _("Name"),
    "address": _("Address"),
    "post_code": _("Post code"),
    "city": _("City"),
    "country_name": _("Country/region"),
    "email": _("E-mail"),
    "phone_no": _("Phone no."),
}
SALESPERSON_FIELDS: dict[str, Promise] = {
    "code": _("Code"),
    "name": _("Name"),
    "email": _("E-mail"),
    "phone_no": _("Phone no."),
    "job_title": _("Job title"),
}
INTERACTION_FIELDS: dict[str, Promise] = {
    "date": _("Date"),
    "description": _("Description"),
    "subject": _("Subject"),
    "template_code": _("Interaction template code"),
    "campaign_no": _("Campaign no."),
    "campaign_description": _("Campaign description"),
}

RECORDS: dict[str, tuple[Promise, dict[str, Promise]]] = {
    "contact": (_("Contact"), CONTACT_FIELDS),
    "company": (_("Company"), COMPANY_FIELDS),
    "salesperson": (_("Salesperson"), SALESPERSON_FIELDS),
    "interaction": (_("Interaction"), INTERACTION_FIELDS),
}
VALUES: dict[str, Promise] = {
    "salutation": _("Salutation (formal)"),
    "salutation_informal": _("Salutation (informal)"),
}

MERGE_FIELDS: dict[str, list[str] | None] = {
    **{name: list(fields) for name, (_label, fields) in RECORDS.items()},
    **dict.fromkeys(VALUES),
}
"""The agreed schema: a record's field names, or None for a plain value."""


def is_field(name: str, attribute: str | None = None) -> bool:
    """Whether `name` (with `attribute` for a record) is a merge field."""
    if name not in MERGE_FIELDS:
        return False
    fields = MERGE_FIELDS[name]
    if attribute is None:
        return True
    return fields is not None and attribute in fields


def field_groups() -> list[dict[str, Any]]:
    """The field list beside the editor: per group its caption and its (expression, label)
    rows, labels in the active language."""
    groups: list[dict[str, Any]] = [
        {
            "name": name,
            "label": str(label),
            "fields": [
                (f"{{{{ {name}.{field} }}}}", str(caption)) for field, caption in fields.items()
            ],
        }
        for name, (label, fields) in RECORDS.items()
    ]
    groups.append(
        {
            "name": "salutation",
            "label": str(_("Salutation")),
            "fields": [(f"{{{{ {name} }}}}", str(caption)) for name, caption in VALUES.items()],
        }
    )
    return groups


def empty_context() -> dict[str, Any]:
    """A context with every field blank (what a missing contact or company merges as)."""
    context: dict[str, Any] = {
        name: dict.fromkeys(fields, "") for name, (_label, fields) in RECORDS.items()
    }
    context.update(dict.fromkeys(VALUES, ""))
    return context
