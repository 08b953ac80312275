from django.apps import AppConfig

from portico.core import scheduled


class ApiConfig(AppConfig):
    name = "portico.api"
    label = "api"

    def ready(self) -> None:
        from portico.api import tasks

        scheduled.register("API idempotency keys", tasks.idempotency_keys_purge_enqueue)
