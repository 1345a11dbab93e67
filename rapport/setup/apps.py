from django.apps import AppConfig


class SetupConfig(AppConfig):
    name = "rapport.setup"
    label = "setup"
