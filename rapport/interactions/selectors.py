"""Reads of interaction groups and templates shared by the UI, API and CLI, the defaults an
interaction copies from its template, and the interaction log: its lists, a contact's
timeline and the statistics (reference 2.8)."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import (
    Cast,
    ExtractYear,
    Floor,
    TruncMonth,
    TruncQuarter,
    TruncYear,
)
from django.utils.translation import gettext as _

from rapport.contacts.models import ContactType
from rapport.core.choices import CorrespondenceType
from rapport.core.dates import month_index, month_start
from rapport.core.errors import NotFoundError, ValidationFailed
from rapport.interactions.choices import InitiatedBy
from rapport.interactions.filtersets import MAX_ENTRY_NO, InteractionLogFilterSet
from rapport.interactions.models import (
    InteractionGroup,
    InteractionLogEntry,
    InteractionLogEntryComment,
    InteractionTemplate,
    InteractionTemplateLanguage,
)


def _key(value: str) -> str:
    return str(value or "").strip().upper()


def interaction_group_list() -> QuerySet[InteractionGroup]:
    """Groups by code, each with `no_of_templates`."""
    return InteractionGroup.objects.annotate(no_of_templates=Count("templates")).order_by("code")


def interaction_group_get(code: str) -> InteractionGroup:
    """The group with `code` (case-insensitive); NotFoundError if none."""
    try:
        return interaction_group_list().get(code=_key(code))
    except InteractionGroup.DoesNotExist:
        raise NotFoundError(
            _("There is no interaction group %(code)s.") % {"code": _key(code)}
        ) from None


def interaction_template_list() -> QuerySet[InteractionTemplate]:
    """Templates by code with their group, default language and campaign, and
    `default_attachment_no`: the attachment of the default language's row (NAV's Attachment
    No. FlowField)."""
    default_row = InteractionTemplateLanguage.objects.filter(
        template=OuterRef("pk"), language=OuterRef("language_default")
    )
    return (
        InteractionTemplate.objects.select_related("group", "language_default", "campaign")
        .annotate(default_attachment_no=Subquery(default_row.values("attachment__no")[:1]))
        .order_by("code")
    )


def interaction_template_get(code: str) -> InteractionTemplate:
    """The template with `code` (case-insensitive), its language rows prefetched; NotFoundError
    if none."""
    rows = InteractionTemplateLanguage.objects.select_related("language", "attachment").order_by(
        "language__code"
    )
    try:
        return (
            interaction_template_list()
            .prefetch_related(Prefetch("languages", queryset=rows))
            .get(code=_key(code))
        )
    except InteractionTemplate.DoesNotExist:
        raise NotFoundError(
            _("There is no interaction template %(code)s.") % {"code": _key(code)}
        ) from None


def interaction_template_language_list(
    template: InteractionTemplate,
) -> QuerySet[InteractionTemplateLanguage]:
    return (
        InteractionTemplateLanguage.objects.filter(template=template)
        .select_related("template", "language", "attachment")
        .order_by("language__code")
    )


def interaction_template_language_get(
    template: InteractionTemplate, language_code: str
) -> InteractionTemplateLanguage:
    """The template's row for `language_code` (case-insensitive); NotFoundError if none."""
    try:
        return interaction_template_language_list(template).get(language__code=_key(language_code))
    except InteractionTemplateLanguage.DoesNotExist:
        raise NotFoundError(
            _("Interaction template %(code)s has no language %(language)s.")
            % {"code": template.code, "language": _key(language_code)}
        ) from None


# ---------------------------------------------------------------------------------------------
# What an interaction copies from its template


@dataclass(frozen=True)
class TemplateDefaults:
    """The values an interaction (wizard or segment line) takes from its template (reference
    2.1.3 and 2.1.4). `description` is to be used only when the user has not typed one;
    `campaign` only when no campaign is imposed (e.g. by the campaign the user started from)."""

    template_code: str
    group_code: str
    description: str
    cost: decimal.Decimal
    duration: decimal.Decimal
    information_flow: str
    initiated_by: str
    campaign: Any  # a Campaign or None
    campaign_target: bool
    campaign_response: bool
    language_code: str
    attachment: Any  # an Attachment or None
    correspondence_type: str


