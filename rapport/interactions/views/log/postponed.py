"""Postponed interactions (reference 2.2): the drafts to finish (Resume) or delete. A
salesperson-role user sees only the drafts the services show them (`postponed_visible_to`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from rapport.core.errors import DomainError
from rapport.core.views import CapabilityRequiredMixin, Column
from rapport.interactions import selectors, services
from rapport.interactions.forms.log import PostponedFilterForm
from rapport.interactions.models import InteractionLogEntry
from rapport.interactions.services import postponed_visible_to
from rapport.interactions.views.log.access import WRITE, ChangeRights, EntryFormMixin, get_entry
from rapport.interactions.views.log.entries import LogListView
from rapport.interactions.views.log.links import comments_url, resume_url, safe_next, with_query


class PostponedListView(LogListView):
    """Postponed interactions (reference 2.2): the drafts to finish (Resume) or delete."""

    template_name = "interactions/log/postponed_list.html"
    title = gettext_lazy("Postponed interactions")
    columns = [
        Column("entry_no", gettext_lazy("Entry no."), sort="entry_no", align_end=True),
        Column("date", gettext_lazy("Date"), sort="date"),
        Column("contact__no", gettext_lazy("Contact no."), sort="contact__no"),
        Column("contact__name", gettext_lazy("Contact name"), sort="contact__name"),
        Column("description", gettext_lazy("Description"), sort="description"),
        Column("template__code", gettext_lazy("Template"), sort="template__code"),
        Column("salesperson__code", gettext_lazy("Salesperson"), sort="salesperson__code"),
        Column("user_name", gettext_lazy("Created by"), sort="user__username"),
    ]
    filter_form_class = PostponedFilterForm
    empty_message = gettext_lazy("There are no postponed interactions.")
    empty_hint = gettext_lazy(
        "An interaction you choose to finish later (Cancel in Create interaction) waits here."
    )

    def select(self, filters: dict[str, Any] | None = None) -> QuerySet:
        """The drafts the user may see (`postponed_visible_to`), filtered."""
        return selectors.postponed_interactions(filters).filter(
            postponed_visible_to(self.request.user)
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.rights = ChangeRights(self.request.user)
        here = self.request.get_full_path()  # an htmx refresh asks for the URL it pushes
        self.here = here
        context = super().get_context_data(**kwargs)
        context.update(next_url=here, log_url=reverse("interactions:log-list"))
        return context

    def row(self, obj: Any) -> dict[str, Any]:
        row = super().row(obj)
        row["url"] = None
        row["may_change"] = self.rights.may_change(obj)
        row["resume_url"] = resume_url(obj.entry_no, self.here) if row["may_change"] else None
        row["delete_url"] = (
            with_query(
                reverse("interactions:postponed-delete", args=[obj.entry_no]), {"next": self.here}
            )
            if row["may_change"]
            else None
        )
        row["comments_url"] = comments_url(obj) if row["may_change"] else None
        return row


def _postponed_question(entry: InteractionLogEntry) -> str:
    if entry.contact is not None:
        return _("Delete postponed interaction %(no)s with %(contact)s – %(description)s?") % {
            "no": entry.entry_no,
            "contact": entry.contact.name,
            "description": entry.description or _("(no description)"),
        }
    return _("Delete postponed interaction %(no)s – %(description)s?") % {
        "no": entry.entry_no,
        "description": entry.description or _("(no description)"),
    }


class PostponedDeleteView(EntryFormMixin, CapabilityRequiredMixin, generic.TemplateView):
    """Delete a postponed interaction with its comment lines (reference 2.2). A logged entry
    has no such page (404); the service refuses to delete it anyway. Another salesperson's
    draft answers 404, as on the postponed list."""

    template_name = "interactions/log/confirm.html"
    write_capability = WRITE

    @cached_property
    def entry(self) -> InteractionLogEntry:
        entry = get_entry(self.kwargs["entry_no"])
        if not entry.postponed:
            raise Http404(_("Interaction %(no)s is not postponed.") % {"no": entry.entry_no})
        return entry

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        entry = self.entry
        context.update(
            title=_("Delete postponed interaction"),
            question=_postponed_question(entry),
            cancel_url=safe_next(self.request, reverse("interactions:postponed-list")),
            next_url=self.request.GET.get("next", ""),
        )
        return context

    def post(self, request: HttpRequest, entry_no: int) -> HttpResponse:
        entry = self.entry
        try:
            services.interaction_delete_postponed(actor=request.user, entry=entry)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Postponed interaction %(no)s was deleted.") % {"no": entry.entry_no},
            )
        return HttpResponseRedirect(safe_next(request, reverse("interactions:postponed-list")))
