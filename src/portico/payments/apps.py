from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portico.core import scheduled


class PaymentsConfig(AppConfig):
    name = "portico.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        # The tasks import the models, which the app registry allows only once it is ready.
        from portico.payments import autopay, portal_selectors, tasks
        from portico.payments.gateways import registry
        from portico.sales import counts
        from portico.sales.services import recurring

        registry.kinds()  # loads every gateway, so a gateway account's kind offers them all

        scheduled.register("checkout reconciliation", tasks.checkout_reconciliation_enqueue)
        scheduled.register("payment reminders", tasks.payment_reminders_enqueue)
        recurring.invoice_autopay.register(autopay.autopay_enqueue)
        counts.register("payment", portal_selectors.PAYMENTS_COUNTED)
