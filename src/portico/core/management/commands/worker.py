"""`portico worker`: run background tasks (emails, PDFs, notifications) from the database queue,
and queue the periodic jobs every few minutes (`portico.core.scheduled`)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

from portico.core.scheduled import scheduler_start


def _runs_the_worker() -> bool:
    """With DEBUG the worker reloads on code changes: the parent process only watches files
    and a child runs the worker, so the scheduler belongs in the child alone."""
    return not settings.DEBUG or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"


class Command(BaseCommand):
    help = "Run the background task worker (the database task backend)."

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

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.TASKS_BACKEND != "database":
            raise CommandError(
                f"TASKS_BACKEND is {settings.TASKS_BACKEND!r}; "
                "the worker runs the 'database' backend."
            )
        worker_args = ["--interval", str(options["interval"])]
        if options["batch"]:
            worker_args.append("--batch")
        elif options["schedule_every"] > 0 and _runs_the_worker():
            scheduler_start(every_seconds=options["schedule_every"])
        call_command("db_worker", *worker_args)
