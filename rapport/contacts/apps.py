from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "rapport.contacts"
    label = "contacts"
    verbose_name = _("Contacts")

    def ready(self) -> None:
        from rapport.contacts.models import Contact, Salesperson
        from rapport.core import tiles

        tiles.register(
            tiles.Tile(
                order=10,
                label=_("Contacts"),
                url_name="contacts:contact-list",
                count=lambda user: Contact.objects.count(),
                icon="person-lines-fill",
            )
        )
        tiles.register(
            tiles.Tile(
                order=50,
                label=_("Salespeople"),
                url_name="contacts:salesperson-list",
                count=lambda user: Salesperson.objects.count(),
                icon="person-badge",
            )
        )
