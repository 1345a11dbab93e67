from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run` and for trying Rapport out. Sits above every other app."""

    name = "rapport.demo"
    label = "demo"
