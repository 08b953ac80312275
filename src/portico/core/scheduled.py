"""Periodic work, queued as tasks. The apps register their jobs from `AppConfig.ready`
(recurring invoices and estimate expiry from sales, checkout reconciliation and payment
reminders from payments); the scheduler queues them in the order they were registered. Every
job is idempotent, so queueing it more often than needed — two workers, a cron line and a
worker, a restart — changes nothing."""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)

Enqueue = Callable[[datetime.date], None]
"""Queues one periodic job for the given day."""

_jobs: dict[str, Enqueue] = {}


def register(name: str, enqueue: Enqueue) -> None:
    """Add a periodic job under `name` (registering a name again replaces its job in place)."""
    _jobs[name] = enqueue


def registered() -> list[str]:
    """The names of the periodic jobs, in the order they are queued."""
    return list(_jobs)


def scheduled_enqueue(*, today: datetime.date | None = None) -> list[str]:
    """Queue every periodic job for `today`; answers their names."""
    day = today or timezone.localdate()
    jobs = list(_jobs.items())
    for _, enqueue in jobs:
        enqueue(day)
    return [name for name, _ in jobs]


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
