"""Exporting contacts as rows of text in the import's columns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import models
from django.db.models import Case, Value, When

from rapport.contacts.importing.columns import CODE_LIST_SEPARATOR, COLUMNS, LIST_COLUMNS
from rapport.contacts.importing.lookups import chunks
from rapport.contacts.models import Contact, ContactType

_EXPORT_FIELDS = {
    "no": "no",
    "type": "type",
    "name": "name",
    "company_no": "company__no",
    "address": "address",
    "address_2": "address_2",
    "post_code": "post_code",
    "city": "city",
    "country_code": "country__code",
    "territory_code": "territory__code",
    "phone_no": "phone_no",
    "mobile_phone_no": "mobile_phone_no",
    "fax_no": "fax_no",
    "email": "email",
    "job_title": "job_title",
    "language_code": "language__code",
    "correspondence_type": "correspondence_type",
    "salesperson_code": "salesperson__code",
    "exclude_from_segment": "exclude_from_segment",
    "privacy_blocked": "privacy_blocked",
    "salutation_code": "salutation__code",
    "first_name": "first_name",
    "middle_name": "middle_name",
    "surname": "surname",
    "initials": "initials",
}
EXPORT_CHUNK = 500


def contacts_export(
    *, queryset: models.QuerySet[Contact] | None = None
) -> Iterator[dict[str, str]]:
    """The contacts of `queryset` (default: all) as rows of text in `COLUMNS`, companies first,
    then persons, each by number, so that importing the rows into a database without these
    contacts recreates them with the same numbers (`keep_blanks` for blanks that should stay
    blank). A company's `company_no` is its own number, as in the API. Reads 500 contacts
    per round (five queries), so large tables stream."""
    queryset = Contact.objects.all() if queryset is None else queryset
    order = Case(When(type=ContactType.COMPANY, then=Value(0)), default=Value(1))
    ids = list(queryset.order_by(order, "no").values_list("pk", flat=True))
    lookups = list(_EXPORT_FIELDS.values())
    for chunk in chunks(ids, EXPORT_CHUNK):
        by_id = {
            row["pk"]: row for row in Contact.objects.filter(pk__in=chunk).values("pk", *lookups)
        }
        codes: dict[str, dict[int, list[str]]] = {}
        for column, (name, _model) in LIST_COLUMNS.items():
            m2m: Any = Contact._meta.get_field(name)
            through = m2m.remote_field.through
            target = m2m.m2m_reverse_field_name()
            per_contact: dict[int, list[str]] = {}
            pairs = through.objects.filter(**{f"{m2m.m2m_field_name()}_id__in": chunk})
            for contact_id, code in pairs.values_list(
                f"{m2m.m2m_field_name()}_id", f"{target}__code"
            ):
                per_contact.setdefault(contact_id, []).append(code)
            codes[column] = per_contact
        for pk in chunk:
            values = by_id[pk]
            row = {}
            for column, lookup in _EXPORT_FIELDS.items():
                value = values[lookup]
                if isinstance(value, bool):
                    row[column] = "true" if value else "false"
                else:
                    row[column] = "" if value is None else str(value)
            if values["type"] == ContactType.COMPANY:
                row["company_no"] = values["no"]
            for column in LIST_COLUMNS:
                row[column] = CODE_LIST_SEPARATOR.join(sorted(codes[column].get(pk, ())))
            yield {column: row[column] for column in COLUMNS}
