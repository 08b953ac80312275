"""Gateway secrets saved in plain text before encryption are encrypted by the migration."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from portico.orgs.models import GatewayAccount, Organisation
from tests.gateways.factories import GatewayAccountFactory

pytestmark = pytest.mark.django_db


def raw(account: GatewayAccount, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM orgs_gatewayaccount WHERE id = %s", [account.pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def test_plain_text_secrets_are_read_as_they_are_and_encrypted_by_the_migration(
    org: Organisation,
) -> None:
    # given keys stored before encryption existed
    account = GatewayAccountFactory(organisation=org)
    secret, webhook = account.secret_key, account.webhook_secret
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE orgs_gatewayaccount SET secret_key = %s, webhook_secret = %s WHERE id = %s",
            [secret, webhook, account.pk],
        )
    account.refresh_from_db()
    assert account.secret_key == secret and raw(account, "secret_key") == secret

    # when the migration runs
    migration = importlib.import_module("portico.orgs.migrations.0007_gateway_secrets_encrypted")
    migration.encrypt_existing(apps, None)

    # then both are encrypted at rest and unchanged in use
    account.refresh_from_db()
    assert (account.secret_key, account.webhook_secret) == (secret, webhook)
    assert raw(account, "secret_key").startswith("fernet:")
    assert raw(account, "webhook_secret").startswith("fernet:")
    assert secret not in raw(account, "secret_key")
