from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SetupConfig(AppConfig):
    name = "rapport.setup"
    label = "setup"
    verbose_name = _("Setup")

    def ready(self) -> None:
        from rapport.attachments.hooks import register_storage_policy
        from rapport.setup.selectors import attachment_storage_policy

        register_storage_policy(attachment_storage_policy)
