"""Background work of documents: email a recurring profile's new invoice after it committed."""

from __future__ import annotations

from django_tasks import task


@task()
def send_recurring_invoice(invoice_id: int) -> str:
    """Email the invoice to the customer's default recipients (once per invoice: the send's
    key is the invoice's, so a retried task sends nothing more)."""
    from portico.documents import sending

    return sending.recurring_invoice_send_by_id(invoice_id=invoice_id)
