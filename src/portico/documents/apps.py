from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "portico.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from portico.documents import sending
        from portico.payments import reminders
        from portico.sales.services import recurring

        recurring.invoice_email.register(sending.recurring_invoice_enqueue)
        reminders.reminder_email.register(sending.reminder_send)
