"""What higher apps show on a lower app's card (the contact, salesperson and campaign cards).

The rule: a card knows nothing of the apps above its own. A higher app registers its
contributions in its AppConfig.ready(), keyed by the card's name, and the card shows whatever is
registered, in `order`, to the users whose role allows it (`capability`, as `core.tiles`):

- a `CardAction` is a button of the action bar; the card puts its own actions first (Edit, ...),
  then the registered ones, then its own Delete. A blank URL leaves the action out.
- a `CardPanel` is a template included in one of the card's places (`place`, e.g. "top" or
  "main": the card's template says where each place is). Its `context` function adds the
  template's context under the panel's own key(s) (e.g. `{"timeline": {...}}`); `scripts`
  names a template of `<script>` tags the page then includes once.

Without the higher app (nothing registered) the card shows only its own fields and actions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from rapport.core.permissions import user_can
from rapport.core.views import Action


@dataclass(frozen=True)
class CardAction:
    """A button on `card`'s action bar: `url(request, subject)` is where it leads."""

    card: str
    name: str  # unique per card: registering the same name again replaces the action
    order: int
    label: Any
    url: Callable[[HttpRequest, Any], str]
    icon: str = ""
    dialog: bool = False
    capability: str | None = None


@dataclass(frozen=True)
class CardPanel:
    """A section of `card`: `template` (a template name, or anything `{% include %}` takes)
    rendered at the card's `place` with the page's context plus `context(request, subject)`."""

    card: str
    name: str  # unique per card: registering the same name again replaces the panel
    order: int
    template: Any
    context: Callable[[HttpRequest, Any], dict[str, Any]]
    place: str = "main"
    scripts: Any = ""  # a template of <script> tags (name, or anything {% include %} takes)
    capability: str | None = None


_actions: dict[tuple[str, str], CardAction] = {}
_panels: dict[tuple[str, str], CardPanel] = {}


def register_action(action: CardAction) -> None:
    _actions[action.card, action.name] = action


def register_panel(panel: CardPanel) -> None:
    _panels[panel.card, panel.name] = panel


def card_actions(card: str, request: HttpRequest, subject: Any) -> list[Action]:
    """The registered actions of `card` for `subject` that the request's user may see, in
    order (a blank URL leaves the action out)."""
    found = []
    for action in sorted(_actions.values(), key=lambda action: action.order):
        if action.card != card or not user_can(request.user, action.capability):
            continue
        url = action.url(request, subject)
        if url:
            found.append(Action(action.label, url, icon=action.icon, dialog=action.dialog))
    return found


def card_panels(card: str, request: HttpRequest, subject: Any) -> dict[str, Any]:
    """The page context of `card`'s registered panels for `subject` that the request's user may
    see: each panel's own context, `card_panels` (the panels' templates per place, in order)
    and `card_scripts` (their script templates, each once)."""
    context: dict[str, Any] = {}
    places: dict[str, list[dict[str, Any]]] = {}
    scripts: list[Any] = []
    for panel in sorted(_panels.values(), key=lambda panel: panel.order):
        if panel.card != card or not user_can(request.user, panel.capability):
            continue
        context.update(panel.context(request, subject))
        places.setdefault(panel.place, []).append({"name": panel.name, "template": panel.template})
        if panel.scripts and panel.scripts not in scripts:
            scripts.append(panel.scripts)
    return {**context, "card_panels": places, "card_scripts": scripts}
