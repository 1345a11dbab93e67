"""Reads shared by the UI, API and CLI."""

from __future__ import annotations

from typing import Any

from rapport.core import tiles


def home_tiles(*, user: Any) -> list[dict[str, Any]]:
    """The Role Center tiles the user may see, each with a live count and the list it opens."""
    return [tile.render(user) for tile in tiles.registered() if tile.visible(user)]
