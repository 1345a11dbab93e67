"""Users, and the base pieces other apps' models share."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.choices import Role, UILanguage


class User(AbstractUser):
    """A person who signs in. Carries NAV's per-user work date and the UI language."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.READ_ONLY)
    work_date = models.DateField(
        _("work date"),
        null=True,
        blank=True,
        help_text=_("Leave blank to work on today's date."),
    )
    language = models.CharField(
        _("language"), max_length=5, choices=UILanguage.choices, default=UILanguage.ENGLISH
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def effective_role(self) -> str:
        return Role.ADMINISTRATOR if self.is_superuser else self.role

    @property
    def effective_work_date(self) -> datetime.date:
        """NAV's WORKDATE: the date the user works on; today unless the user set another."""
        return self.work_date or timezone.localdate()
