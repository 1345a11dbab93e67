"""Option values of interaction templates (reference 1.2). Stored values are the lower-case
words of the API; blank is ""."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core.choices import CorrespondenceType

__all__ = ["CorrespondenceType", "InformationFlow", "InitiatedBy", "WizardAction"]


class InformationFlow(models.TextChoices):
    BLANK = "", _("(blank)")
    OUTBOUND = "outbound", _("Outbound")
    INBOUND = "inbound", _("Inbound")


class InitiatedBy(models.TextChoices):
    BLANK = "", _("(blank)")
    US = "us", _("Us")
    THEM = "them", _("Them")


class WizardAction(models.TextChoices):
    BLANK = "", _("(blank)")
    OPEN = "open", _("Open")
    IMPORT = "import", _("Import")
    MERGE = "merge", _("Merge")
