from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractionsConfig(AppConfig):
    name = "rapport.interactions"
    label = "interactions"
    verbose_name = _("Interactions")

    def ready(self) -> None:
        from rapport.core import tiles
        from rapport.interactions.models import InteractionTemplate

        tiles.register(
            tiles.Tile(
                order=60,
                label=_("Interaction templates"),
                url_name="interactions:template-list",
                count=lambda user: InteractionTemplate.objects.count(),
                icon="chat-left-text",
            )
        )