def _contact_value(contact: Any, name: str) -> Any:
    if contact is None:
        return None
    if isinstance(contact, Mapping):
        return contact.get(name)
    return getattr(contact, name, None)


def _contact_language_code(contact: Any) -> str:
    """The contact's language code: `language_code`, or the code of its `language` (a record
    or a code)."""
    code = _contact_value(contact, "language_code")
    if not code:
        language = _contact_value(contact, "language")
        code = getattr(language, "code", language)
    return str(code or "").strip().upper()


def resolve_correspondence_type(
    *,
    template_default: str,
    ignore_contact_corres_type: bool,
    contact_type: str,
    previous: str = CorrespondenceType.BLANK,
) -> str:
    """Reference 2.1.4 (without the segment header's step): the template's default when the
    template ignores the contact's preference, or when the contact has none and the template
    has one; else the contact's preference when it has one; else the previous value."""
    if ignore_contact_corres_type or (not contact_type and template_default):
        return template_default
    if contact_type:
        return contact_type
    return previous


def template_defaults_for(
    template: InteractionTemplate,
    contact: Any = None,
    *,
    previous_correspondence_type: str = CorrespondenceType.BLANK,
) -> TemplateDefaults:
    """What choosing `template` copies into an interaction for `contact` (reference 2.1.3).

    `contact` is anything with `language_code` (or `language`) and `correspondence_type`, as
    attributes or mapping keys (a Contact, a dict); None for no contact.

    * Language: the contact's language when the template has a row for it, else the template's
      default language ("" when it has none); attachment: that row's attachment.
    * Group, description, cost := unit cost, duration := unit duration, information flow,
      initiated by, campaign, campaign target and response: the template's.
    * Correspondence type: `resolve_correspondence_type` (2.1.4), with
      `previous_correspondence_type` as the value to keep when nothing decides.

    Reads the template's language rows (use the prefetched ones of
    `interaction_template_get` to save the query); writes nothing."""
    prefetched = getattr(template, "_prefetched_objects_cache", {})
    if "languages" in prefetched:
        all_rows = list(template.languages.all())
    else:
        all_rows = list(template.languages.select_related("language", "attachment"))
    rows = {row.language.code: row for row in all_rows}
    contact_language = _contact_language_code(contact)
    if contact_language and contact_language in rows:
        language_code = contact_language
    else:
        default = template.language_default
        language_code = default.code if default is not None else ""
    row = rows.get(language_code)
    contact_type = str(_contact_value(contact, "correspondence_type") or "")
    return TemplateDefaults(
        template_code=template.code,
        group_code=template.group.code,
        description=template.description,
        cost=template.unit_cost,
        duration=template.unit_duration,
        information_flow=template.information_flow,
        initiated_by=template.initiated_by,
        campaign=template.campaign,
        campaign_target=template.campaign_target,
        campaign_response=template.campaign_response,
        language_code=language_code,
        attachment=row.attachment if row is not None else None,
        correspondence_type=resolve_correspondence_type(
            template_default=template.correspondence_type_default,
            ignore_contact_corres_type=template.ignore_contact_corres_type,
            contact_type=contact_type,
            previous=previous_correspondence_type,
        ),
    )


# ---------------------------------------------------------------------------------------------
# The interaction log

LOG_FILTERS = tuple(InteractionLogFilterSet.base_filters)
"""The filter names of the log's lists (the API's query parameters)."""


