"""What interactions shows on the cards of the apps below it (`rapport.core.cards`), registered
by `register()` from InteractionsConfig.ready():

- contact and salesperson cards: the actions Create interaction (users who may create
  interactions; it opens the dialog over the card), Postponed interactions, Interaction log and
  Statistics; the statistics panel (reference 2.8); on the contact card the timeline of its
  latest interactions (a company's include its persons').
- campaign card: the actions Interaction log, Campaign entries and Statistics; the statistics
  panel and the campaign's entries with their interactions' figures.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import HttpRequest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rapport.campaigns.models import CampaignEntry
from rapport.core import cards, permissions
from rapport.core.url_formers import url_former
from rapport.interactions.selectors import contact_timeline
from rapport.interactions.views.statistics import (
    statistics_context,
    statistics_log_url,
    subject_key,
    url_with_query,
)

TIMELINE_SIZE = 25
ENTRIES_SHOWN = 50
STATISTICS_PANEL = "interactions/statistics/panel.html"
STATISTICS_SCRIPTS = "interactions/statistics/scripts.html"

# The query that filters the interaction pages on a contact or a salesperson.
SUBJECT_FILTER = {"contact": "contact_no", "salesperson": "salesperson_code"}


def _query(kind: str, subject: Any) -> dict[str, str]:
    return {SUBJECT_FILTER[kind]: subject_key(kind, subject)}


def _create_url(kind: str) -> Any:
    def url(request: HttpRequest, subject: Any) -> str:
        query = {**_query(kind, subject), "next": subject.get_absolute_url()}
        return url_with_query("interactions:interaction-create", query=query)

    return url


def _postponed_url(kind: str) -> Any:
    def url(request: HttpRequest, subject: Any) -> str:
        return url_with_query("interactions:postponed-list", query=_query(kind, subject))

    return url


def _log_url(kind: str) -> Any:
    def url(request: HttpRequest, subject: Any) -> str:
        return statistics_log_url(kind, subject)

    return url


def _statistics_url(kind: str) -> Any:
    def url(request: HttpRequest, subject: Any) -> str:
        return reverse("interactions:statistics", args=[kind, subject_key(kind, subject)])

    return url


def _statistics_context(kind: str) -> Any:
    def context(request: HttpRequest, subject: Any) -> dict[str, Any]:
        return statistics_context(request, kind, subject)

    return context


def _campaign_entries_url(request: HttpRequest, campaign: Any) -> str:
    query = urlencode({"campaign_no": campaign.no})
    return f"{reverse('interactions:campaign-entry-list')}?{query}"


def timeline_context(request: HttpRequest, contact: Any) -> dict[str, Any]:
    """The contact card's timeline: the latest interactions (a company's include its persons'),
    newest first; one query whatever the number of interactions."""
    rows = list(contact_timeline(contact)[: TIMELINE_SIZE + 1])
    # Per row as url_with_query, get_absolute_url and floatformat gave it, each URL
    # reversed once per card and each distinct amount formatted once (issue 11, H9).
    entry_url, person_url = (
        url_former("interactions:entry-detail"),
        url_former("contacts:contact-detail"),
    )
    amount = cache(lambda value: floatformat(value, "2g"))
    minutes = cache(lambda value: floatformat(value, "0g"))
    entries = []
    for entry in rows[:TIMELINE_SIZE]:
        person = (
            entry.contact
            if contact.is_company and entry.contact_id not in (None, contact.pk)
            else None
        )
        entries.append(
            {
                "entry": entry,
                "url": entry_url(entry.entry_no),
                "person": person,
                "person_url": person_url(person.no) if person else "",
                "cost": amount(entry.cost),
                "duration": minutes(entry.duration),
            }
        )
    return {
        "timeline": {
            "entries": entries,
            "more": len(rows) > TIMELINE_SIZE,
            "size": TIMELINE_SIZE,
            "log_url": statistics_log_url("contact", contact),
        }
    }


def campaign_card_entries(campaign: Any) -> QuerySet[CampaignEntry]:
    """The campaign's entries, newest first, each with NAV's FlowFields: the number, cost and
    duration of its interactions that are canceled as the entry is (one query)."""
    same = Q(interaction_log_entries__canceled=F("canceled"))
    return (
        CampaignEntry.objects.filter(campaign=campaign)
        .select_related("salesperson", "user")
        .annotate(
            no_of_interactions=Count("interaction_log_entries", filter=same),
            cost=Sum("interaction_log_entries__cost", filter=same),
            duration=Sum("interaction_log_entries__duration", filter=same),
        )
        .order_by("-entry_no")
    )


def campaign_entries_context(request: HttpRequest, campaign: Any) -> dict[str, Any]:
    """The campaign card's entries: the latest `ENTRIES_SHOWN` (one query)."""
    rows = list(campaign_card_entries(campaign)[: ENTRIES_SHOWN + 1])
    return {
        "campaign_entries": {
            "entries": rows[:ENTRIES_SHOWN],
            "more": len(rows) > ENTRIES_SHOWN,
            "shown": ENTRIES_SHOWN,
        }
    }


def _register_person_card(card: str) -> None:
    """The contact's or the salesperson's interaction actions and statistics panel."""
    for order, name, label, url, icon, capability in (
        (
            10,
            "create-interaction",
            _("Create interaction"),
            _create_url(card),
            "chat-left-text",
            permissions.INTERACTIONS,
        ),
        (
            20,
            "postponed-interactions",
            _("Postponed interactions"),
            _postponed_url(card),
            "hourglass-split",
            None,
        ),
        (30, "interaction-log", _("Interaction log"), _log_url(card), "journal-text", None),
        (40, "statistics", _("Statistics"), _statistics_url(card), "bar-chart", None),
    ):
        cards.register_action(
            cards.CardAction(
                card=card,
                name=name,
                order=order,
                label=label,
                url=url,
                icon=icon,
                dialog=name == "create-interaction",
                capability=capability,
            )
        )
    cards.register_panel(
        cards.CardPanel(
            card=card,
            name="statistics",
            order=10,
            template=STATISTICS_PANEL,
            context=_statistics_context(card),
            place="top" if card == "contact" else "main",
            scripts=STATISTICS_SCRIPTS,
        )
    )


def _register_campaign_card() -> None:
    for order, name, label, url, icon in (
        (10, "interaction-log", _("Interaction log"), _log_url("campaign"), "journal-text"),
        (20, "campaign-entries", _("Campaign entries"), _campaign_entries_url, "list-check"),
        (30, "statistics", _("Statistics"), _statistics_url("campaign"), "bar-chart"),
    ):
        cards.register_action(
            cards.CardAction(
                card="campaign", name=name, order=order, label=label, url=url, icon=icon
            )
        )
    cards.register_panel(
        cards.CardPanel(
            card="campaign",
            name="statistics",
            order=10,
            template=STATISTICS_PANEL,
            context=_statistics_context("campaign"),
            scripts=STATISTICS_SCRIPTS,
        )
    )
    cards.register_panel(
        cards.CardPanel(
            card="campaign",
            name="campaign-entries",
            order=20,
            template="interactions/cards/campaign_entries.html",
            context=campaign_entries_context,
        )
    )


def register() -> None:
    """Put interactions' actions and panels on the contact, salesperson and campaign cards."""
    _register_person_card("contact")
    _register_person_card("salesperson")
    cards.register_panel(
        cards.CardPanel(
            card="contact",
            name="timeline",
            order=20,
            template="interactions/cards/contact_timeline.html",
            context=timeline_context,
        )
    )
    _register_campaign_card()
