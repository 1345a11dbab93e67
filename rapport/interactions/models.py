"""Interaction groups, templates and template languages (reference 1.3–1.5), and the
interaction log (1.7) with its comment lines.

A template is a bag of defaults that an interaction copies when it is created (see
`selectors.template_defaults_for`); nothing in the interaction log refers back to it for values.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.choices import CorrespondenceType
from rapport.interactions.choices import (
    DeliveryStatus,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    WizardAction,
)

CODE_LENGTH = 10
DESCRIPTION_LENGTH = 100
COST_DIGITS = 18
COST_PLACES = 2
DURATION_DIGITS = 18
NO_LENGTH = 20
COMMENT_LENGTH = 250
OPTION_LENGTH = 10
"""An option field's stored value (the API's lower-case word) fits in 10 characters, as on the
contact and in the setup; Evaluation's longest ("very_positive") needs `EVALUATION_LENGTH`."""
EVALUATION_LENGTH = 15


def cost_field(verbose_name: Any) -> models.DecimalField:
    """A cost in LCY (≥ 0, two decimals): the template's unit cost, an interaction's cost."""
    return models.DecimalField(
        verbose_name, max_digits=COST_DIGITS, decimal_places=COST_PLACES, default=0
    )


def duration_field(verbose_name: Any) -> models.DecimalField:
    """A duration in whole minutes (≥ 0): the template's unit duration, an interaction's."""
    return models.DecimalField(
        verbose_name, max_digits=DURATION_DIGITS, decimal_places=0, default=0
    )


def information_flow_field() -> models.CharField:
    return models.CharField(
        _("information flow"),
        max_length=OPTION_LENGTH,
        choices=InformationFlow.choices,
        blank=True,
        default=InformationFlow.BLANK,
    )


def initiated_by_field() -> models.CharField:
    return models.CharField(
        _("initiated by"),
        max_length=OPTION_LENGTH,
        choices=InitiatedBy.choices,
        blank=True,
        default=InitiatedBy.BLANK,
    )


def correspondence_type_field(verbose_name: Any, default: str) -> models.CharField:
    return models.CharField(
        verbose_name,
        max_length=OPTION_LENGTH,
        choices=CorrespondenceType.choices,
        blank=True,
        default=default,
    )


