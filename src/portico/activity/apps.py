from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "portico.activity"
    label = "activity"

    def ready(self) -> None:
        from portico.activity import audit, services
        from portico.core import jobs

        jobs.task_failed.register(services.failed_task_notify)
        audit.connect()
