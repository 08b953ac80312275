"""`portico org create …`: another organisation, with the same options as `portico setup`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portico.accounts.management.commands.setup import (
    add_organisation_arguments,
    create_organisation,
)


class Command(BaseCommand):
    help = "Manage organisations."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add_organisation_arguments(
            sub.add_parser("create", help="Create an organisation and its owner.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        create_organisation(self, options)
