"""`portico ledger check`: prove every customer's ledger agrees with their documents, and every
online payment with the gateway's record of charges."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portico.orgs.commands import organisation_option
from portico.payments import ledger


class Command(BaseCommand):
    help = (
        "Check that each customer's ledger balance equals open invoices less unused credit, that "
        "each customer account (outstanding, credit, open invoices, last payment) agrees with "
        "the ledger, that the portal lists' counts agree with the documents, and that online "
        "payments match the charges the gateways recorded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["check"])
        parser.add_argument("--org", help="Only this organisation (its portal address).")
        parser.add_argument(
            "--since",
            type=datetime.date.fromisoformat,
            help="Compare only payments and charges from this day on (YYYY-MM-DD).",
        )
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Write the lists' counts of the customers found adrift again from their "
            "documents (they are reported all the same).",
        )
        parser.add_argument(
            "--no-gateway",
            action="store_true",
            help="Skip the comparison with the gateways (e.g. when they cannot be reached).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_option(options["org"])
        mismatches = ledger.check(organisation=organisation)
        for m in mismatches:
            self.stderr.write(
                f"{m.contact} (#{m.contact_id}): ledger owes {m.ledger.receivable}, "
                f"credit {m.ledger.credit}; documents owe {m.documents.receivable}, "
                f"credit {m.documents.credit}"
            )
        drifts = ledger.accounts_check(organisation=organisation)
        for drift in drifts:
            self.stderr.write(drift.describe())
        day_drifts = ledger.days_check(organisation=organisation)
        for day_drift in day_drifts:
            self.stderr.write(day_drift.describe())
        count_drifts = ledger.counts_check(organisation=organisation, repair=options["repair"])
        for count_drift in count_drifts:
            self.stderr.write(count_drift.describe())
        differences = []
        if not options["no_gateway"]:
            differences = ledger.gateway_check(organisation=organisation, since=options["since"])
            for difference in differences:
                self.stderr.write(difference.describe())
        problems = []
        if mismatches:
            problems.append(f"{len(mismatches)} customer(s) out of balance")
        if drifts:
            problems.append(f"{len(drifts)} customer account(s) adrift from the ledger")
        if day_drifts:
            problems.append(f"{len(day_drifts)} ledger day(s) adrift from the postings")
        if count_drifts:
            problems.append(
                f"{len(count_drifts)} list count(s) adrift from the documents"
                + (" (repaired)" if options["repair"] else "")
            )
        if differences:
            problems.append(f"{len(differences)} difference(s) with the gateways")
        if problems:
            raise CommandError("; ".join(problems) + ".")
        self.stdout.write(
            self.style.SUCCESS(
                "Ledger agrees with invoices and credit, customer accounts and days with the "
                "ledger, and "
                "the portal lists' counts with the documents"
                + ("." if options["no_gateway"] else "; online payments agree with the gateways.")
            )
        )
