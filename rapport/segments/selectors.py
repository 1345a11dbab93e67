"""Reads of segments shared by the UI, API and CLI."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
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
    """Active segments with their no. of lines and cost/duration totals: the header's columns,
    kept by every operation that changes lines (`services/totals.py`), so reading a segment
    never sums its lines."""
    return Segment.objects.select_related("salesperson", "campaign", "template").order_by("no")


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


# What a line row of the segment card shows (views/line_rows.py); read as values: building six
# model instances per line was most of a page of rows' time (issue 11, H9).
LINE_ROW_FIELDS = (
    "line_no",
    "template_id",
    "description",
    "correspondence_type",
    "cost",
    "duration",
    "contact_id",
    "contact__no",
    "contact__name",
    "contact_company__name",
    "template__code",
    "salesperson__code",
    "language__code",
)


def segment_line_rows(segment: Segment) -> QuerySet[SegmentLine, dict[str, Any]]:
    """The lines as the segment card's rows show them, one dict per line (`LINE_ROW_FIELDS`),
    in line order; one query (outer joins for the related codes and names)."""
    return segment.lines.order_by("line_no").values(*LINE_ROW_FIELDS)


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
