"""Option values shared across apps. Stored values are the lower-case words of the API."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    MARKETING = "marketing", _("Marketing")
    SALESPERSON = "salesperson", _("Salesperson")
    READ_ONLY = "read_only", _("Read-only")


class UILanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    DUTCH = "nl", _("Dutch")


class CorrespondenceType(models.TextChoices):
    BLANK = "", _("(blank)")
    HARD_COPY = "hard_copy", _("Hard Copy")
    EMAIL = "email", _("Email")
    FAX = "fax", _("Fax")
