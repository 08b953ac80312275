"""`portico apikey create --org <slug> --name <label> [--read-only]`, `list`, `revoke`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portico.accounts import api_keys
from portico.accounts.models import ApiKey
from portico.orgs.models import Organisation


class Command(BaseCommand):
    help = "Manage Books API keys (the key is printed once and stored hashed)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a key and print it once.")
        create.add_argument("--org", required=True, help="The organisation's slug.")
        create.add_argument("--name", required=True, help="A label, e.g. the integration's name.")
        create.add_argument("--read-only", action="store_true", help="Allow only reads (GET).")
        listing = sub.add_parser("list", help="List an organisation's keys.")
        listing.add_argument("--org", required=True)
        revoke = sub.add_parser("revoke", help="Revoke a key by its id.")
        revoke.add_argument("--org", required=True)
        revoke.add_argument("id")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with the slug {options['org']!r}.")
        if options["action"] == "create":
            key, secret = api_keys.api_key_create(
                organisation=organisation, name=options["name"], read_only=options["read_only"]
            )
            self.stdout.write(
                f"API key {key.public_id} ({'read-only' if key.read_only else 'read-write'})"
            )
            self.stdout.write("Copy it now; it is not shown again:")
            self.stdout.write(secret)
        elif options["action"] == "list":
            for key in ApiKey.objects.filter(organisation=organisation):
                state = (
                    "revoked"
                    if key.revoked_at
                    else ("read-only" if key.read_only else "read-write")
                )
                self.stdout.write(
                    f"{key.public_id}  {key.prefix}…  {key.name}  {state}  last used "
                    f"{key.last_used_at or 'never'} {key.last_used_ip or ''}"
                )
        else:
            found = ApiKey.objects.filter(
                organisation=organisation, public_id=options["id"]
            ).first()
            if found is None:
                raise CommandError("No such key in this organisation.")
            api_keys.api_key_revoke(key=found)
            self.stdout.write(f"Revoked {found.public_id}.")
