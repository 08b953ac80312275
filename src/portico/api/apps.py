from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portico.core import scheduled


class ApiConfig(AppConfig):
    name = "portico.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from portico.api import tasks

        scheduled.register("API idempotency keys", tasks.idempotency_keys_purge_enqueue)
