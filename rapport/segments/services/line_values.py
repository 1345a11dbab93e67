"""The values of a segment's lines, in SQL (reference 2.3.3, 2.3.4): one statement
for any number of lines, never one ORM object per line (ARCHITECTURE.md, performance rules).

* `contact_line_values(segment)`: for each contact, the values a new line for it takes —
  the header's interaction fields, plus what depends on the contact (company, salesperson,
  language, correspondence type), as expressions over `contacts_contact` rows.
* `insert_lines(segment, contacts, action_no=...)`: INSERT … SELECT of one line per contact,
  numbered after the highest line no. in steps of 10,000, in NAV's order (company name, company
  no., type, name), with their Segment History insertion rows.
* `refill_lines(segment, lines)`: recompute the contact-dependent values of existing lines
  (after the header's template changed and the user applied it to the lines).
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models
from django.db.models import (
    Case,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, RowNumber

from rapport.contacts.models import Contact, ContactType
from rapport.segments.choices import HistoryAction
from rapport.segments.models import LINE_NO_STEP, Segment, SegmentHistory, SegmentLine
from rapport.segments.services.language_rows import (
    language_ids_with_rows,
    lines_subject_from_rows,
)
from rapport.segments.services.totals import totals_add_lines

# The header fields a new line copies as they are (reference 2.3.3).
COPIED_FROM_HEADER = (
    "description",
    "campaign_id",
    "template_id",
    "group_id",
    "subject",
    "cost",
    "duration",
    "date",
    "information_flow",
    "initiated_by",
    "campaign_target",
    "campaign_response",
)


def _template_language_ids(segment: Segment) -> list[int]:
    """The languages the header has a row for (reference 2.3.4; a segment without rows: its
    template's)."""
    rows = language_ids_with_rows(segment) if segment.pk is not None else []
    if rows or segment.template_id is None:
        return rows
    from rapport.interactions.models import InteractionTemplateLanguage

    return list(
        InteractionTemplateLanguage.objects.filter(template_id=segment.template_id).values_list(
            "language_id", flat=True
        )
    )


def correspondence_type_expression(segment: Segment, previous: Any = None) -> Any:
    """Reference 2.1.4 for a segment line, over a contact row: (1) the header's default when the
    header ignores the contact's type and has one; (2) the template's default when the template
    ignores the contact's type, or the contact has none and the template has one; (3) the
    contact's type; (4) `previous` (default: the header's default)."""
    template = segment.template
    header_default = segment.correspondence_type or ""
    whens = []
    if segment.ignore_contact_corres_type and header_default:
        return Value(header_default)
    if template is not None:
        template_default = template.correspondence_type_default or ""
        if template.ignore_contact_corres_type:
            return Value(template_default)
        if template_default:
            whens.append(When(correspondence_type="", then=Value(template_default)))
    return Case(
        *whens,
        When(~Q(correspondence_type=""), then=F("correspondence_type")),
        default=previous if previous is not None else Value(header_default),
        output_field=models.CharField(),
    )


def language_expression(segment: Segment) -> Any:
    """Reference 2.3.4 for a line on the header's template: the contact's language when the
    template has a language row for it, else the header's default language."""
    ids = _template_language_ids(segment)
    default = Cast(Value(segment.language_id), output_field=models.BigIntegerField())
    if not ids:
        return default
    return Case(
        When(language_id__in=ids, then=F("language_id")),
        default=default,
        output_field=IntegerField(),
    )


def contact_line_values(segment: Segment) -> dict[str, Any]:
    """The column values of a new line for each contact row (reference 2.3.3, 2.3.4)."""
    values: dict[str, Any] = {}
    for name in COPIED_FROM_HEADER:
        value = getattr(segment, name)
        field = SegmentLine._meta.get_field(name.removesuffix("_id"))
        assert isinstance(field, models.Field)
        # Cast: PostgreSQL types a bare NULL or literal in a sub-select as text.
        values[name] = Cast(Value(value), output_field=_output_field(field))
    values["contact_company_id"] = Case(
        When(type=ContactType.COMPANY, then=F("id")),
        default=F("company_id"),
        output_field=IntegerField(),
    )
    if segment.salesperson_id is not None:
        values["salesperson_id"] = Cast(
            Value(segment.salesperson_id), output_field=models.BigIntegerField()
        )
    else:
        values["salesperson_id"] = F("salesperson_id")
    values["language_id"] = language_expression(segment)
    values["correspondence_type"] = correspondence_type_expression(segment)
    return values


def _output_field(field: models.Field) -> models.Field:
    if isinstance(field, models.ForeignKey):
        return models.BigIntegerField()
    return field.__class__(**_field_kwargs(field))


def _field_kwargs(field: models.Field) -> dict[str, Any]:
    if isinstance(field, models.DecimalField):
        return {"max_digits": field.max_digits, "decimal_places": field.decimal_places}
    if isinstance(field, models.CharField):
        return {"max_length": field.max_length}
    return {}


def _highest_line_no(segment: Segment) -> int:
    highest = segment.lines.aggregate(highest=models.Max("line_no"))["highest"]
    return int(highest or 0)


def insert_lines(
    segment: Segment,
    contacts: QuerySet[Contact],
    *,
    action_no: int,
    overrides: dict[str, Any] | None = None,
    ordering: list[Any] | None = None,
) -> int:
    """Append one line per row of `contacts` (in NAV's order: company name, company no.,
    type, name — or `ordering`) with the values of `contact_line_values` (with `overrides`:
    column → expression over the rows), numbered after the highest line no. in steps of
    10,000, and record a Segment History insertion row for each under `action_no`. One
    INSERT … SELECT for the lines and one for the history. Returns the number inserted."""
    start = _highest_line_no(segment)
    values = {**contact_line_values(segment), **(overrides or {})}
    ordering = ordering or [
        Coalesce(F("company__name"), F("name")).asc(),
        Coalesce(F("company__no"), F("no")).asc(),
        Case(When(type=ContactType.COMPANY, then=Value(0)), default=Value(1)).asc(),
        F("name").asc(),
        F("no").asc(),
    ]
    selected = (
        contacts.order_by()
        .annotate(
            _line_no=Window(RowNumber(), order_by=ordering) * Value(LINE_NO_STEP) + Value(start),
            **{f"_v_{name}": expression for name, expression in values.items()},
        )
        .values("_line_no", "id", *(f"_v_{name}" for name in values))
    )
    sql, params = selected.query.sql_with_params()
    line_table = SegmentLine._meta.db_table
    columns = ["line_no", "contact_id", *values, "segment_id", "action_no", "evaluation"]
    columns += ["attempt_failed"]
    picked = ", ".join(
        f"selected.{connection.ops.quote_name(alias)}"
        for alias in ("_line_no", "id", *(f"_v_{name}" for name in values))
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {line_table} ({', '.join(columns)}) "  # noqa: S608 - names are ours
            f"SELECT {picked}, %s, %s, '', %s FROM ({sql}) AS selected",
            [segment.pk, action_no, False, *params],
        )
        inserted = cursor.rowcount
    new_lines = SegmentLine.objects.filter(segment=segment, action_no=action_no, line_no__gt=start)
    totals_add_lines(segment, new_lines)  # the header's totals: the rows just inserted
    if "subject" not in (overrides or {}) and language_ids_with_rows(segment):
        lines_subject_from_rows(segment, new_lines)  # reference 2.3.4: the row's subject
    record_history(segment, new_lines, action_no=action_no, action=HistoryAction.INSERTION)
    return int(inserted)


# The interaction values of a header, a line and a history row, as columns (reference 1.8).
INTERACTION_COLUMNS = (
    "description",
    "campaign_id",
    "salesperson_id",
    "template_id",
    "group_id",
    "language_id",
    "subject",
    "correspondence_type",
    "cost",
    "duration",
    "date",
    "information_flow",
    "initiated_by",
    "campaign_target",
    "campaign_response",
)
# What a history row keeps of a line: all of it.
HISTORY_COPIED = (
    *INTERACTION_COLUMNS,
    "line_no",
    "contact_id",
    "contact_company_id",
    "evaluation",
    "attempt_failed",
    "time",
    "attachment_id",
)


def record_history(
    segment: Segment, lines: QuerySet[SegmentLine], *, action_no: int, action: str
) -> int:
    """Segment History rows for `lines` under `action_no`: insertions, or deletions (which keep
    the whole line, so Go back can restore it exactly). One INSERT … SELECT."""
    selected = lines.order_by().values(*HISTORY_COPIED, "action_no")
    sql, params = selected.query.sql_with_params()
    table = SegmentHistory._meta.db_table
    columns = [*HISTORY_COPIED, "line_action_no", "segment_id", "action_no", "action_taken"]
    picked = ", ".join(
        f"selected.{connection.ops.quote_name(name)}" for name in (*HISTORY_COPIED, "action_no")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - names are ours
            f"SELECT {picked}, %s, %s, %s FROM ({sql}) AS selected",
            [segment.pk, action_no, action, *params],
        )
        return int(cursor.rowcount)


def refill_lines(segment: Segment, lines: QuerySet[SegmentLine]) -> int:
    """Recompute the contact-dependent values (language, correspondence type) of `lines` for
    the header's template, in one UPDATE with correlated subqueries."""
    contact = Contact.objects.filter(pk=OuterRef("contact_id"))
    language = contact.annotate(_v=language_expression(segment)).values("_v")[:1]
    corres = contact.annotate(_v=correspondence_type_expression(segment)).values("_v")[:1]
    return lines.update(
        language_id=Subquery(language, output_field=IntegerField()),
        correspondence_type=Coalesce(Subquery(corres, output_field=models.CharField()), Value("")),
    )
