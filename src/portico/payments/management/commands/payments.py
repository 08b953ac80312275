"""`portico payments reconcile`: resolve checkouts left unknown by a crash or a timeout."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portico.orgs.models import Organisation
from portico.payments import reconcile


class Command(BaseCommand):
    help = "Settle online checkouts left unknown, processing or pending from the gateway."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reconcile"])
        parser.add_argument("--org", help="Only this organisation (its portal address).")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = None
        if options["org"]:
            organisation = Organisation.objects.filter(slug=options["org"]).first()
            if organisation is None:
                raise CommandError(f"No organisation {options['org']!r}.")
        counts = reconcile.checkouts_reconcile(organisation=organisation)
        summary = ", ".join(f"{state}: {n}" for state, n in sorted(counts.items()))
        self.stdout.write(f"Reconciled {sum(counts.values())} checkout(s). {summary}".strip())
