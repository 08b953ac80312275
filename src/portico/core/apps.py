from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portico.core"
    label = "core"

    def ready(self) -> None:
        from portico.core import logs

        logs.install()
