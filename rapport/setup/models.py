"""Marketing Setup: the one record of relationship-management settings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core.choices import CorrespondenceType
from rapport.setup.choices import AttachmentStorageType


class MarketingSetup(models.Model):
    """Singleton (primary key 1): number series, defaults for new contacts, attachment storage,
    and which fields a person inherits from its company."""

    SINGLETON_ID = 1

    contact_nos = models.ForeignKey(
        "numbering.NumberSeries",
        verbose_name=_("contact nos."),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    segment_nos = models.ForeignKey(
        "numbering.NumberSeries",
        verbose_name=_("segment nos."),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    campaign_nos = models.ForeignKey(
        "numbering.NumberSeries",
        verbose_name=_("campaign nos."),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    default_salesperson = models.ForeignKey(
        "contacts.Salesperson",
        verbose_name=_("default salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    default_language = models.ForeignKey(
        "contacts.Language",
        verbose_name=_("default language"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    default_company_salutation = models.ForeignKey(
        "contacts.Salutation",
        verbose_name=_("default company salutation code"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    default_person_salutation = models.ForeignKey(
        "contacts.Salutation",
        verbose_name=_("default person salutation code"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    delivery_rate_per_minute = models.PositiveIntegerField(
        _("delivery rate per minute"),
        default=0,
        help_text=_("The most e-mails sent per minute; 0 means no limit."),
    )
    default_correspondence_type = models.CharField(
        _("default correspondence type"),
        max_length=10,
        choices=CorrespondenceType.choices,
        blank=True,
        default=CorrespondenceType.BLANK,
    )
    attachment_storage_type = models.CharField(
        _("attachment storage type"),
        max_length=10,
        choices=AttachmentStorageType.choices,
        default=AttachmentStorageType.EMBEDDED,
    )
    attachment_storage_location = models.CharField(
        _("attachment storage location"), max_length=250, blank=True
    )
    inherit_salesperson = models.BooleanField(_("inherit salesperson"), default=True)
    inherit_territory = models.BooleanField(_("inherit territory"), default=True)
    inherit_country = models.BooleanField(_("inherit country/region"), default=True)
    inherit_language = models.BooleanField(_("inherit language"), default=True)
    inherit_address = models.BooleanField(_("inherit address details"), default=True)
    inherit_communication = models.BooleanField(_("inherit communication details"), default=True)

    class Meta:
        verbose_name = _("marketing setup")
        verbose_name_plural = _("marketing setup")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="setup_marketingsetup_singleton")
        ]

    def __str__(self) -> str:
        return str(_("Marketing Setup"))
