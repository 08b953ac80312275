from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "portico.core"
    label = "core"
    verbose_name = _("System")

    def ready(self) -> None:
        from portico.core import logs, scheduled, tasks

        logs.install()
        scheduled.register("planner statistics", tasks.planner_statistics_enqueue)
