"""Periodic work, queued as tasks. The apps register their jobs from `AppConfig.ready`
(recurring invoices and estimate expiry from sales, checkout reconciliation and payment
reminders from payments); the scheduler queues them in the order they were registered. Every
worker runs a scheduler,
and each period is queued once cluster-wide: the scheduler that inserts the period's
`ScheduledRun` row queues the job, the others find the row and skip it. The jobs stay
idempotent anyway (a cron line beside the workers, `portico scheduled` by hand)."""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable

from django.db import IntegrityError, close_old_connections, transaction
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


def period_of(moment: datetime.datetime, every_seconds: float) -> str:
    """The name of the period of `every_seconds` that `moment` falls in (the same on every node)."""
    return str(int(moment.timestamp() // max(every_seconds, 1)))


def _claim(name: str, period: str) -> bool:
    from portico.core.models import ScheduledRun

    try:
        with transaction.atomic():
            ScheduledRun.objects.create(job=name, period=period)
    except IntegrityError:
        return False
    return True


def scheduled_enqueue(
    *, today: datetime.date | None = None, once_per: float | None = None
) -> list[str]:
    """Queue every periodic job for `today`; answers the names of those queued.

    With `once_per` (seconds), a job is queued only by the first scheduler of the cluster to
    claim the current period; the claim and the queueing commit together, so a failed enqueue
    leaves the period for the next round.
    """
    day = today or timezone.localdate()
    period = period_of(timezone.now(), once_per) if once_per else ""
    queued = []
    for name, enqueue in list(_jobs.items()):
        if not once_per:
            enqueue(day)
            queued.append(name)
            continue
        with transaction.atomic():
            if not _claim(name, period):
                continue
            enqueue(day)
        queued.append(name)
    if once_per:
        from portico.core.models import ScheduledRun

        ScheduledRun.objects.filter(
            queued_at__lt=timezone.now() - datetime.timedelta(days=7)
        ).delete()
    return queued


def scheduler_start(*, every_seconds: float) -> threading.Event:
    """Queue the periodic jobs now and then every `every_seconds` in a daemon thread (the
    worker runs it beside itself). Set the answered event to stop it."""
    stop = threading.Event()

    def run() -> None:
        while True:
            try:
                scheduled_enqueue(once_per=every_seconds)
            except Exception:  # a failed round is logged; the next one tries again
                logger.exception("queueing the periodic jobs failed")
            finally:
                close_old_connections()
            if stop.wait(every_seconds):
                return

    threading.Thread(target=run, name="portico-scheduler", daemon=True).start()
    return stop
