"""`portico setup`: the first organisation and its owner, without a Python shell.

    portico setup --name "Acme Studio" --slug acme --currency EUR --country DE \
        --time-zone Europe/Berlin --tax-name VAT --tax-rate 19 --owner-email me@acme.test

Values not given are asked for when the command runs in a terminal; from a script every value
comes from an option (the password from --password or PORTICO_OWNER_PASSWORD).
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portico.accounts import services
from portico.accounts.models import User, normalise_email
from portico.orgs.models import Organisation

# (option, question, default when asked; None: required)
QUESTIONS: list[tuple[str, str, str | None]] = [
    ("name", "Business name", None),
    ("slug", "Portal address (lower-case letters, digits, hyphens)", None),
    ("currency", "Currency (ISO code)", "USD"),
    ("country", "Country (two letters, may be empty)", ""),
    ("time_zone", "Time zone", "UTC"),
    ("tax_name", "Default tax name", "No tax"),
    ("tax_rate", "Default tax rate (%)", "0"),
    ("owner_email", "Owner's email", None),
    ("owner_name", "Owner's name", ""),
]


def add_organisation_arguments(parser: CommandParser) -> None:
    parser.add_argument("--name", help="The business's name.")
    parser.add_argument("--slug", help="The portal address: /portal/<slug>/.")
    parser.add_argument("--currency", help="Base currency, an ISO 4217 code (default USD).")
    parser.add_argument("--country", help="Two-letter country code.")
    parser.add_argument("--time-zone", dest="time_zone", help="e.g. Europe/Berlin (default UTC).")
    parser.add_argument("--tax-name", dest="tax_name", help="The default tax (default: No tax).")
    parser.add_argument("--tax-rate", dest="tax_rate", help="Its rate in per cent (default 0).")
    parser.add_argument("--owner-email", dest="owner_email", help="The owner's login email.")
    parser.add_argument("--owner-name", dest="owner_name", help="The owner's name.")
    parser.add_argument("--password", help="The owner's password (asked for when omitted).")
    parser.add_argument(
        "--no-input", action="store_false", dest="interactive", help="Never ask; fail instead."
    )


def create_organisation(
    command: BaseCommand, options: dict[str, Any], ask: Callable[[str], str] = input
) -> None:
    """Ask for what is missing (in a terminal), create, and say what was made."""
    interactive = options.get("interactive", True) and sys.stdin.isatty()
    values: dict[str, str] = {}
    for option, question, default in QUESTIONS:
        value = options.get(option)
        if value is None and interactive:
            suffix = f" [{default}]" if default else ""
            value = ask(f"{question}{suffix}: ").strip() or default
        if value is None:
            raise CommandError(f"--{option.replace('_', '-')} is required.")
        values[option] = value
    password = options.get("password") or os.environ.get("PORTICO_OWNER_PASSWORD")
    existing = User.objects.filter(email=normalise_email(values["owner_email"])).exists()
    if not password and not existing:
        if not interactive:
            raise CommandError(
                "Give the owner's password with --password or PORTICO_OWNER_PASSWORD."
            )
        password = getpass.getpass("Owner's password: ")
        if password != getpass.getpass("Password again: "):
            raise CommandError("The two passwords differ.")
    try:
        membership = services.organisation_setup(owner_password=password or None, **values)
    except ValidationError as error:
        raise CommandError(_describe(error)) from None
    organisation = membership.organisation
    command.stdout.write(
        command.style.SUCCESS(
            f"Created {organisation.name} (portal /portal/{organisation.slug}/) "
            f"owned by {membership.user.email}. Sign in to the back office at /admin/."
        )
    )


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field.replace('_', '-')}: {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        )
    return "; ".join(error.messages)


class Command(BaseCommand):
    help = "Create the first organisation and its owner (then sign in at /admin/)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_organisation_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if Organisation.objects.exists():
            raise CommandError(
                "Portico is already set up. Add another business with `portico org create`."
            )
        create_organisation(self, options)
