from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class NumberingConfig(AppConfig):
    name = "rapport.numbering"
    label = "numbering"
    verbose_name = pgettext_lazy("plural", "Number series")

    def ready(self) -> None:
        from rapport.core import tiles
        from rapport.numbering.models import NumberSeries

        tiles.register(
            tiles.Tile(
                order=90,
                label=pgettext_lazy("plural", "Number series"),
                url_name="numbering:list",
                count=lambda user: NumberSeries.objects.count(),
                icon="123",
            )
        )
