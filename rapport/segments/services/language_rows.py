"""A segment's interaction languages underneath the operations (reference 1.10, 2.3.4): the
header's language rows copied from the template, the subject a line takes from its language
row, and which attachment a line uses.

* `template_languages_copy(segment)`: the header's rows again from its template's rows
  (description; subject = the row's description, else the template's; the attachment the
  template's own, shared until the segment is logged).
* `lines_subject_from_rows(segment, lines)`: one UPDATE giving `lines` the subject of their
  language's row.
* `resolved_attachment_ids(lines)` (set-based) and `line_attachment_resolved(line)` (one line,
  for its card): the line's own attachment; else the row of the line's language when the header
  has one, else the row of the header's default language (a line on another template: that
  template's row); else none.
* `attachment_copy`/`attachment_release`: the attachments app's reference-counted operations.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from rapport.attachments import services as attachment_services
from rapport.attachments.models import Attachment
from rapport.interactions.models import InteractionTemplateLanguage
from rapport.segments.models import Segment, SegmentHistory, SegmentLanguage, SegmentLine

# Where a line's attachment comes from (`line_attachment_resolved`).
OWN = "own"
LANGUAGE_ROW = "language"
DEFAULT_ROW = "default"
TEMPLATE_ROW = "template"


def attachment_copy(attachment: Attachment) -> Attachment:
    """A read-only copy of `attachment` sharing its stored file (what a logged entry refers
    to), under the next attachment no. (`reserve_numbers`: no lock held by the log)."""
    return attachment_services.attachment_copy(attachment, read_only=True)


def attachment_release(attachment_id: int | None) -> bool:
    """Delete the attachment when nothing refers to it any more (True when deleted)."""
    attachment = (
        Attachment.objects.filter(pk=attachment_id).first() if attachment_id is not None else None
    )
    return attachment is not None and attachment_services.attachment_release(attachment)


def release_all(attachment_ids: set[int]) -> None:
    for attachment_id in sorted(attachment_ids):
        attachment_release(attachment_id)


def segment_attachment_ids(segment: Segment) -> set[int]:
    """Every attachment the segment's rows refer to (its language rows, its lines' own, its
    history rows'): what to release when the segment goes."""
    found: set[int] = set()
    for model in (SegmentLanguage, SegmentLine, SegmentHistory):
        found.update(
            model.objects.filter(segment=segment, attachment__isnull=False)  # type: ignore[attr-defined]
            .values_list("attachment_id", flat=True)
            .distinct()
        )
    return found


def template_languages_copy(segment: Segment) -> None:
    """The header's language rows again from its template's (none without a template);
    the attachments they referred to are released when nothing else uses them."""
    old = set(
        SegmentLanguage.objects.filter(segment=segment, attachment__isnull=False).values_list(
            "attachment_id", flat=True
        )
    )
    SegmentLanguage.objects.filter(segment=segment).delete()
    template = segment.template
    if template is not None:
        SegmentLanguage.objects.bulk_create(
            SegmentLanguage(
                segment=segment,
                language_id=row.language_id,
                description=row.description,
                subject=row.description or template.description,
                attachment_id=row.attachment_id,
            )
            for row in template.languages.all()
        )
    release_all(old)


def default_row_subject(segment: Segment) -> str | None:
    """The subject of the header's default language row (None without one)."""
    if segment.language_id is None:
        return None
    return (
        SegmentLanguage.objects.filter(segment=segment, language_id=segment.language_id)
        .values_list("subject", flat=True)
        .first()
    )


def lines_subject_from_rows(segment: Segment, lines: QuerySet[SegmentLine]) -> int:
    """Give `lines` the subject of their language's row (a line whose language has no row
    keeps its subject). One UPDATE."""
    row_subject = SegmentLanguage.objects.filter(
        segment=segment, language_id=OuterRef("language_id")
    ).values("subject")[:1]
    return lines.update(subject=Coalesce(Subquery(row_subject), "subject"))


def resolved_attachment_ids(segment: Segment, lines: QuerySet[SegmentLine]) -> dict[int, int]:
    """{line id: attachment id} for `lines` that have an attachment (`line_attachment_resolved`
    for many lines; the log does the same in SQL). Three queries."""
    rows = dict(
        SegmentLanguage.objects.filter(segment=segment).values_list("language_id", "attachment_id")
    )
    template_rows = {
        (template_id, language_id): attachment_id
        for template_id, language_id, attachment_id in InteractionTemplateLanguage.objects.filter(
            template_id__in=lines.exclude(template_id=segment.template_id).values("template_id")
        ).values_list("template_id", "language_id", "attachment_id")
    }
    found: dict[int, int] = {}
    for pk, own, template_id, language_id in lines.values_list(
        "pk", "attachment_id", "template_id", "language_id"
    ):
        attachment_id = own
        if attachment_id is None and template_id != segment.template_id:
            attachment_id = template_rows.get((template_id, language_id))
        elif attachment_id is None:
            language = language_id if language_id in rows else segment.language_id
            attachment_id = rows.get(language)
        if attachment_id:
            found[pk] = attachment_id
    return found


@dataclass(frozen=True)
class ResolvedAttachment:
    """The attachment a line uses and where it comes from (`OWN`, `LANGUAGE_ROW`,
    `DEFAULT_ROW`, `TEMPLATE_ROW`; None: the line has none)."""

    attachment: Attachment | None
    source: str | None
    language_code: str = ""


def line_attachment_resolved(line: SegmentLine) -> ResolvedAttachment:
    """Reference 2.3.4: the line's own attachment; else, on the header's template, the row of
    its language when the header has one (even without an attachment), else the row of the
    header's default language; a line on another template: that template's row of its
    language."""
    if line.attachment_id is not None:
        return ResolvedAttachment(line.attachment, OWN)
    segment = line.segment
    if line.template_id is not None and line.template_id != segment.template_id:
        found = (
            InteractionTemplateLanguage.objects.select_related("attachment", "language")
            .filter(template_id=line.template_id, language=line.language)
            .first()
        )
        if found is None or found.attachment is None:
            return ResolvedAttachment(None, None)
        return ResolvedAttachment(found.attachment, TEMPLATE_ROW, found.language.code)
    rows = SegmentLanguage.objects.select_related("attachment", "language").filter(segment=segment)
    row = rows.filter(language_id=line.language_id).first() if line.language_id else None
    source = LANGUAGE_ROW
    if row is None and segment.language_id is not None:
        row, source = rows.filter(language_id=segment.language_id).first(), DEFAULT_ROW
    if row is None or row.attachment is None:
        return ResolvedAttachment(None, None)
    return ResolvedAttachment(row.attachment, source, row.language.code)


def language_ids_with_rows(segment: Segment) -> list[int]:
    return list(
        SegmentLanguage.objects.filter(segment=segment).values_list("language_id", flat=True)
    )
