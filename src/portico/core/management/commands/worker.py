"""`portico worker`: run background tasks (emails, PDFs, notifications) from the database queue."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run the background task worker (the database task backend)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.TASKS_BACKEND != "database":
            raise CommandError(
                f"TASKS_BACKEND is {settings.TASKS_BACKEND!r}; "
                "the worker runs the 'database' backend."
            )
        worker_args = ["--interval", str(options["interval"])]
        if options["batch"]:
            worker_args.append("--batch")
        call_command("db_worker", *worker_args)
