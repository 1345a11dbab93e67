"""Steps run when a contact is deleted: what an app above contacts must do to its own rows
before the contact goes (the interaction log moves a person's entries to its company,
reference 1.14).

An app registers its step in its AppConfig.ready(), so contacts knows nothing of the apps
above it (as `core/tiles.py` does for the Role Center tiles). `contacts.services.contact_delete`
runs the steps in the order they were registered, inside its transaction and before the
contact (and a company's persons) is deleted: a step that raises undoes the whole delete.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rapport.contacts.models import Contact

# A step is called as `step(contact=contact)` with the contact about to be deleted (locked).
ContactDeleteStep = Callable[..., None]

_steps: list[ContactDeleteStep] = []


def register_contact_delete_step(step: ContactDeleteStep) -> ContactDeleteStep:
    """Run `step(contact=...)` whenever a contact is deleted (once, however often it is
    registered). Returns the step, so it can be used as a decorator."""
    if step not in _steps:
        _steps.append(step)
    return step


def contact_delete_steps() -> tuple[ContactDeleteStep, ...]:
    """The registered steps, in the order they run."""
    return tuple(_steps)


def run_contact_delete_steps(*, contact: Contact) -> None:
    """Run every registered step for `contact`, in registration order."""
    for step in _steps:
        step(contact=contact)
