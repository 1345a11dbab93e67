"""The card registry (`rapport.core.cards`): what a higher app registers for a card is shown on
that card only, in order, to the users whose role allows it; registering a name again replaces
it; a blank URL leaves an action out."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.template import Context, Template

from rapport.core import cards, permissions
from rapport.core.views import Action

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty registry for the test (the apps' own registrations come back after it)."""
    monkeypatch.setattr(cards, "_actions", {})
    monkeypatch.setattr(cards, "_panels", {})


def request_for(user: Any) -> Any:
    return SimpleNamespace(user=user)


def action(name: str, order: int, card: str = "thing", **kwargs: Any) -> cards.CardAction:
    return cards.CardAction(
        card=card,
        name=name,
        order=order,
        label=name.title(),
        url=kwargs.pop("url", lambda request, subject: f"/{name}/{subject}/"),
        **kwargs,
    )


def panel(name: str, order: int, card: str = "thing", **kwargs: Any) -> cards.CardPanel:
    return cards.CardPanel(
        card=card,
        name=name,
        order=order,
        template=f"{name}.html",
        context=lambda request, subject: {name: {"subject": subject}},
        **kwargs,
    )


def test_nothing_registered_gives_nothing(registry: None, admin_user: Any) -> None:
    request = request_for(admin_user)
    assert cards.card_actions("thing", request, "T1") == []
    assert cards.card_panels("thing", request, "T1") == {"card_panels": {}, "card_scripts": []}


def test_actions_in_order_for_their_card_only(registry: None, admin_user: Any) -> None:
    cards.register_action(action("second", 20, icon="b", dialog=True))
    cards.register_action(action("first", 10))
    cards.register_action(action("elsewhere", 5, card="other"))
    cards.register_action(action("blank", 15, url=lambda request, subject: ""))
    assert cards.card_actions("thing", request_for(admin_user), "T1") == [
        Action("First", "/first/T1/"),
        Action("Second", "/second/T1/", icon="b", dialog=True),
    ]
    # The same name again replaces the action.
    cards.register_action(action("first", 30))
    labels = [found.label for found in cards.card_actions("thing", request_for(admin_user), "T")]
    assert labels == ["Second", "First"]


def test_a_capability_hides_an_action_or_panel(
    registry: None, admin_user: Any, read_only_user: Any
) -> None:
    cards.register_action(action("create", 10, capability=permissions.INTERACTIONS))
    cards.register_action(action("list", 20))
    cards.register_panel(panel("secret", 10, capability=permissions.SETUP))
    cards.register_panel(panel("open", 20))
    reader = request_for(read_only_user)
    assert [found.label for found in cards.card_actions("thing", reader, "T1")] == ["List"]
    assert cards.card_panels("thing", reader, "T1")["card_panels"] == {
        "main": [{"name": "open", "template": "open.html"}]
    }
    admin = request_for(admin_user)
    assert [found.label for found in cards.card_actions("thing", admin, "T1")] == [
        "Create",
        "List",
    ]
    assert [
        row["name"] for row in cards.card_panels("thing", admin, "T1")["card_panels"]["main"]
    ] == [
        "secret",
        "open",
    ]
    assert cards.card_actions("thing", request_for(None), "T1") == []  # not signed in


def test_panels_by_place_with_their_context_and_scripts_once(
    registry: None, admin_user: Any
) -> None:
    cards.register_panel(panel("chart", 20, scripts="chart/scripts.html"))
    cards.register_panel(panel("figures", 10, place="top", scripts="chart/scripts.html"))
    cards.register_panel(panel("list", 30))
    cards.register_panel(panel("elsewhere", 1, card="other"))
    assert cards.card_panels("thing", request_for(admin_user), "T1") == {
        "figures": {"subject": "T1"},
        "chart": {"subject": "T1"},
        "list": {"subject": "T1"},
        "card_panels": {
            "top": [{"name": "figures", "template": "figures.html"}],
            "main": [
                {"name": "chart", "template": "chart.html"},
                {"name": "list", "template": "list.html"},
            ],
        },
        "card_scripts": ["chart/scripts.html"],
    }


def test_a_card_template_includes_its_panels_with_their_context(
    registry: None, admin_user: Any
) -> None:
    cards.register_panel(
        cards.CardPanel(
            card="thing",
            name="greeting",
            order=10,
            template=Template("<p>{{ greeting.text }} {{ page }}</p>"),
            context=lambda request, subject: {"greeting": {"text": f"Hello {subject}"}},
        )
    )
    card = Template(
        "{% for panel in card_panels.top %}{% include panel.template %}{% endfor %}|"
        "{% for panel in card_panels.main %}{% include panel.template %}{% endfor %}"
    )
    context = {"page": "card", **cards.card_panels("thing", request_for(admin_user), "T1")}
    assert card.render(Context(context)) == "|<p>Hello T1 card</p>"
