"""What delivery plugs into the registries of the apps below it (called from `ready()`; each
registration replaces an earlier one, so a repeated `ready()` is harmless)."""

from __future__ import annotations


def register_all() -> None:
    """Register delivery's hooks: the delivery requester, job source, attachment validators,
    cards and tiles. Each work package adds its line here."""
    __import__("rapport.delivery.cards", fromlist=["register"]).register()  # G: panels, tile
    __import__("rapport.delivery.merge.validators", fromlist=["register"]).register()  # C
    __import__("rapport.delivery.services.hooks", fromlist=["register"]).register()  # D: outbox
