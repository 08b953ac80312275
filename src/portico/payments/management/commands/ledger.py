"""`portico ledger check`: prove every customer's ledger agrees with their documents."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portico.orgs.commands import organisation_option
from portico.payments import ledger


class Command(BaseCommand):
    help = "Check that each customer's ledger balance equals open invoices less unused credit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["check"])
        parser.add_argument("--org", help="Only this organisation (its portal address).")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_option(options["org"])
        mismatches = ledger.check(organisation=organisation)
        for m in mismatches:
            self.stderr.write(
                f"{m.contact} (#{m.contact_id}): ledger owes {m.ledger.receivable}, "
                f"credit {m.ledger.credit}; documents owe {m.documents.receivable}, "
                f"credit {m.documents.credit}"
            )
        if mismatches:
            raise CommandError(f"{len(mismatches)} customer(s) out of balance.")
        self.stdout.write(self.style.SUCCESS("Ledger agrees with invoices and credit."))
