"""Who may do what: one table of capabilities per role, used by the UI, API and CLI alike.

Reading is open to every signed-in user; writing needs the capability the view or operation
names. A superuser counts as an administrator.
"""

from __future__ import annotations

from typing import Any

from rapport.core.choices import Role

SETUP = "setup"  # number series, marketing setup, templates, salespeople, users
CONTACTS = "contacts"  # contacts and their classifications
MARKETING = "marketing"  # segments, logging segments, campaigns
INTERACTIONS = "interactions"  # creating and keeping interactions
OWN_PROFILE = "own_profile"  # work date, language

CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ADMINISTRATOR: frozenset({SETUP, CONTACTS, MARKETING, INTERACTIONS, OWN_PROFILE}),
    Role.MARKETING: frozenset({CONTACTS, MARKETING, INTERACTIONS, OWN_PROFILE}),
    Role.SALESPERSON: frozenset({CONTACTS, INTERACTIONS, OWN_PROFILE}),
    Role.READ_ONLY: frozenset({OWN_PROFILE}),
}


def role_of(user: Any) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "is_superuser", False):
        return Role.ADMINISTRATOR
    return getattr(user, "role", None) or Role.READ_ONLY


def user_can(user: Any, capability: str | None) -> bool:
    """True when the signed-in `user` holds `capability` (None means: any signed-in user)."""
    role = role_of(user)
    if role is None:
        return False
    if capability is None:
        return True
    return capability in CAPABILITIES.get(role, frozenset())
