"""Reads of salespeople and languages shared by the UI, API and CLI."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from rapport.contacts.models import Language, Salesperson


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
