"""Scheduled work for online payments. Each task is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from portico.payments import reconcile


@task()
def reconcile_checkouts() -> dict[str, int]:
    """Resolve checkouts left unknown, stuck in processing or pending (run every few minutes,
    e.g. `portico payments reconcile` from cron); posting is exactly once, so overlap is safe."""
    return reconcile.checkouts_reconcile()
