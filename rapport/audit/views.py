"""The audit trail's pages (administrators only): the list (NAV's Change Log Entries) with
filters by user, operation, object type, object key and dates, and one entry's page with the
value before and after of every changed field and the details of a bulk operation. Read-only:
nothing here changes the trail."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from rapport.audit import selectors
from rapport.audit.forms import AuditEntryFilterForm
from rapport.audit.models import AuditEntry
from rapport.core import permissions
from rapport.core.views import CapabilityRequiredMixin, Column, ObjectListView

ADMINISTRATORS = permissions.SETUP  # only the administrator role holds it
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def moment(value: datetime.datetime | None) -> str:
    """A time as every page shows one (26-11-2026 14:05 in Dutch), in the server's zone."""
    if value is None:
        return ""
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def shown_value(value: Any) -> str:
    """A value the trail kept (JSON) as a person reads it: yes/no, dates in the user's format,
    nothing for blank, lists and objects as indented JSON."""
    if value is None or value == "":
        return ""
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, str):
        try:
            if ISO_DATE.match(value):
                return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
            if ISO_DATETIME.match(value):
                return moment(datetime.datetime.fromisoformat(value))
        except ValueError:
            return value
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    return str(value)


def changed_fields(entry: AuditEntry) -> str:
    """The captions of the fields an entry changed, or of its details (a bulk operation)."""
    names = selectors.in_field_order(entry.object_type, entry.changes or entry.details or {})
    return ", ".join(selectors.field_caption(entry.object_type, name) for name in names)


def trail_url(object_type: str, object_key: str) -> str:
    """The trail filtered to one object (a card's "Changes" link)."""
    query = urlencode({"object_type": object_type, "object_key": object_key})
    return f"{reverse('audit:entry-list')}?{query}"


class AuditEntryListView(CapabilityRequiredMixin, ObjectListView):
    """The audit trail, newest first; a row opens the entry with its values before and
    after."""

    model = AuditEntry
    template_name = "core/object_list.html"
    title = gettext_lazy("Audit trail")
    columns = [
        Column("at", gettext_lazy("Date and time"), sort="at", link=True, format=moment),
        Column("username", gettext_lazy("User"), sort="username"),
        Column("get_source_display", gettext_lazy("Source")),
        Column("operation", gettext_lazy("Operation"), sort="operation"),
        Column("object_type", gettext_lazy("Object type"), format=selectors.object_type_caption),
        Column("object_key", gettext_lazy("Object key")),
        Column("changed", gettext_lazy("Changed fields")),
    ]
    search_fields = ["object_key", "username", "operation"]
    search_placeholder = gettext_lazy("Object key, user or operation")
    filter_form_class = AuditEntryFilterForm
    default_sort = "-at"
    tie_breaker = "id"
    write_capability = ADMINISTRATORS
    empty_message = gettext_lazy("No changes recorded yet.")
    empty_hint = gettext_lazy(
        "Every change to data or setup, from the pages, the API, the command line or a "
        "background job, is recorded here with who made it and the values before and after."
    )

    def get_base_queryset(self) -> QuerySet:
        return selectors.audit_entries()

    def apply_filters(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        return selectors.filter_audit_entries(queryset, data)

    def row(self, obj: Any) -> dict[str, Any]:
        obj.changed = changed_fields(obj)
        row = super().row(obj)
        row["url"] = reverse("audit:entry-detail", args=[obj.pk])
        return row


class AuditEntryDetailView(CapabilityRequiredMixin, generic.TemplateView):
    """One audit entry: who, when, from where, which operation on which object, and per field
    the value before and after (a bulk operation: its counts and filters)."""

    template_name = "audit/entry_detail.html"
    write_capability = ADMINISTRATORS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        entry = selectors.audit_entry_get(int(self.kwargs["pk"]))
        if entry is None:
            raise Http404(_("No such audit entry."))
        kind = entry.object_type
        recorded = entry.changes or {}
        changes = [
            {
                "name": name,
                "label": selectors.field_caption(kind, name),
                "before": shown_value((recorded[name] or {}).get("before")),
                "after": shown_value((recorded[name] or {}).get("after")),
            }
            for name in selectors.in_field_order(kind, recorded)
        ]
        details = [
            {
                "name": name,
                "label": selectors.field_caption(kind, name),
                "value": shown_value(entry.details[name]),
            }
            for name in selectors.in_field_order(kind, entry.details or {})
        ]
        context.update(
            title=_("Audit entry %(id)s") % {"id": entry.pk},
            entry=entry,
            at=moment(entry.at),
            object_type_caption=selectors.object_type_caption(kind),
            changes=changes,
            details=details,
            list_url=reverse("audit:entry-list"),
            object_url=trail_url(kind, entry.object_key) if entry.object_key else "",
        )
        return context


# The cards whose records have an object type of the same name in the trail.
CARDS_WITH_CHANGES = ("contact", "salesperson", "campaign", "logged_segment", "attachment")


def register_card_actions() -> None:
    """A "Changes" button on those cards, for administrators: the trail of that record."""
    from rapport.audit.services import object_key
    from rapport.core.cards import CardAction, register_action

    def changes_of(card: str) -> Callable[[HttpRequest, Any], str]:
        return lambda request, subject: trail_url(card, object_key(subject))

    for card in CARDS_WITH_CHANGES:
        register_action(
            CardAction(
                card=card,
                name="audit-changes",
                order=900,
                label=gettext_lazy("Changes"),
                url=changes_of(card),
                icon="clock-history",
                capability=ADMINISTRATORS,
            )
        )
