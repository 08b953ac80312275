"""Periodic work, queued as tasks: recurring invoices (and their autopay), estimate expiry and
checkout reconciliation. Every job is idempotent, so queueing it more often than needed — two
workers, a cron line and a worker, a restart — changes nothing."""

from __future__ import annotations

import datetime
import logging
import threading

from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)


def scheduled_enqueue(*, today: datetime.date | None = None) -> list[str]:
    """Queue every periodic job for `today`; answers their names."""
    # The jobs live in the apps that build on core: imported here, not at module level.
    from portico.payments.tasks import reconcile_checkouts
    from portico.sales.tasks import expire_estimates, generate_recurring_invoices

    day = (today or timezone.localdate()).isoformat()
    generate_recurring_invoices.enqueue(day)
    expire_estimates.enqueue(day)
    reconcile_checkouts.enqueue()
    return ["recurring invoices", "estimate expiry", "checkout reconciliation"]


def scheduler_start(*, every_seconds: float) -> threading.Event:
    """Queue the periodic jobs now and then every `every_seconds` in a daemon thread (the
    worker runs it beside itself). Set the answered event to stop it."""
    stop = threading.Event()

    def run() -> None:
        while True:
            try:
                scheduled_enqueue()
            except Exception:  # a failed round is logged; the next one tries again
                logger.exception("queueing the periodic jobs failed")
            finally:
                close_old_connections()
            if stop.wait(every_seconds):
                return

    threading.Thread(target=run, name="portico-scheduler", daemon=True).start()
    return stop
