"""Reads of the interaction log: its lists and filters, an entry and its comment lines, and a
contact's timeline."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from rapport.attachments.models import Attachment
from rapport.contacts.models import ContactType
from rapport.core.errors import NotFoundError, ValidationFailed
from rapport.interactions.filtersets import MAX_ENTRY_NO, InteractionLogFilterSet
from rapport.interactions.models import InteractionLogEntry, InteractionLogEntryComment

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
    data = {name: value for name, value in filters.items() if value is not None and value != ""}
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
    `has_comments` as annotations (the attachment's content and the user row stay unread).
    The annotations are subqueries, not joins: a page's count leaves them out and counts the
    entries in the index that serves the page (issue 11)."""
    comments = InteractionLogEntryComment.objects.filter(entry=OuterRef("pk"))
    attachment = Attachment.objects.filter(pk=OuterRef("attachment_id")).order_by()
    user = get_user_model().objects.filter(pk=OuterRef("user_id")).order_by()
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
        attachment_no=Subquery(attachment.values("no")[:1]),
        user_name=Subquery(user.values("username")[:1]),
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


def contact_scope(contact: Any) -> Q:
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
    queryset = InteractionLogEntry.objects.filter(contact_scope(contact), postponed=False)
    if not include_canceled:
        queryset = queryset.filter(canceled=False)
    return _for_lists(queryset).order_by("-date", "-time", "-entry_no")
