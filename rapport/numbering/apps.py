from django.apps import AppConfig


class NumberingConfig(AppConfig):
    name = "rapport.numbering"
    label = "numbering"
