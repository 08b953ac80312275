"""`portico worker`: run background tasks (emails, PDFs, webhooks, notifications) with the worker of
the configured backend — the database queue (`TASKS_BACKEND=database`) or RQ on Redis
(`TASKS_BACKEND=rq`, with RQ's scheduler for delayed jobs and retries) — and queue the periodic
jobs every few minutes, once per period cluster-wide (`portico.core.scheduled`)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.crypto import get_random_string

from portico.core import workers
from portico.core.scheduled import scheduler_start


def _runs_the_worker() -> bool:
    """With DEBUG the worker reloads on code changes: the parent process only watches files
    and a child runs the worker, so the scheduler belongs in the child alone."""
    return not settings.DEBUG or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"


class Command(BaseCommand):
    help = "Run the background task worker of the configured backend (database or rq)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument(
            "--schedule-every",
            type=float,
            default=300.0,
            help="Seconds between queueing the periodic jobs (recurring invoices, estimate "
            "expiry, reconciliation); 0 turns the scheduler off.",
        )
        parser.add_argument(
            "--lease",
            type=float,
            default=settings.TASKS_LEASE_SECONDS,
            help="Database queue: seconds without a heartbeat after which another worker "
            "takes over a running task.",
        )
        parser.add_argument(
            "--maintenance-every",
            type=int,
            default=60,
            help="RQ: seconds between cleanups of the job registries (abandoned jobs).",
        )
        parser.add_argument(
            "--heartbeat-every",
            type=int,
            default=30,
            help="RQ: seconds between the heartbeats of a running job.",
        )
        parser.add_argument("--queues", default="default", help="Comma-separated queue names.")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = settings.TASKS_BACKEND
        if backend not in {"database", "rq"}:
            raise CommandError(
                f"TASKS_BACKEND is {backend!r}: tasks run inside the process, no worker needed."
            )
        if not options["batch"] and options["schedule_every"] > 0 and _runs_the_worker():
            scheduler_start(every_seconds=options["schedule_every"])
        queues = [name.strip() for name in options["queues"].split(",") if name.strip()]
        if backend == "rq":
            workers.run_rq_worker(
                queues=queues,
                burst=options["batch"],
                maintenance_seconds=options["maintenance_every"],
                monitoring_seconds=options["heartbeat_every"],
            )
            return
        worker = workers.DatabaseWorker(
            queue_names=queues,
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            startup_delay=not options["batch"],
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
            lease_seconds=options["lease"],
            heartbeat_seconds=min(10.0, options["lease"] / 3),
        )
        if options["batch"]:
            worker.configure_signals()
            worker.maintain()
            worker.run_resilient()
            return
        if settings.DEBUG:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
                worker.start_maintenance()
            run_with_reloader(worker.run_resilient)
            return
        worker.configure_signals()
        worker.start_maintenance()
        worker.run_resilient()
