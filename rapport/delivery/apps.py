from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    """Merge, rendering (e-mail, Word, PDF), sending, delivery state and resends: what makes a
    logged interaction reach its contact. The top business app; the apps below reach it through
    the registries it fills here."""

    name = "rapport.delivery"
    label = "delivery"
    verbose_name = _("Delivery")

    def ready(self) -> None:
        from rapport.delivery import registrations

        registrations.register_all()
