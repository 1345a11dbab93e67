"""Option values of segments (reference 1.11, 2.4, 2.5). Stored values are the API's words."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CriteriaAction(models.TextChoices):
    """What one criteria action did to the segment's lines (reference 1.11, 2.4)."""

    ADD = "add", _("Add contacts")
    REDUCE = "reduce", _("Reduce contacts")
    REFINE = "refine", _("Refine contacts")
    ADD_LINE = "add_line", _("Add a line")
    REMOVE_LINE = "remove_line", _("Remove a line")
    REUSE_LOGGED_SEGMENT = "reuse_logged_segment", _("Reuse logged segment")


class HistoryAction(models.TextChoices):
    """Segment History's Action Taken: a line inserted or removed by a criteria action."""

    INSERTION = "insertion", _("Insertion")
    DELETION = "deletion", _("Deletion")


class FollowUpOutcome(models.TextChoices):
    """Which contacts a follow-up segment gets (beyond NAV, which always takes all)."""

    ALL = "all", _("All contacts")
    FAILED = "failed", _("Only failed attempts")
    EVALUATION = "evaluation", _("Only a chosen evaluation or worse")
