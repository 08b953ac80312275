"""`portico payments reconcile`: resolve checkouts left unknown by a crash or a timeout."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portico.orgs.commands import organisation_option
from portico.payments import reconcile


class Command(BaseCommand):
    help = "Settle online checkouts left unknown, processing or pending from the gateway."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reconcile"])
        parser.add_argument("--org", help="Only this organisation (its portal address).")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_option(options["org"])
        counts = reconcile.checkouts_reconcile(organisation=organisation)
        summary = ", ".join(f"{state}: {n}" for state, n in sorted(counts.items()))
        self.stdout.write(f"Reconciled {sum(counts.values())} checkout(s). {summary}".strip())
