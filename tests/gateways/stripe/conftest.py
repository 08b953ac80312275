"""Stripe test helpers: cards go through a SetupIntent confirmed as Stripe.js confirms it."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from portico.contacts.models import Contact, ContactPerson
from portico.contacts.scope import PortalScope
from portico.orgs.models import GatewayAccount, Organisation
from portico.payments.checkout import services as checkout
from portico.payments.gateways import registry
from portico.payments.gateways.base import CustomerAction, SavedMethodResult
from portico.payments.gateways.stripe.adapter import StripeGateway, client_for
from portico.payments.models import Checkout
from portico.sales.models import Invoice
from tests.localstripe import SECRET_KEY, LocalStripe

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
    answer = stripe_js(server, f"/v1/setup_intents/{setup_id}/confirm", body)
    if answer.get("status") == "requires_action":
        # the bank asks for 3-D Secure and the customer completes it, as in Stripe.js's window
        answer = stripe_js(
            server,
            f"/v1/setup_intents/{setup_id}/confirm",
            {"key": publishable_key, "client_secret": client_secret},
        )
    return answer


def stripe_js(server: LocalStripe, path: str, body: dict[str, object]) -> dict[str, object]:
    """A request as localstripe's Stripe.js sends it (the publishable key in a JSON body)."""
    request = urllib.request.Request(  # noqa: S310 — the loopback test server
        f"{server.url}{path}", data=json.dumps(body).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        return dict(json.loads(response.read()))


def authenticate_payment(server: LocalStripe, action: CustomerAction, *, success: bool) -> None:
    """What Stripe.js's confirmCardPayment does when the customer completes (or fails) the
    bank's 3-D Secure window for a PaymentIntent."""
    intent_id = action.client_secret.split("_secret_")[0]
    stripe_js(
        server,
        f"/v1/payment_intents/{intent_id}/_authenticate?success={str(success).lower()}",
        {"key": action.publishable_key, "client_secret": action.client_secret},
    )


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


Pay = Callable[..., Checkout]


@pytest.fixture
def scope(org: Organisation, customer_a: Contact, customer_a_person: ContactPerson) -> PortalScope:
    return PortalScope(organisation=org, contact=customer_a, person=customer_a_person)


@pytest.fixture
def pay(scope: PortalScope, stripe_account: GatewayAccount) -> Pay:
    """The portal's checkout, through the Stripe account."""

    def run(invoices: list[Invoice], **fields: Any) -> Checkout:
        fields.setdefault("idempotency_key", uuid.uuid4().hex)
        return checkout.checkout_start(scope=scope, invoices=invoices, **fields)

    return run


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A Stripe-Signature header, computed as Stripe (and localstripe) compute it."""
    at = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"


def stripe_event(transaction_id: str, kind: str, **changes: Any) -> dict[str, Any]:
    """An event about a PaymentIntent as it stands at localstripe, in the shape Stripe (and
    localstripe's own delivery) sends; `changes` alter the intent, as a tampered or foreign
    event would."""
    intent = client_for(SECRET_KEY).v1.payment_intents.retrieve(transaction_id).to_dict()
    intent.update(changes)
    return {
        "id": f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "type": kind,
        "created": int(time.time()),
        "livemode": False,
        "api_version": "2017-08-15",
        "data": {"object": intent},
    }
