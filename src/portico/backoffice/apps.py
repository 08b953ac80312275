from django.apps import AppConfig

from portico.core import scheduled


class BackofficeConfig(AppConfig):
    name = "portico.backoffice"
    label = "backoffice"

    def ready(self) -> None:
        from portico.backoffice import tasks

        scheduled.register("unconfirmed import files", tasks.import_files_sweep_enqueue)
