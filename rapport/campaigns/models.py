"""Campaigns (NAV's Campaign, table 5071): what interactions and segments can be part of."""

from __future__ import annotations

from django.db import models
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
