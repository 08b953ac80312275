"""Scheduled work for sales documents. Each task is safe to run twice."""

from __future__ import annotations

import datetime

from django_tasks import task

from portico.sales import services


@task()
def generate_recurring_invoices(today: str) -> int:
    """Create every invoice recurring profiles owe up to `today` (ISO date)."""
    return len(services.recurring_generate_due(today=datetime.date.fromisoformat(today)))


@task()
def expire_estimates(today: str) -> int:
    return services.estimate_expire_due(today=datetime.date.fromisoformat(today))


def recurring_invoices_enqueue(day: datetime.date) -> None:
    """The periodic job (see `portico.core.scheduled`)."""
    generate_recurring_invoices.enqueue(day.isoformat())


def estimate_expiry_enqueue(day: datetime.date) -> None:
    """The periodic job (see `portico.core.scheduled`)."""
    expire_estimates.enqueue(day.isoformat())
