from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portico.core"
    label = "core"
