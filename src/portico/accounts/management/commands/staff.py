"""`portico staff add --org demo --email you@example.com --role admin`"""

from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portico.accounts import services
from portico.accounts.models import Membership
from portico.orgs.commands import organisation_option


class Command(BaseCommand):
    help = "Give someone back-office access to an organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add (or change the role of) a staff member.")
        add.add_argument("--org", required=True, help="The organisation's slug.")
        add.add_argument("--email", required=True)
        add.add_argument("--name", default="")
        add.add_argument("--role", choices=Membership.Role.values, default=Membership.Role.STAFF)
        add.add_argument("--password", help="Asked for when omitted and the user is new.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_option(options["org"])
        assert organisation is not None  # --org is required
        password = options["password"]
        if password is None and options.get("interactive", True):
            password = getpass.getpass("Password (for a new user): ") or None
        try:
            membership = services.staff_add(
                organisation=organisation,
                email=options["email"],
                role=options["role"],
                password=password,
                full_name=options["name"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(f"{membership.user.email} is {membership.role} of {organisation}.")
        )
