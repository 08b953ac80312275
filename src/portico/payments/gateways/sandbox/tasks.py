"""The sandbox's background work: settle a bank debit when due, deliver its webhook."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import default_task_backend, task

from portico.payments.gateways.sandbox import settlement

MAX_DELIVERY_ATTEMPTS = 5


@task()
def settle_charge(charge_id: str) -> str | None:
    return settlement.charge_settle(charge_id=charge_id)


@task()
def deliver_event(event_id: str, attempt: int = 1) -> bool:
    """Deliver once; on failure try again later with back-off, up to MAX_DELIVERY_ATTEMPTS."""
    if settlement.event_deliver(event_id=event_id):
        return True
    if attempt < MAX_DELIVERY_ATTEMPTS:
        retry = deliver_event
        if default_task_backend.supports_defer:
            retry = retry.using(run_after=timezone.now() + timedelta(seconds=30 * 2**attempt))
        retry.enqueue(event_id=event_id, attempt=attempt + 1)
    return False
