from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def interactions_this_month(user: Any) -> int:
    """Logged, not canceled interactions dated in the month of the user's work date."""
    from rapport.interactions.models import InteractionLogEntry
    from rapport.interactions.views.log import month_of

    first, last = month_of(user.effective_work_date)
    return InteractionLogEntry.objects.filter(
        postponed=False, canceled=False, date__gte=first, date__lte=last
    ).count()


def postponed_count(user: Any) -> int:
    """The postponed interactions the user sees (a salesperson-role user: their own)."""
    from rapport.interactions.models import InteractionLogEntry
    from rapport.interactions.services import postponed_visible_to

    return InteractionLogEntry.objects.filter(postponed_visible_to(user), postponed=True).count()


class InteractionsConfig(AppConfig):
    name = "rapport.interactions"
    label = "interactions"
    verbose_name = _("Interactions")

    def ready(self) -> None:
        from rapport.contacts.deletion import register_contact_delete_step
        from rapport.core import tiles
        from rapport.interactions import cards
        from rapport.interactions.models import InteractionTemplate
        from rapport.interactions.services import interactions_detach_contact

        # The interaction actions and panels of the contact, salesperson and campaign cards.
        cards.register()
        # Deleting a contact moves (or clears) its interactions first (reference 1.14).
        register_contact_delete_step(interactions_detach_contact)

        tiles.register(
            tiles.Tile(
                order=60,
                label=_("Interaction templates"),
                url_name="interactions:template-list",
                count=lambda user: InteractionTemplate.objects.count(),
                icon="chat-left-text",
            )
        )
        tiles.register(
            tiles.Tile(
                order=30,
                label=_("Postponed interactions"),
                url_name="interactions:postponed-list",
                count=postponed_count,
                icon="hourglass-split",
            )
        )
        tiles.register(
            tiles.Tile(
                order=40,
                label=_("Interactions this month"),
                url_name="interactions:log-this-month",
                count=interactions_this_month,
                icon="journal-text",
            )
        )
