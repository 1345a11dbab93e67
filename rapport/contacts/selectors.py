"""Reads of salespeople and languages shared by the UI, API and CLI."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from rapport.contacts.models import Contact, Language, Salesperson


def salesperson_list() -> QuerySet[Salesperson]:
    return Salesperson.objects.select_related("user").order_by("code")


def salesperson_get(code: str) -> Salesperson:
    return get_object_or_404(salesperson_list(), code=code.upper())


def salesperson_for_user(user: Any) -> Salesperson | None:
    """The salesperson linked to a user, if any (NAV's User Setup salesperson code)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Salesperson.objects.filter(user=user).first()


def language_list() -> QuerySet[Language]:
    return Language.objects.order_by("code")


def language_get(code: str) -> Language:
    return get_object_or_404(Language, code=code.upper())


def contact_list() -> QuerySet[Contact]:
    """Contacts with what a list shows, in one query (no N+1)."""
    return Contact.objects.select_related("company", "salesperson", "country", "language")


def contact_list_for_api() -> QuerySet[Contact]:
    return (
        contact_list()
        .select_related("territory")
        .prefetch_related(
            "mailing_groups", "industry_groups", "job_responsibilities", "business_relations"
        )
    )


def contact_get(no: str) -> Contact:
    return get_object_or_404(contact_list_for_api(), no=str(no).upper())


def contact_search(queryset: QuerySet[Contact], text: str) -> QuerySet[Contact]:
    """Contacts whose number, name, city, post code or e-mail contains `text` (any case).

    One scan of the lower-cased `search_text` column, kept by the services."""
    text = (text or "").strip().lower()
    if not text:
        return queryset
    for word in text.split()[:5]:
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def company_persons(company: Contact) -> QuerySet[Contact]:
    return Contact.objects.filter(company=company).select_related("salesperson").order_by("name")
