from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from portico.sales.models import Invoice


def _release_time_of_voided(invoice: Invoice) -> None:
    from portico.projects import services

    services.time_entries_release_invoice(invoice=invoice)


class ProjectsConfig(AppConfig):
    name = "portico.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        # The services import the models, which the app registry allows only once it is ready.
        from portico.sales.services import invoices

        invoices.invoice_voided.register(_release_time_of_voided)