def filter_interactions(
    queryset: QuerySet[InteractionLogEntry],
    filters: Mapping[str, Any],
    *,
    allowed: Collection[str] = LOG_FILTERS,
) -> QuerySet[InteractionLogEntry]:
    """`queryset` narrowed by `filters` (the API's names: `contact_no`, `company_no`,
    `salesperson_code`, `template_code`, `group_code`, `campaign_no`, `date_from`, `date_to`,
    `canceled`, `entry_no`, ...; values as text or as dates, numbers and booleans). An unknown
    name or a bad value raises ValidationFailed naming it; None and "" filter nothing."""
    unknown = sorted(set(filters) - set(allowed))
    if unknown:
        names = ", ".join(sorted(allowed))
        raise ValidationFailed(
            {
                str(name): [_("Unknown filter. The filters are: %(names)s.") % {"names": names}]
                for name in unknown
            }
        )
    data = {name: value for name, value in filters.items() if value is not None}
    filterset = InteractionLogFilterSet(data=data, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationFailed(
            {
                name: [str(message) for message in messages]
                for name, messages in filterset.errors.items()
            }
        )
    return filterset.qs


def _for_lists(queryset: QuerySet[InteractionLogEntry]) -> QuerySet[InteractionLogEntry]:
    """What a list row shows, in the same query: the contact, its company, template, group,
    salesperson, language, campaign and campaign entry; `attachment_no`, `user_name` and
    `has_comments` as annotations (the attachment's content and the user row stay unread)."""
    comments = InteractionLogEntryComment.objects.filter(entry=OuterRef("pk"))
    return queryset.select_related(
        "contact",
        "contact_company",
        "template",
        "group",
        "salesperson",
        "language",
        "campaign",
        "campaign_entry",
    ).annotate(
        attachment_no=F("attachment__no"),
        user_name=F("user__username"),
        has_comments=Exists(comments),
    )


def interaction_log(filters: Mapping[str, Any] | None = None) -> QuerySet[InteractionLogEntry]:
    """The interaction log (reference 2.7): logged entries, canceled ones included (filter
    `canceled`), never postponed ones; newest first; with what a list row shows (one query)."""
    base = InteractionLogEntry.objects.filter(postponed=False)
    allowed = [name for name in LOG_FILTERS if name != "postponed"]
    return _for_lists(filter_interactions(base, filters or {}, allowed=allowed)).order_by(
        "-entry_no"
    )


def postponed_interactions(
    filters: Mapping[str, Any] | None = None,
) -> QuerySet[InteractionLogEntry]:
    """The postponed interactions (reference 2.2), newest first, filtered like the log."""
    base = InteractionLogEntry.objects.filter(postponed=True)
    allowed = [name for name in LOG_FILTERS if name not in ("postponed", "canceled")]
    return _for_lists(filter_interactions(base, filters or {}, allowed=allowed)).order_by(
        "-entry_no"
    )


def interaction_list(filters: Mapping[str, Any] | None = None) -> QuerySet[InteractionLogEntry]:
    """Logged and postponed entries (filter `postponed` to choose), newest first."""
    return _for_lists(
        filter_interactions(InteractionLogEntry.objects.all(), filters or {})
    ).order_by("-entry_no")


def interaction_get(entry_no: Any) -> InteractionLogEntry:
    """The entry (logged or postponed) with `entry_no`; NotFoundError if none."""
    try:
        number = int(str(entry_no).strip())
    except ValueError:
        number = 0
    if 1 <= number <= MAX_ENTRY_NO:
        found = _for_lists(InteractionLogEntry.objects.filter(entry_no=number)).first()
        if found is not None:
            return found
    raise NotFoundError(_("There is no interaction %(no)s.") % {"no": str(entry_no)[:20]})


def interaction_comments(entry: InteractionLogEntry) -> QuerySet[InteractionLogEntryComment]:
    return InteractionLogEntryComment.objects.filter(entry=entry).order_by("line_no")


def interaction_comment_get(entry: InteractionLogEntry, line_no: Any) -> InteractionLogEntryComment:
    """The entry's comment line `line_no`; NotFoundError if none."""
    try:
        number = int(str(line_no).strip())
    except ValueError:
        number = 0
    found = (
        interaction_comments(entry).filter(line_no=number).select_related("entry").first()
        if 1 <= number <= MAX_ENTRY_NO
        else None
    )
    if found is None:
        raise NotFoundError(
            _("Interaction %(no)s has no comment line %(line)s.")
            % {"no": entry.entry_no, "line": str(line_no)[:20]}
        )
    return found


def _contact_scope(contact: Any) -> Q:
    """Reference 2.8's contact scope: a company's entries (its own and its persons', by the
    company they were logged with); a person's own entries."""
    if contact.type == ContactType.COMPANY:
        return Q(contact_company=contact)
    return Q(contact=contact)


def contact_timeline(
    contact: Any, *, include_canceled: bool = True
) -> QuerySet[InteractionLogEntry]:
    """A contact's interactions, newest first (date, time, entry no.): a company's include
    its persons'; postponed ones never. One query whatever the number of entries (paginate
    it on a page); canceled entries are marked (`canceled`), or left out."""
    queryset = InteractionLogEntry.objects.filter(_contact_scope(contact), postponed=False)
    if not include_canceled:
        queryset = queryset.filter(canceled=False)
    return _for_lists(queryset).order_by("-date", "-time", "-entry_no")


# ---------------------------------------------------------------------------------------------
# Statistics (reference 2.8): computed by the database, one aggregate query each. Unlike NAV,
# canceled entries are left out of every figure (NAV counts them in the contact's date of last
# interaction and last date attempted); postponed entries always are.

ZERO_COST = decimal.Decimal("0.00")
ZERO_DURATION = decimal.Decimal("0")


@dataclass(frozen=True)
class InteractionStatistics:
    """No. of interactions, cost and duration (min.) of the interactions in scope."""

    no_of_interactions: int
    cost: decimal.Decimal
    duration: decimal.Decimal


@dataclass(frozen=True)
class ContactStatistics(InteractionStatistics):
    """A contact's figures, with the date of its last successful interaction and the last
    date we tried (initiated by us, successful or not) — both regardless of the date filter."""

    date_of_last_interaction: datetime.date | None
    last_date_attempted: datetime.date | None


@dataclass(frozen=True)
class MonthFigures:
    """One bar of a chart: the figures of one `bucket` (month, quarter, year, decade, century
    or millennium); `month` is its first day."""

    month: datetime.date
    no_of_interactions: int
    cost: decimal.Decimal
    duration: decimal.Decimal
    bucket: str = "month"


def _counted() -> QuerySet[InteractionLogEntry]:
    return InteractionLogEntry.objects.filter(canceled=False, postponed=False)


def _in_dates(date_from: datetime.date | None, date_to: datetime.date | None) -> Q:
    condition = Q()
    if date_from is not None:
        condition &= Q(date__gte=date_from)
    if date_to is not None:
        condition &= Q(date__lte=date_to)
    return condition


def _figures(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "no_of_interactions": row["no_of_interactions"] or 0,
        "cost": (row["cost"] or ZERO_COST).quantize(ZERO_COST),
        "duration": (row["duration"] or ZERO_DURATION).quantize(ZERO_DURATION),
    }


def _statistics(
    scope: Q, date_from: datetime.date | None, date_to: datetime.date | None
) -> InteractionStatistics:
    row = (
        _counted()
        .filter(scope, _in_dates(date_from, date_to))
        .aggregate(no_of_interactions=Count("pk"), cost=Sum("cost"), duration=Sum("duration"))
    )
    return InteractionStatistics(**_figures(row))


def contact_statistics(
    contact: Any,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> ContactStatistics:
    """A contact's No. of Interactions, Cost and Duration in the date range, Date of Last
    Interaction (not failed) and Last Date Attempted (initiated by us). A company's figures
    include its persons'. One query."""
    in_dates = _in_dates(date_from, date_to)
    row = (
        _counted()
        .filter(_contact_scope(contact))
        .aggregate(
            no_of_interactions=Count("pk", filter=in_dates),
            cost=Sum("cost", filter=in_dates),
            duration=Sum("duration", filter=in_dates),
            date_of_last_interaction=Max("date", filter=Q(attempt_failed=False)),
            last_date_attempted=Max("date", filter=Q(initiated_by=InitiatedBy.US)),
        )
    )
    return ContactStatistics(
        **_figures(row),
        date_of_last_interaction=row["date_of_last_interaction"],
        last_date_attempted=row["last_date_attempted"],
    )


def salesperson_statistics(
    salesperson: Any,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> InteractionStatistics:
    """A salesperson's No. of Interactions, Cost and Duration in the date range. One query."""
    return _statistics(Q(salesperson=salesperson), date_from, date_to)


def template_statistics(
    template: Any,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> InteractionStatistics:
    """An interaction template's figures in the date range. One query."""
    return _statistics(Q(template=template), date_from, date_to)


def group_statistics(
    group: Any,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> InteractionStatistics:
    """An interaction group's figures in the date range. One query."""
    return _statistics(Q(group=group), date_from, date_to)


def campaign_statistics(
    campaign: Any,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> InteractionStatistics:
    """A campaign's figures (all its interactions, whatever their campaign entry) in the
    date range. One query."""
    return _statistics(Q(campaign=campaign), date_from, date_to)


SCOPES = ("contact", "salesperson", "template", "group", "campaign")


def _scope(scope: Mapping[str, Any]) -> Q:
    given = {name: value for name, value in scope.items() if value is not None}
    if set(given) - set(SCOPES) or len(given) != 1:
        raise TypeError(f"give exactly one of {', '.join(SCOPES)}")
    name, value = next(iter(given.items()))
    return _contact_scope(value) if name == "contact" else Q(**{name: value})


# The chart's buckets, by their length in months, finest first (MonthFigures.bucket).
BUCKET_MONTHS = {
    "month": 1,
    "quarter": 3,
    "year": 12,
    "decade": 120,
    "century": 1200,
    "millennium": 12000,
}
FILLED_BUCKETS = ("month", "quarter", "year")
PERIOD_BUCKETS = ("decade", "century", "millennium")
MAX_BUCKETS = 36
"""The most bars (and table rows) a chart gets, whatever the dates."""


def _bucket_index(value: datetime.date, bucket: str) -> int:
    """The number of the bucket `value` lies in (consecutive buckets, consecutive numbers)."""
    return month_index(value) // BUCKET_MONTHS[bucket]


def _bucket_start(index: int, bucket: str) -> datetime.date:
    """The first day of bucket `index` (never before 0001-01-01, whatever was stored)."""
    return month_start(max(index * BUCKET_MONTHS[bucket], month_index(datetime.date.min)))


def _bucket_count(first: datetime.date, last: datetime.date, bucket: str) -> int:
    return _bucket_index(last, bucket) - _bucket_index(first, bucket) + 1


def _bucket_expression(bucket: str) -> Any:
    """The database expression that groups the entries by `bucket`: a date (the bucket's
    first day) for months, quarters and years, the bucket's number for longer periods."""
    if bucket == "month":
        return TruncMonth("date")
    if bucket == "quarter":
        return TruncQuarter("date")
    if bucket == "year":
        return TruncYear("date")
    years = BUCKET_MONTHS[bucket] // 12
    return Cast(Floor(ExtractYear("date") / Value(years)), IntegerField())


def _choose_bucket(
    entries: QuerySet[InteractionLogEntry],
    date_from: datetime.date | None,
    date_to: datetime.date | None,
) -> tuple[str, datetime.date, datetime.date, bool] | None:
    """The bucket of a chart of `entries` (already filtered on the dates) and the range to
    draw: `(bucket, first, last, filled)`; None when there is nothing to draw.

    The finest of month, quarter and year that covers the range (the filter's dates, else the
    entries' first and last dates) in at most MAX_BUCKETS buckets, empty ones filled in with
    zeros. A longer range (a typo year such as 2926, or 1753 … 9998) draws only the years that
    have entries when they are few enough; else decades, centuries or millennia. Without both
    dates one aggregate query finds the entries' bounds."""
    if date_from is not None and date_to is not None:
        for bucket in FILLED_BUCKETS:
            if _bucket_count(date_from, date_to, bucket) <= MAX_BUCKETS:
                return bucket, date_from, date_to, True
    bounds = entries.aggregate(
        first=Min("date"), last=Max("date"), years=Count(ExtractYear("date"), distinct=True)
    )
    if bounds["first"] is None:
        return None  # no entries (in a range too long to draw as zeros)
    first = date_from if date_from is not None else bounds["first"]
    last = date_to if date_to is not None else bounds["last"]
    for bucket in FILLED_BUCKETS:
        if _bucket_count(first, last, bucket) <= MAX_BUCKETS:
            return bucket, first, last, True
    first, last = bounds["first"], bounds["last"]
    if bounds["years"] <= MAX_BUCKETS:
        return "year", first, last, False
    for bucket in PERIOD_BUCKETS:
        if _bucket_count(first, last, bucket) <= MAX_BUCKETS:
            return bucket, first, last, True
    return "millennium", first, last, False  # pragma: no cover - 10 millennia at most


def monthly_series(
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    **scope: Any,
) -> list[MonthFigures]:
    """Count, cost and duration per bucket (month, quarter, year, …: see `_choose_bucket`) for
    a chart, for one of `contact`, `salesperson`, `template`, `group` or `campaign` (the
    statistics' scope and rules): never more than MAX_BUCKETS of them, whatever the stored
    dates. Buckets without interactions are filled in with zeros, from `date_from` (else the
    first interaction) to `date_to` (else the last), unless the range is too long. Set-based:
    one GROUP BY query (and one aggregate for the bounds when a date is not given)."""
    entries = _counted().filter(_scope(scope), _in_dates(date_from, date_to))
    chosen = _choose_bucket(entries, date_from, date_to)
    if chosen is None:
        return []
    bucket, first, last, filled = chosen
    rows = (
        entries.annotate(bucket=_bucket_expression(bucket))
        .values("bucket")
        .annotate(no_of_interactions=Count("pk"), cost=Sum("cost"), duration=Sum("duration"))
        .order_by("bucket")
    )
    found: dict[int, dict[str, Any]] = {}
    for row in rows:
        if bucket in PERIOD_BUCKETS:
            index = int(row["bucket"])  # year // years per period = the bucket's number
        else:
            index = _bucket_index(_as_date(row["bucket"]), bucket)
        found[index] = _figures(row)
    if filled:
        indexes = list(range(_bucket_index(first, bucket), _bucket_index(last, bucket) + 1))
    else:
        indexes = sorted(found)
    empty = {"no_of_interactions": 0, "cost": ZERO_COST, "duration": ZERO_DURATION}
    return [
        MonthFigures(month=_bucket_start(index, bucket), **found.get(index, empty), bucket=bucket)
        for index in indexes
    ]


def _as_date(value: Any) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


DIMENSIONS = ("contact", "contact_company", "salesperson", "template", "group", "campaign")


def statistics_by(
    dimension: str,
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> dict[int, InteractionStatistics]:
    """The figures of every contact, company (`contact_company`: with its persons),
    salesperson, template, group or campaign at once, by its database id — for list pages
    (one GROUP BY query, no query per row). Ids without interactions are missing."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"dimension must be one of {', '.join(DIMENSIONS)}")
    column = f"{dimension}_id"
    rows = (
        _counted()
        .filter(_in_dates(date_from, date_to))
        .exclude(**{column: None})
        .values(column)
        .annotate(no_of_interactions=Count("pk"), cost=Sum("cost"), duration=Sum("duration"))
        .order_by()
    )
    return {row[column]: InteractionStatistics(**_figures(row)) for row in rows}
