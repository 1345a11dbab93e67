"""The "may this entry be un-canceled?" checks of the apps above interactions (reference 2.7).

An interaction, or a campaign entry with its interactions, cannot be un-canceled while
something it was logged with is canceled. Interactions knows its own reason (an interaction's
canceled campaign entry); the apps above it know theirs (segments: a canceled logged segment)
and register a check in their `AppConfig.ready()`, as `rapport.core.tiles` does for the Role
Center, so that interactions imports nothing of theirs.

A check receives the entry being un-canceled, an `InteractionLogEntry` or a `CampaignEntry`, and
returns the refusal (a `ConflictError` with the user-facing message and its code) or None when
it has nothing against it. The first refusal, in the order of registration, is raised.
"""

from __future__ import annotations

from collections.abc import Callable

from rapport.campaigns.models import CampaignEntry
from rapport.core.errors import ConflictError
from rapport.interactions.models import InteractionLogEntry

UncancelCheck = Callable[[InteractionLogEntry | CampaignEntry], ConflictError | None]

_checks: dict[str, UncancelCheck] = {}


def register_uncancel_check(check: UncancelCheck) -> None:
    """Add `check` to the checks run before an un-cancel (registering it again replaces it)."""
    _checks[f"{check.__module__}.{check.__qualname__}"] = check


def registered_uncancel_checks() -> list[UncancelCheck]:
    """The registered checks, in the order of registration."""
    return list(_checks.values())


def refuse_uncancel(entry: InteractionLogEntry | CampaignEntry) -> None:
    """Raise the first refusal of the registered checks (ConflictError, 409); nothing when
    none refuses."""
    for check in _checks.values():
        refusal = check(entry)
        if refusal is not None:
            raise refusal
