"""Scheduled work for online payments. Each task is safe to run twice."""

from __future__ import annotations

import datetime

from portico.core.jobs import retrying
from portico.payments import autopay, reconcile
from portico.sales.models import Invoice


def _organisation_of_invoice(invoice_id: int, **_: object) -> int | None:
    return Invoice.objects.filter(pk=invoice_id).values_list("organisation_id", flat=True).first()


@retrying(attempts=4, backoff_seconds=60)
def reconcile_checkouts() -> dict[str, int]:
    """Resolve checkouts left unknown, stuck in processing or pending (run every few minutes,
    e.g. `portico payments reconcile` from cron); posting is exactly once, so overlap is safe."""
    return reconcile.checkouts_reconcile()


@retrying(attempts=4, backoff_seconds=120, organisation=_organisation_of_invoice)
def autopay_invoice(invoice_id: int) -> str:
    """Charge a recurring invoice to the customer's default saved method (once per invoice:
    the checkout's idempotency key is the invoice's)."""
    outcome = autopay.autopay_charge(invoice_id=invoice_id)
    return outcome.checkout.state if outcome.checkout is not None else outcome.code


def checkout_reconciliation_enqueue(day: datetime.date) -> None:
    """The periodic job (see `portico.core.scheduled`); reconciliation is not tied to a day."""
    reconcile_checkouts.enqueue()
