from django.apps import AppConfig

from portico.core import scheduled


class SalesConfig(AppConfig):
    name = "portico.sales"
    label = "sales"

    def ready(self) -> None:
        # The tasks import the models, which the app registry allows only once it is ready.
        from portico.sales import tasks

        scheduled.register("recurring invoices", tasks.recurring_invoices_enqueue)
        scheduled.register("estimate expiry", tasks.estimate_expiry_enqueue)
