"""Scheduled work for online payments. Each task is safe to run twice."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

from portico.core.jobs import retrying
from portico.payments import autopay, reconcile, reminders
from portico.sales.models import Invoice

logger = logging.getLogger(__name__)

RECONCILE_DELAY = reconcile.FRESH_UNKNOWN + datetime.timedelta(seconds=10)
"""How long after a checkout is left unknown its own reconcile runs: the customer sees "being
confirmed" for well under a minute, and a gateway that answers late has had time to record it."""


def _organisation_of_invoice(invoice_id: int, **_: object) -> int | None:
    return Invoice.objects.filter(pk=invoice_id).values_list("organisation_id", flat=True).first()


@retrying(attempts=4, backoff_seconds=60)
def reconcile_checkouts() -> dict[str, int]:
    """Resolve checkouts left unknown, stuck in processing or pending (run every few minutes,
    e.g. `portico payments reconcile` from cron); posting is exactly once, so overlap is safe."""
    return reconcile.checkouts_reconcile()


@retrying(attempts=4, backoff_seconds=60)
def reconcile_checkout(checkout_id: int) -> str:
    """Settle one checkout from the gateway's record (queued when a checkout is left unknown)."""
    return reconcile.checkout_reconcile_by_id(checkout_id=checkout_id)


def reconcile_checkout_soon(checkout_id: int) -> None:
    """Queue `reconcile_checkout` to run `RECONCILE_DELAY` from now.

    A backend that cannot defer (the immediate one, in tests and one-off commands) would run it
    at once, inside the request that just lost the gateway's answer: there the periodic job
    reconciles instead, as it does every unknown checkout whatever its age.
    """
    if not reconcile_checkout.get_backend().supports_defer:
        logger.info("checkout #%s: tasks cannot wait; the periodic job reconciles it", checkout_id)
        return
    deferred = reconcile_checkout.using(run_after=timezone.now() + RECONCILE_DELAY)
    deferred.enqueue(checkout_id=checkout_id)


@retrying(attempts=4, backoff_seconds=120, organisation=_organisation_of_invoice)
def autopay_invoice(invoice_id: int) -> str:
    """Charge a recurring invoice to the customer's default saved method (once per invoice:
    the checkout's idempotency key is the invoice's)."""
    outcome = autopay.autopay_charge(invoice_id=invoice_id)
    return outcome.checkout.state if outcome.checkout is not None else outcome.code


@retrying(attempts=4, backoff_seconds=60)
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
