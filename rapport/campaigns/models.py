"""Campaigns (NAV's Campaign, table 5071): what interactions and segments can be part of; and
campaign entries (table 5072): one per logged interaction or logged segment of a campaign."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NO_LENGTH = 20
DESCRIPTION_LENGTH = 100


class Campaign(models.Model):
    """A marketing campaign, numbered from Marketing Setup's Campaign Nos."""

    no = models.CharField(_("no."), max_length=NO_LENGTH, unique=True)
    description = models.CharField(_("description"), max_length=DESCRIPTION_LENGTH, blank=True)
    starting_date = models.DateField(_("starting date"), null=True, blank=True)
    ending_date = models.DateField(_("ending date"), null=True, blank=True)
    salesperson = models.ForeignKey(
        "contacts.Salesperson",
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
    )
    no_series = models.CharField(_("no. series"), max_length=20, blank=True, editable=False)

    class Meta:
        ordering = ["no"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ending_date__isnull=True)
                | models.Q(starting_date__isnull=True)
                | models.Q(ending_date__gte=models.F("starting_date")),
                name="campaigns_campaign_ending_not_before_starting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.no} – {self.description}" if self.description else self.no

    def get_absolute_url(self) -> str:
        return reverse("campaigns:campaign-detail", kwargs={"no": self.no})


class CampaignEntry(models.Model):
    """One logging of a campaign (reference 1.13): a single interaction with a campaign gets
    its own entry (NAV lets all single interactions of a campaign share one, pain point 5); a
    logged segment gets one for all its interactions (`register_no` = its entry no.).

    `entry_no` is the highest + 1, assigned by `services.campaign_entry_create`. Canceling an
    entry cancels its interactions; an interaction cannot be un-canceled while its campaign
    entry is canceled."""

    entry_no = models.PositiveIntegerField(_("entry no."), unique=True)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="entries"
    )
    description = models.CharField(_("description"), max_length=DESCRIPTION_LENGTH, blank=True)
    date = models.DateField(_("date"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    salesperson = models.ForeignKey(
        "contacts.Salesperson",
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    segment_no = models.CharField(_("segment no."), max_length=NO_LENGTH, blank=True)
    register_no = models.PositiveIntegerField(
        _("register no."),
        null=True,
        blank=True,
        help_text=_("The entry no. of the logged segment this entry was made for."),
    )
    canceled = models.BooleanField(_("canceled"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["entry_no"]
        verbose_name = _("campaign entry")
        verbose_name_plural = _("campaign entries")
        indexes = [
            models.Index(fields=["campaign", "date"], name="campaigns_entry_campaign_date"),
            models.Index(fields=["register_no"], name="campaigns_entry_register"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_no} – {self.description}" if self.description else str(self.entry_no)
