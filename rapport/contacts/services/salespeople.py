"""Salespeople: create, change and delete (reference 1.1)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from rapport.audit.services import audit_created, audit_deleted, audit_updated
from rapport.contacts.models import Salesperson
from rapport.contacts.services.code_tables import stored_values
from rapport.contacts.services.values import _check_email, _check_text
from rapport.core.codes import normalize_code
from rapport.core.errors import ConflictError, ValidationFailed
from rapport.core.models import User


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
    salesperson = Salesperson.objects.create(
        code=code,
        name=_check_text("name", name, 100, required=True),
        email=_check_email(email),
        user=user,
    )
    audit_created(salesperson, operation="salesperson_create", object_type="salesperson")
    return salesperson


@transaction.atomic
def salesperson_update(*, salesperson: Salesperson, **changes: Any) -> Salesperson:
    """Change a salesperson's name, e-mail or linked user (the code is its key and stays)."""
    before = stored_values(salesperson)
    if "name" in changes:
        salesperson.name = _check_text("name", changes["name"], 100, required=True)
    if "email" in changes:
        salesperson.email = _check_email(changes["email"])
    if "user" in changes:
        _check_user_free(changes["user"], salesperson)
        salesperson.user = changes["user"]
    salesperson.save()
    audit_updated(before, salesperson, operation="salesperson_update", object_type="salesperson")
    return salesperson


@transaction.atomic
def salesperson_delete(*, salesperson: Salesperson) -> None:
    """Delete a salesperson nothing refers to any more."""
    before = stored_values(salesperson)
    try:
        salesperson.delete()
        audit_deleted(
            before, operation="salesperson_delete", object_type="salesperson", key=before["code"]
        )
    except ProtectedError as exc:
        raise ConflictError(
            _(
                "Salesperson %(code)s is still in use (for example as the default salesperson "
                "in Marketing Setup) and cannot be deleted."
            )
            % {"code": salesperson.code}
        ) from exc
