"""Business operations on salespeople and languages (contacts themselves arrive later)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from rapport.contacts.models import Language, Salesperson
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
def language_create(*, code: str, name: str) -> Language:
    """Create a language. Codes are unique (upper case, at most 10 characters)."""
    code = normalize_code(code, label=_("Code"), max_length=10)
    if Language.objects.filter(code=code).exists():
        raise ValidationFailed({"code": [_("Language %(code)s already exists.") % {"code": code}]})
    return Language.objects.create(code=code, name=_check_text("name", name, 50, required=True))


@transaction.atomic
def language_update(*, language: Language, name: str) -> Language:
    language.name = _check_text("name", name, 50, required=True)
    language.save(update_fields=["name"])
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
