"""Stripe test helpers: cards go through a SetupIntent confirmed as Stripe.js confirms it."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable

import pytest

from portico.orgs.models import GatewayAccount
from portico.payments.gateways import registry
from portico.payments.gateways.base import SavedMethodResult
from portico.payments.gateways.stripe.adapter import StripeGateway
from tests.localstripe import LocalStripe

Card = Callable[..., SavedMethodResult]


def confirm_setup(
    server: LocalStripe, publishable_key: str, client_secret: str, number: str, **card: str
) -> dict[str, object]:
    """What Stripe.js's confirmCardSetup sends (card details go to Stripe only)."""
    setup_id = client_secret.split("_secret_")[0]
    body = {
        "key": publishable_key,
        "client_secret": client_secret,
        "payment_method_data": {
            "type": "card",
            "card": {
                "number": number.replace(" ", ""),
                "exp_month": card.get("exp_month", "12"),
                "exp_year": card.get("exp_year", "2034"),
                "cvc": "123",
            },
            "billing_details": {"name": "Ann Customer", "address": {"postal_code": "94105"}},
        },
    }
    request = urllib.request.Request(  # noqa: S310 — the loopback test server
        f"{server.url}/v1/setup_intents/{setup_id}/confirm",
        data=json.dumps(body).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        return dict(json.loads(response.read()))


@pytest.fixture
def stripe_gateway(stripe_account: GatewayAccount) -> StripeGateway:
    gateway = registry.gateway_for(stripe_account)
    assert isinstance(gateway, StripeGateway)
    return gateway


@pytest.fixture
def card(stripe_gateway: StripeGateway, localstripe: LocalStripe) -> Card:
    """A PaymentMethod id with its brand and last 4, as the hosted fields hand it over."""

    def make(number: str = "4242424242424242", **fields: str) -> SavedMethodResult:
        secret = stripe_gateway.setup_intent_create()
        confirm_setup(localstripe, stripe_gateway.config.publishable_key, secret, number, **fields)
        return stripe_gateway.setup_intent_method(setup_intent_id=secret.split("_secret_")[0])

    return make
