"""`portico scheduled`: queue the periodic jobs once (for cron, when no `portico worker` runs
its own scheduler)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portico.core.scheduled import scheduled_enqueue


class Command(BaseCommand):
    help = "Queue recurring invoices (with autopay), estimate expiry and checkout reconciliation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, help="The day to run for (default: today)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for name in scheduled_enqueue(today=options["date"]):
            self.stdout.write(f"queued: {name}")
