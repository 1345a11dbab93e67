"""An interaction's card (reference 2.7) and what its action bar does: Cancel / Uncancel
(POST only) and Evaluate. A postponed entry has no card: it is on the postponed list.

Apps above interactions add actions and panels to the card through `rapport.core.cards`,
card name `"interaction"` (the delivery app: its delivery progress and Resend)."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.core import permissions
from rapport.core.cards import card_actions, card_panels
from rapport.core.views import Action, ObjectDetailView, ServiceActionView, ServiceFormView
from rapport.interactions import selectors, services
from rapport.interactions.forms.log import EvaluateForm
from rapport.interactions.models import InteractionLogEntry
from rapport.interactions.views.log.access import WRITE, ChangeRights, EntryFormMixin, get_entry
from rapport.interactions.views.log.entries import minutes, money
from rapport.interactions.views.log.links import create_url, entry_url, safe_next, with_query

CARD = "interaction"
"""The card's name in `rapport.core.cards`."""


class InteractionLogEntryDetailView(ObjectDetailView):
    """An interaction's card. A postponed entry number gives 404: postponed entries never show
    in the log (they are on the postponed list)."""

    template_name = "interactions/log/entry_detail.html"
    write_capability = WRITE

    def get_object(self, queryset: Any = None) -> InteractionLogEntry:
        return get_entry(self.kwargs["entry_no"], logged_only=True)

    def get_actions(self) -> list[Action]:
        entry = self.object
        no = entry.entry_no
        here = reverse("interactions:entry-detail", args=[no])
        create = []
        if entry.contact is not None and permissions.user_can(self.request.user, WRITE):
            # Create interaction for this entry's contact (locked), back to this card.
            create.append(
                Action(
                    _("Create interaction"),
                    create_url({"contact_no": entry.contact.no}, here),
                    icon="plus-lg",
                    style="primary",
                    dialog=True,
                )
            )
        create += card_actions(CARD, self.request, entry)
        if not ChangeRights(self.request.user).may_change(entry):
            return create
        return [
            *create,
            _cancel_toggle(entry),
            Action(
                _("Evaluate"),
                with_query(reverse("interactions:entry-evaluate", args=[no]), {"next": here}),
                icon="hand-thumbs-up",
            ),
            Action(
                _("Comments"), reverse("interactions:entry-comments", args=[no]), icon="chat-left"
            ),
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        entry = self.object
        context.update(
            entry_sections=entry_sections(entry),
            comments=list(selectors.interaction_comments(entry)),
            log_url=reverse("interactions:log-list"),
        )
        context.update(card_panels(CARD, self.request, entry))
        return context


def _cancel_toggle(entry: InteractionLogEntry) -> Action:
    """Uncancel for a canceled entry, else Cancel interaction."""
    no = entry.entry_no
    if entry.canceled:
        return Action(
            _("Uncancel"),
            reverse("interactions:entry-uncancel", args=[no]),
            icon="arrow-counterclockwise",
            method="post",
            confirm=_("Uncancel interaction %(no)s?") % {"no": no},
        )
    return Action(
        _("Cancel interaction"),
        reverse("interactions:entry-cancel", args=[no]),
        icon="x-circle",
        method="post",
        confirm=_("Cancel interaction %(no)s?") % {"no": no},
        style="outline-danger",
    )


# ---------------------------------------------------------------------------------------------
# The card's sections


def _field(entry: InteractionLogEntry, name: str, value: Any = None, url: str = "") -> dict:
    label = getattr(InteractionLogEntry._meta.get_field(name), "verbose_name", name)
    if value is None and getattr(entry, name) == "":
        value = ""  # a blank option shows as blank, not as "(blank)"
    elif value is None:
        display = getattr(entry, f"get_{name}_display", None)
        value = display() if callable(display) else getattr(entry, name)
    return {"name": name, "label": label, "value": value, "url": url}


def _linked(entry: InteractionLogEntry, name: str) -> dict:
    """A field that points at another card (contact, company, salesperson): linked to it."""
    target = getattr(entry, name)
    return _field(
        entry, name, str(target) if target else "", target.get_absolute_url() if target else ""
    )


def _named(entry: InteractionLogEntry, name: str) -> dict:
    """A field that points at a record without a card of its own here: its name only."""
    target = getattr(entry, name)
    return _field(entry, name, str(target) if target else "")


def _general_rows(entry: InteractionLogEntry) -> list[dict]:
    return [
        _field(entry, "entry_no"),
        _field(entry, "date"),
        _field(entry, "time"),
        _linked(entry, "contact"),
        _linked(entry, "contact_company"),
        _field(entry, "description"),
        _field(entry, "subject"),
        _named(entry, "template"),
        _named(entry, "group"),
        _linked(entry, "salesperson"),
        _field(entry, "user", getattr(entry, "user_name", None) or ""),
    ]


def _detail_rows(entry: InteractionLogEntry) -> list[dict]:
    return [
        _field(entry, "information_flow"),
        _field(entry, "initiated_by"),
        _field(entry, "correspondence_type"),
        _named(entry, "language"),
        _field(entry, "evaluation"),
        {"name": "successful", "label": _("was successful"), "value": entry.successful, "url": ""},
        _field(entry, "cost", money(entry.cost)),
        _field(entry, "duration", minutes(entry.duration)),
        _field(entry, "canceled"),
        _field(entry, "delivery_status"),
        *([_field(entry, "delivery_error")] if entry.delivery_error else []),
    ]


def _campaign_rows(entry: InteractionLogEntry) -> list[dict]:
    campaign_entry = entry.campaign_entry
    return [
        _field(entry, "campaign", str(entry.campaign)),
        _field(entry, "campaign_entry", str(campaign_entry.entry_no) if campaign_entry else ""),
        _field(entry, "campaign_target"),
        _field(entry, "campaign_response"),
    ]


def _segment_rows(entry: InteractionLogEntry) -> list[dict]:
    rows = []
    if entry.segment_no:
        rows.append(_field(entry, "segment_no"))
    if entry.logged_segment_entry_no:
        rows.append(_field(entry, "logged_segment_entry_no"))
    attachment_no = getattr(entry, "attachment_no", None)
    if attachment_no:
        rows.append(_field(entry, "attachment", str(attachment_no), attachment_url(attachment_no)))
    return rows


def attachment_url(no: int, name: str = "attachments:attachment-detail") -> str:
    """A page of the attachments app for attachment `no` ("" while it has none)."""
    try:
        return reverse(name, args=[no])
    except NoReverseMatch:
        return ""


def entry_sections(entry: InteractionLogEntry) -> list[dict[str, Any]]:
    """The card's sections; Campaign and Segment only where they apply."""
    sections = [
        {"id": "general", "title": _("General"), "rows": _general_rows(entry)},
        {"id": "details", "title": _("Details"), "rows": _detail_rows(entry)},
    ]
    if entry.campaign_id is not None:
        sections.append({"id": "campaign", "title": _("Campaign"), "rows": _campaign_rows(entry)})
    segment_rows = _segment_rows(entry)
    if segment_rows:
        sections.append(
            {"id": "segment", "title": _("Segment and attachment"), "rows": segment_rows}
        )
    return sections


# ---------------------------------------------------------------------------------------------
# Cancel, uncancel, evaluate


class _EntryActionView(ServiceActionView):
    """A POST-only change of one entry; back to `next` (on this site) or the entry's page."""

    write_capability = WRITE

    def get_object(self, **kwargs: Any) -> InteractionLogEntry:
        return get_entry(kwargs["entry_no"])

    def success_url(self, obj: InteractionLogEntry) -> str:
        return safe_next(self.request, entry_url(obj))


class InteractionCancelView(_EntryActionView):
    def perform(self, entry: InteractionLogEntry) -> str:
        services.interaction_cancel(actor=self.request.user, entry=entry)
        return _("Interaction %(no)s was canceled.") % {"no": entry.entry_no}


class InteractionUncancelView(_EntryActionView):
    def perform(self, entry: InteractionLogEntry) -> str:
        services.interaction_uncancel(actor=self.request.user, entry=entry)
        return _("Interaction %(no)s was uncanceled.") % {"no": entry.entry_no}


class InteractionEvaluateView(EntryFormMixin, ServiceFormView):
    """Evaluate Interaction (reference 2.7): set or clear the evaluation."""

    form_class = EvaluateForm
    write_capability = WRITE
    logged_only = True
    submit_label = gettext_lazy("Save evaluation")

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Evaluate interaction %(entry)s") % {"entry": self.entry}

    @property
    def cancel_url(self) -> str:  # type: ignore[override]
        return safe_next(self.request, entry_url(self.entry))

    def get_initial(self) -> dict[str, Any]:
        return {"evaluation": self.entry.evaluation}

    def perform(self, form: Any) -> Any:
        return services.interaction_evaluate(
            actor=self.request.user,
            entry=self.entry,
            evaluation=form.cleaned_data["evaluation"] or "",
        )

    def success_message(self, result: Any) -> str:
        return _("The evaluation of interaction %(no)s was saved.") % {"no": result.entry_no}

    def get_success_url_for(self, result: Any) -> str:
        return safe_next(self.request, entry_url(result))
