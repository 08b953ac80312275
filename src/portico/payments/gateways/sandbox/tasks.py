"""The sandbox's background work: settle a bank debit when due, deliver its webhook."""

from __future__ import annotations

from portico.core.jobs import retrying
from portico.payments.gateways.sandbox import settlement

MAX_DELIVERY_ATTEMPTS = 5


class WebhookNotDelivered(Exception):
    pass


@retrying(attempts=5, backoff_seconds=30)
def settle_charge(charge_id: str) -> str | None:
    return settlement.charge_settle(charge_id=charge_id)


@retrying(attempts=MAX_DELIVERY_ATTEMPTS, backoff_seconds=60)
def deliver_event(event_id: str) -> bool:
    """Deliver once; a refused or unreachable endpoint is tried again later with backoff."""
    if not settlement.event_deliver(event_id=event_id):
        raise WebhookNotDelivered(f"the webhook endpoint did not accept event {event_id}")
    return True
