"""Webhook deliveries run as tasks; each is safe to run twice (see `services.delivery_attempt`)."""

from __future__ import annotations

import datetime

from django_tasks import task

from portico.webhooks import services


@task()
def webhook_deliver(delivery_id: int) -> str:
    delivery = services.delivery_attempt(delivery_id=delivery_id)
    return delivery.status if delivery is not None else "skipped"


@task()
def webhook_retries_run() -> int:
    """Attempt every delivery whose backoff has run out."""
    due = services.deliveries_due()
    for delivery_id in due:
        services.delivery_attempt(delivery_id=delivery_id)
    return len(due)


def webhook_retries_enqueue(day: datetime.date) -> None:
    """The periodic job (`portico.core.scheduled`): retries are not tied to a day."""
    webhook_retries_run.enqueue()
