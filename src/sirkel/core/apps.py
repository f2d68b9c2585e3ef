from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sirkel.core"
    label = "core"
