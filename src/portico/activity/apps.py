from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivityConfig(AppConfig):
    name = "portico.activity"
    label = "activity"
    verbose_name = _("Activity")

    def ready(self) -> None:
        from portico.activity import audit, services, tasks
        from portico.core import jobs, scheduled

        jobs.task_failed.register(services.failed_task_notify)
        audit.connect()
        scheduled.register("audit trail retention", tasks.sign_in_rows_purge_enqueue)
