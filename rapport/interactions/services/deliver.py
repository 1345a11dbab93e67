"""Delivering a single interaction when it is logged (reference 2.1.6 steps 5 and 7): whether
to deliver it, and the request to the delivery app (`delivery_hooks`), made in the logging
transaction."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from rapport.core.errors import ErrorCollector
from rapport.core.notices import notice_warning
from rapport.interactions.models import InteractionLogEntry
from rapport.interactions.services.delivery_hooks import delivery_available, delivery_request


def deliver_check(deliver: Any, asked_type: str, *, postpone: bool, errors: ErrorCollector) -> None:
    """`deliver` is None (NAV's default), true or false; true needs a logged interaction
    with a correspondence type, and the delivery app."""
    if deliver is None or deliver is False:
        return
    if deliver is not True:
        errors.add("deliver", _("Deliver must be true or false."))
    elif postpone:
        errors.add(
            "deliver",
            _("A postponed interaction is not delivered: it is delivered when it is finished."),
        )
    elif not asked_type:
        errors.add(
            "deliver",
            _(
                "Only an interaction with a correspondence type (Email, Hard Copy, Fax) can be "
                "delivered. Choose one, or do not deliver."
            ),
        )
    elif not delivery_available():
        errors.add("deliver", _("Delivery is not available in this installation."))


def deliver_wanted(
    deliver: bool | None, asked_type: str, values: dict[str, Any], *, postpone: bool
) -> bool:
    """Reference 2.1.6 step 5: deliver when finished (not postponed) and the correspondence
    type is not blank, unless `deliver` is false. Without the delivery app, NAV's default
    delivers nothing. A correspondence type cleared by the downgrade (no e-mail address or fax
    no.) delivers nothing either; the notice says why."""
    if postpone or deliver is False or not values["correspondence_type"]:
        if deliver and asked_type and not postpone:
            notice_warning(_("The interaction is not delivered: its correspondence type is blank."))
        return False
    return deliver is True or delivery_available()


def deliver_logged(actor: Any, entry: InteractionLogEntry) -> None:
    """Ask the delivery app to deliver the logged entry, in this transaction (what it records
    commits or rolls back with the entry), and show the delivery state it set."""
    delivery_request(actor=actor, entry_nos=[entry.entry_no])
    entry.refresh_from_db(fields=["delivery_status", "delivery_error"])
