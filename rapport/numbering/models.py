"""Number series (NAV's No. Series and No. Series Line)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CODE_LENGTH = 20
NUMBER_LENGTH = 20


class NumberSeries(models.Model):
    """A named source of document numbers, e.g. CONT for contacts, SEG for segments."""

    code = models.CharField(_("code"), max_length=CODE_LENGTH, unique=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    default_nos = models.BooleanField(
        _("default nos."), default=True, help_text=_("Numbers may be assigned automatically.")
    )
    manual_nos = models.BooleanField(
        _("manual nos."), default=False, help_text=_("Users may type numbers themselves.")
    )
    date_order = models.BooleanField(
        _("date order"),
        default=False,
        help_text=_("Numbers must be drawn in non-decreasing date order."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("number series")
        verbose_name_plural = pgettext_lazy("plural", "number series")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(default_nos=True) | models.Q(manual_nos=True),
                name="numbering_numberseries_default_or_manual",
            )
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("numbering:detail", kwargs={"code": self.code})


class NumberSeriesLine(models.Model):
    """A dated range of numbers in a series. A line closes itself once it hands out its
    ending number."""

    series = models.ForeignKey(NumberSeries, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("line no."))
    starting_date = models.DateField(_("starting date"), null=True, blank=True)
    starting_no = models.CharField(_("starting no."), max_length=NUMBER_LENGTH)
    ending_no = models.CharField(_("ending no."), max_length=NUMBER_LENGTH, blank=True)
    warning_no = models.CharField(_("warning no."), max_length=NUMBER_LENGTH, blank=True)
    increment_by = models.PositiveIntegerField(_("increment-by no."), default=1)
    last_no_used = models.CharField(_("last no. used"), max_length=NUMBER_LENGTH, blank=True)
    last_date_used = models.DateField(_("last date used"), null=True, blank=True)
    open = models.BooleanField(_("open"), default=True)

    class Meta:
        ordering = ["series", "line_no"]
        verbose_name = _("number series line")
        verbose_name_plural = _("number series lines")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "line_no"], name="numbering_numberseriesline_unique_line_no"
            ),
            models.CheckConstraint(
                condition=models.Q(increment_by__gte=1),
                name="numbering_numberseriesline_increment_positive",
            ),
        ]
        indexes = [models.Index(fields=["series", "starting_date", "starting_no"])]

    def __str__(self) -> str:
        return f"{self.series.code} {self.line_no}"