class InteractionValues(models.Model):
    """The values of an interaction that the log entry, the segment header and the segment line
    (and its history) all hold, declared once (reference 1.7–1.9): a segment's values are
    copied onto its lines and from there into the log, so each field is the same everywhere.
    The relations whose reverse names differ (template, group, salesperson, campaign) are
    declared by each model; the header's `cost`/`duration` are its Unit Cost and Unit
    Duration."""

    description = models.CharField(_("description"), max_length=DESCRIPTION_LENGTH, blank=True)
    subject = models.CharField(_("subject"), max_length=DESCRIPTION_LENGTH, blank=True)
    language = models.ForeignKey(
        "contacts.Language",
        verbose_name=_("language"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    date = models.DateField(_("date"), null=True, blank=True)
    cost = cost_field(_("cost"))
    duration = duration_field(_("duration (min.)"))
    information_flow = information_flow_field()
    initiated_by = initiated_by_field()
    correspondence_type = correspondence_type_field(
        _("correspondence type"), default=CorrespondenceType.BLANK
    )
    campaign_target = models.BooleanField(_("campaign target"), default=False)
    campaign_response = models.BooleanField(_("campaign response"), default=False)

    class Meta:
        abstract = True


class InteractionOutcome(models.Model):
    """How an interaction with one contact went: the log entry's and the segment line's time,
    evaluation and whether the attempt failed (reference 1.7, 1.9)."""

    time = models.TimeField(_("time of interaction"), null=True, blank=True)
    evaluation = models.CharField(
        _("evaluation"),
        max_length=EVALUATION_LENGTH,
        choices=Evaluation.choices,
        blank=True,
        default=Evaluation.BLANK,
    )
    attempt_failed = models.BooleanField(_("attempt failed"), default=False)

    class Meta:
        abstract = True


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
    (with its attachment), what the Create interaction wizard does, and a campaign."""

    code = models.CharField(_("code"), max_length=CODE_LENGTH, unique=True)
    group = models.ForeignKey(
        InteractionGroup,
        verbose_name=_("interaction group"),
        on_delete=models.PROTECT,
        related_name="templates",
    )
    description = models.CharField(_("description"), max_length=DESCRIPTION_LENGTH, blank=True)
    unit_cost = cost_field(_("unit cost"))
    unit_duration = duration_field(_("unit duration (min.)"))
    information_flow = information_flow_field()
    initiated_by = initiated_by_field()
    correspondence_type_default = correspondence_type_field(
        _("correspondence type (default)"), default=CorrespondenceType.EMAIL
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
        max_length=OPTION_LENGTH,
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


def _indexed_relation(
    to: Any, verbose_name: Any, *, related_name: str, on_delete: Any = models.PROTECT
) -> models.ForeignKey:
    """An optional relation of the log entry that is the first column of one of its indexes
    (so it needs no index of its own)."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        on_delete=on_delete,
        db_index=False,
        null=True,
        blank=True,
        related_name=related_name,
    )


class InteractionLogEntry(InteractionValues, InteractionOutcome):
    """One interaction with a contact (reference 1.7): self-contained (the values were copied
    from the template when it was logged) and changed only through the services: cancel,
    evaluate, comments, and finishing a postponed one. Its values (`InteractionValues`,
    `InteractionOutcome`) are the fields a segment line holds, so logging a line copies them
    column by column.

    * `entry_no`: the highest + 1, assigned when the entry is created (never reused while the
      entry exists; a postponed entry keeps its number when it is finished).
    * `postponed`: a draft saved to finish later (only the contact is required); never in the
      log list or any statistic. `canceled`: soft-deleted; counted nowhere either.
    * `contact` / `contact_company`: the contact and its company at logging time (a company's
      company is itself; blank for a person without one). Relations, not copied numbers: a
      contact's number never changes, and the log shows its current name. Deleting a contact
      through `contacts.services.contact_delete` rewrites them as NAV does (a person's entries
      move to its company: `services.interactions_detach_contact`); any other deletion leaves
      the entries without contact (SET NULL) rather than being refused by the log.
    * `logged_segment_entry_no`: the logged segment the entry was logged with (the segments
      issue turns it into a relation); `segment_no` is text: the segment no longer exists.
    """

    entry_no = models.PositiveIntegerField(_("entry no."), unique=True)
    contact = _indexed_relation(
        "contacts.Contact",
        _("contact"),
        related_name="interaction_log_entries",
        on_delete=models.SET_NULL,
    )
    contact_company = _indexed_relation(
        "contacts.Contact",
        _("contact company"),
        related_name="company_interaction_log_entries",
        on_delete=models.SET_NULL,
    )
    template = _indexed_relation(
        InteractionTemplate, _("interaction template"), related_name="log_entries"
    )
    group = _indexed_relation(InteractionGroup, _("interaction group"), related_name="log_entries")
    salesperson = _indexed_relation(
        "contacts.Salesperson", _("salesperson"), related_name="interaction_log_entries"
    )
    campaign = _indexed_relation(
        "campaigns.Campaign", _("campaign"), related_name="interaction_log_entries"
    )
    campaign_entry = models.ForeignKey(
        "campaigns.CampaignEntry",
        verbose_name=_("campaign entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interaction_log_entries",
    )
    segment_no = models.CharField(_("segment no."), max_length=NO_LENGTH, blank=True)
    logged_segment_entry_no = models.PositiveIntegerField(
        _("logged segment entry no."), null=True, blank=True
    )
    attachment = models.ForeignKey(
        "attachments.Attachment",
        verbose_name=_("attachment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interaction_log_entries",
    )
    canceled = models.BooleanField(_("canceled"), default=False)
    postponed = models.BooleanField(_("postponed"), default=False)
    delivery_status = models.CharField(
        _("delivery status"),
        max_length=OPTION_LENGTH,
        choices=DeliveryStatus.choices,
        blank=True,
        default=DeliveryStatus.BLANK,
    )
    delivery_error = models.TextField(
        _("delivery error"),
        blank=True,
        help_text=_("Why the delivery failed (the mail server's answer, or another reason)."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    modified_at = models.DateTimeField(_("last modified at"), default=timezone.now)

    class Meta:
        ordering = ["-entry_no"]
        verbose_name = _("interaction log entry")
        verbose_name_plural = _("interaction log entries")
        # The reference's secondary keys (1.7) that the statistics filter on: equality columns
        # first, the date range last.
        indexes = [
            *(
                models.Index(
                    fields=[column, "canceled", "postponed", "date"],
                    name=f"interactions_log_{suffix}",
                )
                for column, suffix in [
                    ("contact_company", "company"),
                    ("contact", "contact"),
                    ("group", "group"),
                    ("template", "template"),
                    ("salesperson", "salesperson"),
                    ("campaign", "campaign"),
                ]
            ),
            models.Index(
                fields=["logged_segment_entry_no", "postponed"],
                name="interactions_log_segment",
            ),
            models.Index(fields=["postponed", "date"], name="interactions_log_postponed"),
            # A contact's pages read one page in the order of these (issue 11): the card's
            # timeline (`selectors.contact_timeline`: newest date, time, entry no. first) and
            # the log filtered on a company or a contact (newest entry no. first). Scanned
            # backwards, so neither sorts the contact's entries.
            *(
                models.Index(fields=[column, "postponed", *order], name=f"interactions_{name}")
                for column, order, name in [
                    ("contact_company", ["date", "time", "entry_no"], "timeline_company"),
                    ("contact", ["date", "time", "entry_no"], "timeline_contact"),
                    ("contact_company", ["entry_no"], "entries_company"),
                    ("contact", ["entry_no"], "entries_contact"),
                ]
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cost__gte=0), name="interactions_log_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(duration__gte=0),
                name="interactions_log_duration_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(canceled=True, postponed=True),
                name="interactions_log_postponed_not_canceled",
            ),
            # A logged (not postponed) interaction always has its template, salesperson and
            # date (reference 2.1.5); only a draft may lack them.
            models.CheckConstraint(
                condition=models.Q(postponed=True)
                | models.Q(
                    template__isnull=False,
                    group__isnull=False,
                    salesperson__isnull=False,
                    date__isnull=False,
                ),
                name="interactions_log_logged_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_no} – {self.description}" if self.description else str(self.entry_no)

    @property
    def successful(self) -> bool:
        """The wizard's "Was Successful": the opposite of `attempt_failed`."""
        return not self.attempt_failed


class InteractionLogEntryComment(models.Model):
    """A comment line of a log entry (NAV's Inter. Log Entry Comment Line, table 5123)."""

    entry = models.ForeignKey(
        InteractionLogEntry,
        verbose_name=_("interaction log entry"),
        # The services delete an entry's comments with it (`services._delete_entries`), so
        # that deleting many canceled entries is two set-based DELETE statements; the foreign
        # key in the database still refuses an entry deleted any other way.
        on_delete=models.DO_NOTHING,
        related_name="comments",
    )
    line_no = models.PositiveIntegerField(_("line no."))
    date = models.DateField(_("date"))
    comment = models.CharField(_("comment"), max_length=COMMENT_LENGTH)

    class Meta:
        ordering = ["entry", "line_no"]
        verbose_name = _("interaction comment")
        verbose_name_plural = _("interaction comments")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "line_no"], name="interactions_comment_unique_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.line_no}: {self.comment}"


class InteractionTotal(models.Model):
    """Per-day totals of the counted interactions (not canceled, not postponed) of one
    contact, company (with its persons), salesperson, template, group or campaign: NAV's SIFT
    (reference 2.8). The statistics read these rows, so their time grows with the number of
    days a subject has interactions on, never with the number of interactions.

    Maintained by `services.totals` in the transaction of every operation that changes what is
    counted (log, resume, cancel, un-cancel, a logged segment or campaign entry canceled or
    un-canceled, a contact deleted). `bulk` keeps the rows of set-based operations apart from
    those of single ones, so that a single interaction never waits for a segment being logged
    (each only locks its own rows); a figure is the sum over both, and a row may hold a
    negative delta."""

    dimension = models.CharField(_("dimension"), max_length=15)
    """`contact`, `contact_company`, `salesperson`, `template`, `group` or `campaign`: the log
    entry's column (without `_id`) that `key_id` is a value of."""
    key_id = models.BigIntegerField(_("key"))
    date = models.DateField(_("date"))
    bulk = models.BooleanField(_("bulk"), default=False)
    no_of_interactions = models.BigIntegerField(_("no. of interactions"), default=0)
    no_of_successful = models.BigIntegerField(_("no. of successful interactions"), default=0)
    no_of_initiated_by_us = models.BigIntegerField(_("no. initiated by us"), default=0)
    cost_cents = models.BigIntegerField(_("cost (cents)"), default=0)
    duration = models.BigIntegerField(_("duration (min.)"), default=0)

    class Meta:
        verbose_name = _("interaction total")
        verbose_name_plural = _("interaction totals")
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "key_id", "date", "bulk"], name="interactions_total_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension} {self.key_id} {self.date}: {self.no_of_interactions}"
