from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portico.core import scheduled


class SalesConfig(AppConfig):
    name = "portico.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        # The tasks import the models, which the app registry allows only once it is ready.
        from portico.sales import tasks

        scheduled.register("recurring invoices", tasks.recurring_invoices_enqueue)
        scheduled.register("estimate expiry", tasks.estimate_expiry_enqueue)
