"""Interaction groups, templates and template languages (reference 1.3–1.5).

A template is a bag of defaults that an interaction copies when it is created (see
`selectors.template_defaults_for`); nothing in the interaction log refers back to it for values.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rapport.core.choices import CorrespondenceType
from rapport.interactions.choices import InformationFlow, InitiatedBy, WizardAction

CODE_LENGTH = 10
DESCRIPTION_LENGTH = 100
COST_DIGITS = 18
COST_PLACES = 2
DURATION_DIGITS = 18


class InteractionGroup(models.Model):
    """A class of templates (LETTER, MEETING, PHONE) that statistics add up by."""

    code = models.CharField(_("code"), max_length=CODE_LENGTH, unique=True)
    description = models.CharField(_("description"), max_length=DESCRIPTION_LENGTH, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("interaction group")
        verbose_name_plural = _("interaction groups")

    def __str__(self) -> str:
        return f"{self.code} – {self.description}" if self.description else self.code

    def get_absolute_url(self) -> str:
        return reverse("interactions:group-detail", kwargs={"code": self.code})


class InteractionTemplate(models.Model):
    """The defaults of one kind of interaction: group, cost, duration, flow, channel, language
    (with its attachment), what the Create Interaction wizard does, and a campaign."""

    code = models.CharField(_("code"), max_length=CODE_LENGTH, unique=True)
    group = models.ForeignKey(
        InteractionGroup,
        verbose_name=_("interaction group"),
        on_delete=models.PROTECT,
        related_name="templates",
    )
    description = models.CharField(_("description"), max_length=DESCRIPTION_LENGTH, blank=True)
    unit_cost = models.DecimalField(
        _("unit cost"), max_digits=COST_DIGITS, decimal_places=COST_PLACES, default=0
    )
    unit_duration = models.DecimalField(
        _("unit duration (min.)"), max_digits=DURATION_DIGITS, decimal_places=0, default=0
    )
    information_flow = models.CharField(
        _("information flow"),
        max_length=10,
        choices=InformationFlow.choices,
        blank=True,
        default=InformationFlow.BLANK,
    )
    initiated_by = models.CharField(
        _("initiated by"),
        max_length=10,
        choices=InitiatedBy.choices,
        blank=True,
        default=InitiatedBy.BLANK,
    )
    correspondence_type_default = models.CharField(
        _("correspondence type (default)"),
        max_length=10,
        choices=CorrespondenceType.choices,
        blank=True,
        default=CorrespondenceType.EMAIL,
    )
    ignore_contact_corres_type = models.BooleanField(
        _("ignore contact corres. type"),
        default=False,
        help_text=_(
            "Use the template's correspondence type even when the contact prefers another."
        ),
    )
    language_default = models.ForeignKey(
        "contacts.Language",
        verbose_name=_("language (default)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    wizard_action = models.CharField(
        _("wizard action"),
        max_length=10,
        choices=WizardAction.choices,
        blank=True,
        default=WizardAction.BLANK,
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interaction_templates",
    )
    campaign_target = models.BooleanField(_("campaign target"), default=False)
    campaign_response = models.BooleanField(_("campaign response"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("interaction template")
        verbose_name_plural = _("interaction templates")
        indexes = [models.Index(fields=["group", "code"], name="interactions_template_group")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit_cost__gte=0), name="interactions_template_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(unit_duration__gte=0),
                name="interactions_template_duration_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(campaign__isnull=False)
                | models.Q(campaign_target=False, campaign_response=False),
                name="interactions_template_campaign_flags_need_campaign",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.description}" if self.description else self.code

    def get_absolute_url(self) -> str:
        return reverse("interactions:template-detail", kwargs={"code": self.code})


class InteractionTemplateLanguage(models.Model):
    """One language of a template, with the attachment (document or e-mail body) to use for
    contacts of that language."""

    template = models.ForeignKey(
        InteractionTemplate,
        verbose_name=_("interaction template"),
        on_delete=models.CASCADE,
        related_name="languages",
    )
    language = models.ForeignKey(
        "contacts.Language",
        verbose_name=_("language"),
        on_delete=models.PROTECT,
        related_name="interaction_template_languages",
    )
    description = models.CharField(_("description"), max_length=DESCRIPTION_LENGTH, blank=True)
    attachment = models.ForeignKey(
        "attachments.Attachment",
        verbose_name=_("attachment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interaction_template_languages",
    )

    class Meta:
        ordering = ["template", "language__code"]
        verbose_name = _("interaction template language")
        verbose_name_plural = _("interaction template languages")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "language"], name="interactions_templatelanguage_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template.code} {self.language.code}"

    def get_absolute_url(self) -> str:
        return self.template.get_absolute_url()
