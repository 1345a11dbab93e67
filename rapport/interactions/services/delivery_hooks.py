"""Delivery of logged interactions, requested by the apps that log them.

Logging an interaction (a single one, or a whole segment) with *Deliver* asks for its e-mail or
letter to reach the contact. The delivery app, above interactions and segments, does that; it
registers itself here in its `AppConfig.ready()`, so interactions and segments can request
delivery without importing it (ARCHITECTURE.md: dependencies point down).

`delivery_request` is called inside the logging transaction, after the entries are written: what
the requester records commits or rolls back with them, and it queues its background work on
commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from rapport.core.errors import DomainError

DeliveryRequester = Callable[..., Any]

_requester: list[DeliveryRequester] = []


def register_delivery_requester(requester: DeliveryRequester) -> None:
    """Register the one delivery requester (again on a repeated `ready()`: it replaces)."""
    _requester[:] = [requester]


def delivery_available() -> bool:
    """Whether a delivery requester is registered (the delivery app is installed)."""
    return bool(_requester)


def delivery_request(
    *,
    actor: Any,
    entry_nos: list[int] | None = None,
    logged_segment_entry_no: int | None = None,
) -> Any:
    """Ask for delivery of the given log entries, or of all entries of a logged segment.
    Returns what the requester returns (its delivery record); refuses when none is
    registered."""
    if not _requester:
        raise DomainError(
            _("Delivery is not available in this installation."), code="not_available"
        )
    return _requester[0](
        actor=actor, entry_nos=entry_nos, logged_segment_entry_no=logged_segment_entry_no
    )
