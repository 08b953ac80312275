"""Rows of the API's back-office screens for the admin URL walker (tests/tenancy)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils import timezone

from portico.accounts import api_keys
from portico.orgs.models import Organisation
from portico.webhooks.models import WebhookDelivery, WebhookEndpoint


def an_api_key(org: Organisation) -> Any:
    key, _secret = api_keys.api_key_create(organisation=org, name="Walker")
    return key


def an_endpoint(org: Organisation) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        organisation=org, url="https://example.com/hooks", events=["invoice.sent"], secret="s"
    )


def a_delivery(org: Organisation) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        organisation=org,
        endpoint=an_endpoint(org),
        event_id=f"evt_{timezone.now().timestamp()}",
        event_type="invoice.sent",
        payload={"type": "invoice.sent"},
    )


def _rows() -> dict[type[models.Model], Callable[[Organisation], Any]]:
    from portico.accounts.models import ApiKey

    return {ApiKey: an_api_key, WebhookEndpoint: an_endpoint, WebhookDelivery: a_delivery}


ROWS = _rows()
