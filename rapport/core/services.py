"""Business operations on users."""

from __future__ import annotations

import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rapport.core import auditing
from rapport.core.choices import Role, UILanguage
from rapport.core.dates import date_in_range, date_range_message
from rapport.core.errors import ValidationFailed
from rapport.core.models import User

_UNSET = object()

# What the audit trail keeps of a user (never the password).
USER_AUDIT_FIELDS = (
    "username",
    "email",
    "role",
    "language",
    "is_active",
    "is_staff",
    "is_superuser",
)


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    password: str,
    email: str = "",
    language: str = UILanguage.ENGLISH,
    validate: bool = True,
) -> User:
    """Create a user with a role. The password must pass the password rules unless `validate`
    is off (demo data)."""
    username = (username or "").strip()
    if not username:
        raise ValidationFailed({"username": [_("A user name is required.")]})
    if role not in Role.values:
        allowed = ", ".join(Role.values)
        raise ValidationFailed(
            {
                "role": [
                    _("Unknown role '%(role)s'. Use one of: %(allowed)s.")
                    % {"role": role, "allowed": allowed}
                ]
            }
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(
            {"username": [_("A user named '%(name)s' already exists.") % {"name": username}]}
        )
    user = User(
        username=username,
        email=email,
        role=role,
        language=language,
        is_staff=role == Role.ADMINISTRATOR,
        is_superuser=role == Role.ADMINISTRATOR,
    )
    if validate:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationFailed({"password": list(exc.messages)}) from exc
    user.set_password(password)
    user.save()
    auditing.writer().audit_created(
        user, operation="user_create", object_type="user", fields=USER_AUDIT_FIELDS
    )
    return user


@transaction.atomic
def user_update_preferences(
    *,
    user: User,
    work_date: datetime.date | object | None = _UNSET,
    language: str | object = _UNSET,
) -> User:
    """Change a user's own work date (None: back to today) and UI language."""
    update_fields = []
    if work_date is not _UNSET:
        if isinstance(work_date, datetime.date) and not date_in_range(work_date):
            raise ValidationFailed({"work_date": [date_range_message()]})
        user.work_date = work_date  # type: ignore[assignment]
        update_fields.append("work_date")
    if language is not _UNSET:
        if language not in UILanguage.values:
            raise ValidationFailed(
                {"language": [_("Unknown language '%(language)s'.") % {"language": language}]}
            )
        user.language = language  # type: ignore[assignment]
        update_fields.append("language")
    if update_fields:
        user.save(update_fields=update_fields)
    return user
