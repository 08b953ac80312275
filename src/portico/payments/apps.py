from django.apps import AppConfig

from portico.core import scheduled


class PaymentsConfig(AppConfig):
    name = "portico.payments"
    label = "payments"

    def ready(self) -> None:
        # The tasks import the models, which the app registry allows only once it is ready.
        from portico.payments import tasks

        scheduled.register("checkout reconciliation", tasks.checkout_reconciliation_enqueue)
