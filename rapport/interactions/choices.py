"""Option values of interaction templates and log entries (reference 1.2). Stored values are
the lower-case words of the API; blank is ""."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core.choices import CorrespondenceType

__all__ = [
    "CorrespondenceType",
    "DeliveryStatus",
    "Evaluation",
    "InformationFlow",
    "InitiatedBy",
    "WizardAction",
]


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


class Evaluation(models.TextChoices):
    """How an interaction went (reference 1.2), set when it is logged or afterwards."""

    BLANK = "", _("(blank)")
    VERY_POSITIVE = "very_positive", _("Very Positive")
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")
    VERY_NEGATIVE = "very_negative", _("Very Negative")


class DeliveryStatus(models.TextChoices):
    """Where sending an interaction's attachment stands (API.md); blank: nothing to deliver."""

    BLANK = "", _("(blank)")
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
