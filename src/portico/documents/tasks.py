"""Background work of documents: email a recurring profile's new invoice after it committed."""

from __future__ import annotations

from portico.core.jobs import retrying


@retrying(attempts=4, backoff_seconds=60)
def send_recurring_invoice(invoice_id: int) -> str:
    """Email the invoice to the customer's default recipients (once per invoice: the send's
    key is the invoice's, so a retried task sends nothing more)."""
    from portico.documents import sending

    return sending.recurring_invoice_send_by_id(invoice_id=invoice_id)
