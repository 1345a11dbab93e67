from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rapport.core"
    label = "core"
    verbose_name = "Rapport"

    def ready(self) -> None:
        # The OpenAPI extensions register themselves when imported (rapport/core/api/schema.py).
        from rapport.core.api import schema  # noqa: F401
