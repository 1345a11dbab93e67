"""Delivery on the cards of the apps below (core.cards) and the Role Center (core.tiles):

- the logged segment card: counts per status, a progress bar "N of M sent" that polls every
  second until the delivery is finished, the no-worker notice, the letters to download, Resend
  failed and the failed entries with their reasons (a selection can be resent);
- the interaction card: its delivery status and error, Resend, Letters;
- the tile "Failed deliveries": the interactions whose delivery failed, linking to the log.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rapport.core import cards, permissions, tiles

LOGGED_SEGMENT_PANEL = "delivery/cards/logged_segment.html"
INTERACTION_PANEL = "delivery/cards/interaction.html"
FAILED_SHOWN = 100


def _progress(delivery: Any) -> dict[str, Any]:
    """The counts of `delivery` as the panels show them."""
    from rapport.delivery.services import delivery_progress, worker_alive

    progress = delivery_progress(delivery)
    total = int(progress["total"])
    pending, sending = int(progress["queued"]), int(progress["sending"])
    delivered, failed = int(progress["delivered"]), int(progress["failed"])
    sent = delivered + failed
    finished = pending + sending == 0
    return {
        "total": total,
        "pending": pending,
        "sending": sending,
        "delivered": delivered,
        "failed": failed,
        "sent": sent,
        "percent": 100 if finished or not total else min(100, sent * 100 // total),
        "finished": finished,
        "no_worker": pending > 0 and not worker_alive(),
    }


def _letters(delivery: Any, url_name: str, entry_no: int) -> dict[str, str]:
    """The download links of the letters built for `delivery` (pdf, docx)."""
    from rapport.delivery.letters import LETTER_FIELDS

    url = reverse(url_name, args=[entry_no])
    return {
        kind: f"{url}?format={kind}"
        for kind, field in LETTER_FIELDS.items()
        if getattr(delivery, field, None) is not None
    }


def logged_segment_delivery(request: HttpRequest, entry_no: int) -> dict[str, Any] | None:
    """What the logged segment's delivery panel shows, or None when it was not delivered."""
    from rapport.delivery.models import OutboxMessage
    from rapport.delivery.services import delivery_for_logged_segment

    delivery = delivery_for_logged_segment(entry_no)
    if delivery is None:
        return None
    progress = _progress(delivery)
    failed = []
    if progress["failed"] and progress["finished"]:
        failed = list(
            OutboxMessage.objects.filter(delivery=delivery, state="failed")
            .select_related("entry__contact")
            .order_by("entry__entry_no")[:FAILED_SHOWN]
        )
    return {
        "entry_no": entry_no,
        "progress": progress,
        "failed_messages": failed,
        "failed_more": max(0, progress["failed"] - len(failed)) if failed else 0,
        "letters": _letters(delivery, "delivery:logged-segment-letters", entry_no),
        "can_write": permissions.user_can(request.user, permissions.MARKETING),
        "panel_url": reverse("delivery:logged-segment-delivery", args=[entry_no]),
        "resend_url": reverse("delivery:logged-segment-resend", args=[entry_no]),
    }


def interaction_delivery(request: HttpRequest, entry: Any) -> dict[str, Any] | None:
    """What the interaction's delivery panel shows, or None when it has nothing to deliver."""
    from rapport.delivery.services import delivery_for_entry

    delivery = delivery_for_entry(entry.entry_no)
    if delivery is None and not entry.delivery_status:
        return None
    status = entry.delivery_status
    return {
        "entry_no": entry.entry_no,
        "status": status,
        "status_label": entry.get_delivery_status_display(),
        "error": getattr(entry, "delivery_error", ""),
        "finished": status not in ("pending", "sending"),
        "no_worker": status == "pending" and not _worker_alive(),
        # The letters of the delivery (a logged segment's) only on a letter's card.
        "letters": _letters(delivery, "delivery:interaction-letters", entry.entry_no)
        if delivery is not None and entry.correspondence_type == "hard_copy"
        else {},
        "can_resend": status == "failed"
        and delivery is not None
        and permissions.user_can(request.user, permissions.MARKETING),
        "panel_url": reverse("delivery:interaction-delivery", args=[entry.entry_no]),
        "resend_url": reverse("delivery:interaction-resend", args=[entry.entry_no]),
    }


def _worker_alive() -> bool:
    from rapport.delivery.services import worker_alive

    return bool(worker_alive())


def failed_deliveries_count(user: Any) -> int:
    """The logged interactions whose delivery failed."""
    from rapport.interactions.models import InteractionLogEntry

    return InteractionLogEntry.objects.filter(delivery_status="failed", postponed=False).count()


def register() -> None:
    """The delivery panels of the logged segment and interaction cards, and the tile."""
    cards.register_panel(
        cards.CardPanel(
            card="logged_segment",
            name="delivery",
            order=10,
            template=LOGGED_SEGMENT_PANEL,
            # Above the interactions list: the progress and the failures are what the user came
            # back for, and a 10,000-line list would push them out of sight.
            place="top",
            context=lambda request, logged: {
                "delivery_panel": logged_segment_delivery(request, logged.entry_no)
            },
        )
    )
    cards.register_panel(
        cards.CardPanel(
            card="interaction",
            name="delivery",
            order=10,
            template=INTERACTION_PANEL,
            context=lambda request, entry: {"delivery_panel": interaction_delivery(request, entry)},
        )
    )
    tiles.register(
        tiles.Tile(
            order=45,
            label=_("Failed deliveries"),
            url_name="interactions:log-list",
            query="delivery_status=failed",
            count=failed_deliveries_count,
            icon="envelope-exclamation",
        )
    )
