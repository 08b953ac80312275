"""`portico sandbox settle` settles every pending bank debit now and delivers the webhooks;
`portico sandbox deliver` retries webhooks that were not delivered."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portico.payments.gateways.sandbox import settlement


class Command(BaseCommand):
    help = "Operate the sandbox payment settlement."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        settle = sub.add_parser("settle", help="Settle all pending bank debits now.")
        settle.add_argument(
            "--due", action="store_true", help="Only the debits whose settlement time has come."
        )
        settle.add_argument(
            "--no-deliver", action="store_true", help="Leave the webhooks to the worker."
        )
        sub.add_parser("deliver", help="Deliver webhooks that are still undelivered.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "settle":
            events = settlement.settle_pending(
                due_only=options["due"], deliver_later=options["no_deliver"]
            )
            self.stdout.write(f"Settled {len(events)} pending charge(s).")
            if options["no_deliver"]:
                return
        else:
            events = settlement.undelivered_events()
        delivered = sum(settlement.event_deliver(event_id=event_id) for event_id in events)
        self.stdout.write(f"Delivered {delivered} of {len(events)} webhook(s).")
