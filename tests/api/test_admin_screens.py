"""The back-office screens for API keys and webhook endpoints: secrets shown once, scoped."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from portico.accounts import api_keys
from portico.accounts.models import ApiKey
from portico.orgs.models import Organisation
from portico.webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


def test_an_api_key_made_in_the_back_office_is_shown_once_and_works(
    owner_client: Client, org: Organisation
) -> None:
    response = owner_client.post(
        "/admin/accounts/apikey/add/", {"name": "Sync", "read_only": "on"}, follow=True
    )
    assert response.status_code == 200
    found = re.search(rb"pk_[A-Za-z0-9_-]{20,}", response.content)
    assert found, response.content[:2000]
    key = ApiKey.objects.get(organisation=org)
    assert key.read_only and key.key_hash == api_keys.hash_key(found.group().decode())
    # and the change page never shows it again
    page = owner_client.get(f"/admin/accounts/apikey/{key.pk}/change/")
    assert found.group() not in page.content


def test_revoking_from_the_list_stops_the_key(owner_client: Client, org: Organisation) -> None:
    key, _secret = api_keys.api_key_create(organisation=org, name="Old")
    owner_client.post("/admin/accounts/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_a_webhook_endpoint_is_registered_with_its_secret_shown_once(
    owner_client: Client, org: Organisation
) -> None:
    response = owner_client.post(
        "/admin/webhooks/webhookendpoint/add/",
        {"url": "https://hooks.example.com/portico", "events": ["invoice.sent", "payment.failed"]},
        follow=True,
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get(organisation=org)
    assert endpoint.events == ["invoice.sent", "payment.failed"]
    assert endpoint.secret.encode() in response.content
    page = owner_client.get(f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/")
    assert endpoint.secret.encode() not in page.content
