"""Segments (reference 1.8–1.12): a segment header with the interaction to record, its lines
(one per contact, each with its own copy of the interaction fields so it can be personalised),
the criteria actions that built it with their history, saved criteria, and logged segments.

* A line's values start as the header's (reference 2.3.3) and follow header changes only while
  the line uses the header's template (2.3.2); a line with its own template is left alone.
* Every change to the set of lines is a criteria action (`SegmentCriteriaAction`, numbered 1, 2,
  … per segment). Its history rows say which lines it inserted and which it removed; a removed
  line is kept whole in its history row, so Go back restores it exactly (unlike NAV, which
  re-initialises it from the header).
* Logging a segment turns every line with a contact into an interaction log entry, registers a
  `LoggedSegment` and deletes the segment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rapport.interactions.models import (
    CODE_LENGTH,
    COST_PLACES,
    DESCRIPTION_LENGTH,
    NO_LENGTH,
    InteractionOutcome,
    InteractionValues,
)

LINE_NO_STEP = 10000
"""New lines are numbered in steps of 10,000 after the highest line no. (NAV's AutoSplitKey)."""

TOTAL_DIGITS = 20
"""Digits of a segment's cost and duration totals (a line's have 18: room for 100 times the
largest line)."""


def created_by_field() -> models.ForeignKey:
    """Who created a segment or ran a criteria action (kept when the user is deleted: blank)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


class InteractionFields(InteractionValues):
    """The interaction fields a segment header, its lines and their history share (reference
    1.8, 1.9): the interaction's values (`InteractionValues`, as on the log entry) and the
    relations to the template, group, campaign and salesperson, without reverse names."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
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
    template = models.ForeignKey(
        "interactions.InteractionTemplate",
        verbose_name=_("interaction template"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    group = models.ForeignKey(
        "interactions.InteractionGroup",
        verbose_name=_("interaction group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class Segment(InteractionFields):
    """A segment header (reference 1.8): a target list and the interaction to record with each
    of its contacts. `cost`/`duration` are the header's Unit Cost and Unit Duration; `language`
    and `subject` its defaults; `correspondence_type` its default."""

    no = models.CharField(_("no."), max_length=NO_LENGTH, unique=True)
    no_series = models.CharField(
        _("no. series"), max_length=CODE_LENGTH * 2, blank=True, editable=False
    )
    ignore_contact_corres_type = models.BooleanField(
        _("ignore contact corres. type"), default=False
    )
    no_of_criteria_actions = models.PositiveIntegerField(
        _("no. of criteria actions"), default=0, editable=False
    )
    # The lines' count and sums (NAV's FlowFields No. of Lines, Cost (LCY), Duration (Min.)),
    # kept up to date in the transaction of every operation that changes lines
    # (`services/totals.py`), so that no page sums the lines.
    no_of_lines = models.PositiveIntegerField(
        _("no. of lines"), default=0, db_default=0, editable=False
    )
    total_cost = models.DecimalField(
        _("total cost"),
        max_digits=TOTAL_DIGITS,
        decimal_places=COST_PLACES,
        default=0,
        db_default=0,
        editable=False,
    )
    total_duration = models.DecimalField(
        _("total duration (min.)"),
        max_digits=TOTAL_DIGITS,
        decimal_places=0,
        default=0,
        db_default=0,
        editable=False,
    )
    created_by = created_by_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["no"]
        indexes = [
            models.Index(fields=["salesperson"], name="segments_header_salesperson"),
            models.Index(fields=["campaign"], name="segments_header_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.no} – {self.description}" if self.description else self.no

    def get_absolute_url(self) -> str:
        return reverse("segments:segment-detail", kwargs={"no": self.no})


class SegmentLine(InteractionFields, InteractionOutcome):
    """One contact of a segment with its own interaction values (reference 1.9)."""

    segment = models.ForeignKey(
        Segment, verbose_name=_("segment"), on_delete=models.CASCADE, related_name="lines"
    )
    line_no = models.PositiveBigIntegerField(_("line no."))
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="segment_lines",
    )
    contact_company = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action_no = models.PositiveIntegerField(
        _("criteria action no."),
        default=0,
        help_text=_("The criteria action that inserted this line."),
    )
    attachment = models.ForeignKey(
        "attachments.Attachment",
        verbose_name=_("own attachment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="segment_lines",
        help_text=_("The line's own (unique) attachment; blank: the language row's."),
    )

    class Meta:
        verbose_name = _("segment line")
        verbose_name_plural = _("segment lines")
        ordering = ["segment", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["segment", "line_no"], name="segments_line_unique_no")
        ]
        indexes = [
            models.Index(fields=["segment", "contact"], name="segments_line_contact"),
            models.Index(fields=["segment", "template"], name="segments_line_template"),
            models.Index(fields=["contact"], name="segments_line_contact_only"),
        ]

    def __str__(self) -> str:
        return f"{self.segment_id}/{self.line_no}"


class CriteriaActionFields(models.Model):
    """What a criteria action is, on a segment or saved: the action, its filters
    (`{"section": {"field": "expression"}}`, API.md) and options, and for a reuse of a logged
    segment its entry no."""

    action_no = models.PositiveIntegerField(_("action no."))
    action = models.CharField(_("action"), max_length=30)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    allow_existing = models.BooleanField(_("allow existing contacts"), default=False)
    expand_companies = models.BooleanField(_("expand companies"), default=False)
    allow_related_companies = models.BooleanField(_("allow related companies"), default=False)
    ignore_exclusion = models.BooleanField(_("ignore exclusion"), default=False)
    entire_companies = models.BooleanField(_("entire companies"), default=False)
    logged_segment_entry_no = models.PositiveIntegerField(
        _("logged segment entry no."), null=True, blank=True
    )

    class Meta:
        abstract = True


class SegmentLanguage(models.Model):
    """Segment Interaction Language (reference 1.10), header level: the description, subject
    and attachment the lines in this language inherit (a line with its own attachment keeps
    it). Copied from the template's language rows when the header's template is set; the
    attachment is the template's own (shared) until the segment is logged."""

    segment = models.ForeignKey(
        Segment, verbose_name=_("segment"), on_delete=models.CASCADE, related_name="languages"
    )
    language = models.ForeignKey(
        "contacts.Language",
        verbose_name=_("language"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=DESCRIPTION_LENGTH, blank=True)
    subject = models.CharField(_("subject"), max_length=DESCRIPTION_LENGTH, blank=True)
    attachment = models.ForeignKey(
        "attachments.Attachment",
        verbose_name=_("attachment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="segment_languages",
    )

    class Meta:
        verbose_name = _("segment interaction language")
        verbose_name_plural = _("segment interaction languages")
        ordering = ["segment", "language__code"]
        constraints = [
            models.UniqueConstraint(fields=["segment", "language"], name="segments_language_unique")
        ]

    def __str__(self) -> str:
        return f"{self.segment_id} {self.language_id}"


class SegmentCriteriaAction(CriteriaActionFields):
    """One criteria action on a segment (reference 1.11): what was done, with which filters
    (`{"section": {"field": "expression"}}`, API.md) and options, and its counts."""

    segment = models.ForeignKey(
        Segment,
        verbose_name=_("segment"),
        on_delete=models.CASCADE,
        related_name="criteria_actions",
    )
    no_of_lines_inserted = models.PositiveIntegerField(_("lines inserted"), default=0)
    no_of_lines_removed = models.PositiveIntegerField(_("lines removed"), default=0)
    created_by = created_by_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("segment criteria action")
        verbose_name_plural = _("segment criteria actions")
        ordering = ["segment", "action_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "action_no"], name="segments_criteria_unique_no"
            )
        ]

    def __str__(self) -> str:
        return f"{self.segment_id}/{self.action_no} {self.action}"


class SegmentHistory(InteractionFields, InteractionOutcome):
    """Segment History (reference 1.11): a line a criteria action inserted or removed. A
    removed line is stored whole (its interaction values, contact, line no.), so that going
    back restores it exactly."""

    segment = models.ForeignKey(
        Segment, verbose_name=_("segment"), on_delete=models.CASCADE, related_name="history"
    )
    action_no = models.PositiveIntegerField(_("action no."))
    action_taken = models.CharField(_("action taken"), max_length=20)
    line_no = models.PositiveBigIntegerField(_("line no."))
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contact_company = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    line_action_no = models.PositiveIntegerField(_("line's criteria action no."), default=0)
    attachment = models.ForeignKey(
        "attachments.Attachment",
        verbose_name=_("own attachment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="segment_history",
        help_text=_("The line's own (unique) attachment; blank: the language row's."),
    )

    class Meta:
        verbose_name = _("segment history")
        verbose_name_plural = _("segment history")
        ordering = ["segment", "action_no", "line_no"]
        indexes = [models.Index(fields=["segment", "action_no"], name="segments_history_action")]

    def __str__(self) -> str:
        return f"{self.segment_id}/{self.action_no} {self.action_taken} {self.line_no}"


class SavedSegmentCriteria(models.Model):
    """Saved segment criteria (reference 1.11): a segment's criteria actions under a code, to
    replay on another segment."""

    code = models.CharField(_("code"), max_length=CODE_LENGTH, unique=True)
    description = models.CharField(_("description"), max_length=DESCRIPTION_LENGTH, blank=True)

    class Meta:
        verbose_name = _("saved segment criteria")
        verbose_name_plural = _("saved segment criteria")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.description}" if self.description else self.code


class SavedSegmentCriteriaAction(CriteriaActionFields):
    """One saved criteria action: as `SegmentCriteriaAction`, without its counts."""

    criteria = models.ForeignKey(
        SavedSegmentCriteria,
        verbose_name=_("saved segment criteria"),
        on_delete=models.CASCADE,
        related_name="actions",
    )

    class Meta:
        verbose_name = _("saved segment criteria action")
        verbose_name_plural = _("saved segment criteria actions")
        ordering = ["criteria", "action_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria", "action_no"], name="segments_saved_action_unique_no"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criteria_id}/{self.action_no} {self.action}"


class LoggedSegment(models.Model):
    """Logged Segment (reference 1.12): the register of a logged segment. Its interactions
    point to it by `logged_segment_entry_no`; its campaign entries by `register_no`."""

    entry_no = models.PositiveIntegerField(_("entry no."), unique=True)
    segment_no = models.CharField(_("segment no."), max_length=NO_LENGTH)
    description = models.CharField(_("description"), max_length=DESCRIPTION_LENGTH, blank=True)
    creation_date = models.DateField(_("creation date"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    canceled = models.BooleanField(_("canceled"), default=False)
    follow_up_segment_no = models.CharField(
        _("follow-up segment no."), max_length=NO_LENGTH, blank=True
    )

    class Meta:
        verbose_name = _("logged segment")
        verbose_name_plural = _("logged segments")
        ordering = ["-entry_no"]
        indexes = [models.Index(fields=["segment_no"], name="segments_logged_segment_no")]

    def __str__(self) -> str:
        return f"{self.entry_no} – {self.segment_no}"

    def get_absolute_url(self) -> str:
        return reverse("segments:logged-segment-detail", kwargs={"entry_no": self.entry_no})
