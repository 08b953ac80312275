from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portico.core import events, scheduled


class WebhooksConfig(AppConfig):
    name = "portico.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from portico.webhooks import services, tasks

        events.published.register(services.deliveries_queue_for)
        scheduled.register("webhook retries", tasks.webhook_retries_enqueue)
