from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "portico.core"
    label = "core"
    verbose_name = _("System")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from portico.core import logs, pg_queries, scheduled, tasks

        logs.install()
        connection_created.connect(pg_queries.install, dispatch_uid="portico.pg_queries")
        scheduled.register("planner statistics", tasks.planner_statistics_enqueue)
