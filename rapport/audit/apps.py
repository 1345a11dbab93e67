from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "rapport.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        # Core's operations (users) write their entries through core's registry.
        from rapport.audit import services
        from rapport.core import auditing

        auditing.register_writer(services)
        # The "Changes" button of the cards (their record's trail, for administrators).
        from rapport.audit.views import register_card_actions

        register_card_actions()
