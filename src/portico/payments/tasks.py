"""Scheduled work for online payments. Each task is safe to run twice."""

from __future__ import annotations

import datetime

from django_tasks import task

from portico.payments import autopay, reconcile, reminders


@task()
def reconcile_checkouts() -> dict[str, int]:
    """Resolve checkouts left unknown, stuck in processing or pending (run every few minutes,
    e.g. `portico payments reconcile` from cron); posting is exactly once, so overlap is safe."""
    return reconcile.checkouts_reconcile()


@task()
def autopay_invoice(invoice_id: int) -> str:
    """Charge a recurring invoice to the customer's default saved method (once per invoice:
    the checkout's idempotency key is the invoice's)."""
    outcome = autopay.autopay_charge(invoice_id=invoice_id)
    return outcome.checkout.state if outcome.checkout is not None else outcome.code


@task()
def send_payment_reminders() -> int:
    """Email the reminders each organisation's schedule has due today, in its own time zone
    (the day the scheduler passes is the server's; each stage is sent once per invoice)."""
    return reminders.reminders_send_due()


def checkout_reconciliation_enqueue(day: datetime.date) -> None:
    """The periodic job (see `portico.core.scheduled`); reconciliation is not tied to a day."""
    reconcile_checkouts.enqueue()


def payment_reminders_enqueue(day: datetime.date) -> None:
    """The periodic job (see `portico.core.scheduled`); "today" is each organisation's own."""
    send_payment_reminders.enqueue()
