from django.apps import AppConfig

from portico.core import events, scheduled


class WebhooksConfig(AppConfig):
    name = "portico.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        from portico.webhooks import services, tasks

        events.published.register(services.deliveries_queue_for)
        scheduled.register("webhook retries", tasks.webhook_retries_enqueue)
