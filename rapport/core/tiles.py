"""Role Center tiles. Each app registers its tiles in its AppConfig.ready(), so the home page
knows nothing of the apps above core."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class Tile:
    order: int
    label: Any
    url_name: str
    count: Callable[[Any], int]
    icon: str = "grid"
    capability: str | None = None
    query: str = ""  # appended to the URL (e.g. "delivery_status=failed")

    def visible(self, user: Any) -> bool:
        from rapport.core.permissions import user_can

        return user_can(user, self.capability)

    def render(self, user: Any) -> dict[str, Any]:
        return {
            "label": str(self.label),
            "count": self.count(user),
            "url": reverse(self.url_name) + (f"?{self.query}" if self.query else ""),
            "icon": self.icon,
        }


_tiles: dict[str, Tile] = {}


def register(tile: Tile) -> None:
    _tiles[f"{tile.url_name}?{tile.query}"] = tile


def registered() -> list[Tile]:
    return sorted(_tiles.values(), key=lambda tile: tile.order)
