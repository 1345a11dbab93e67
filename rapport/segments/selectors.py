"""Reads of segments shared by the UI, API and CLI."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from rapport.core.errors import NotFoundError
from rapport.segments.models import (
    LoggedSegment,
    SavedSegmentCriteria,
    Segment,
    SegmentCriteriaAction,
    SegmentLanguage,
    SegmentLine,
)


def segment_list() -> QuerySet[Segment]:
    """Active segments with their no. of lines and cost/duration totals (two aggregates in the
    same query)."""
    return (
        Segment.objects.select_related("salesperson", "campaign", "template")
        .annotate(
            no_of_lines=Count("lines"),
            # 0, not null, for a segment without lines.
            total_cost=Coalesce(
                Sum("lines__cost"), Value(Decimal(0)), output_field=DecimalField(decimal_places=2)
            ),
            total_duration=Coalesce(
                Sum("lines__duration"),
                Value(Decimal(0)),
                output_field=DecimalField(decimal_places=0),
            ),
        )
        .order_by("no")
    )


def segment_get(no: str) -> Segment:
    found = segment_list().filter(no=str(no or "").strip().upper()[:20]).first()
    if found is None:
        raise NotFoundError(_("There is no segment %(no)s.") % {"no": str(no)[:20]})
    return found


def segment_lines(segment: Segment) -> QuerySet[SegmentLine]:
    return segment.lines.select_related(
        "contact",
        "contact_company",
        "salesperson",
        "template",
        "language",
        "campaign",
        "attachment",
        "segment",
    ).order_by("line_no")


def segment_line_get(segment: Segment, line_no: int | str) -> SegmentLine:
    try:
        number = int(line_no)
    except (TypeError, ValueError):
        number = -1
    found = segment_lines(segment).filter(line_no=number).first()
    if found is None:
        raise NotFoundError(
            _("Segment %(no)s has no line %(line)s.") % {"no": segment.no, "line": line_no}
        )
    return found


def segment_languages(segment: Segment) -> QuerySet[SegmentLanguage]:
    """The header's interaction languages (reference 1.10), by language code."""
    return (
        SegmentLanguage.objects.filter(segment=segment)
        .select_related("language", "attachment", "segment")
        .order_by("language__code")
    )


def segment_language_get(segment: Segment, language_code: str) -> SegmentLanguage:
    code = str(language_code or "").strip().upper()[:10]
    found = segment_languages(segment).filter(language__code=code).first()
    if found is None:
        raise NotFoundError(
            _("Segment %(no)s has no interaction language %(language)s.")
            % {"no": segment.no, "language": code}
        )
    return found


def segment_criteria_actions(segment: Segment) -> QuerySet[SegmentCriteriaAction]:
    return segment.criteria_actions.order_by("action_no")


def saved_criteria_list() -> QuerySet[SavedSegmentCriteria]:
    return SavedSegmentCriteria.objects.annotate(no_of_actions=Count("actions")).order_by("code")


def logged_segment_list() -> QuerySet[LoggedSegment]:
    return LoggedSegment.objects.select_related("user").order_by("-entry_no")


def logged_segment_get(entry_no: int | str) -> LoggedSegment:
    try:
        number = int(entry_no)
    except (TypeError, ValueError):
        number = -1
    found = logged_segment_list().filter(entry_no=number).first()
    if found is None:
        raise NotFoundError(_("There is no logged segment %(no)s.") % {"no": entry_no})
    return found
