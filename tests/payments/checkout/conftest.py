from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from portico.contacts.models import Contact, ContactPerson
from portico.contacts.scope import PortalScope
from portico.orgs.models import GatewayAccount, Organisation
from portico.payments.checkout import services as checkout
from portico.payments.gateways.sandbox import settlement
from portico.payments.models import Checkout
from portico.sales.models import Invoice
from tests.gateways.conftest import CARD_DEFAULTS
from tests.gateways.factories import GatewayAccountFactory
from tests.sales import factories as sales

Tokenise = Callable[..., str]


@pytest.fixture
def sandbox_account(org: Organisation) -> GatewayAccount:
    return GatewayAccountFactory(organisation=org)


@pytest.fixture
def scope(org: Organisation, customer_a: Contact, customer_a_person: ContactPerson) -> PortalScope:
    return PortalScope(organisation=org, contact=customer_a, person=customer_a_person)


@pytest.fixture
def invoice(customer_a: Contact) -> Invoice:
    return sales.invoice(customer_a, "100.00")


@pytest.fixture
def tokenise(sandbox_account: GatewayAccount) -> Tokenise:
    """A one-time token from the sandbox's hosted-fields endpoint, as the browser gets it."""

    def make(number: str = "4242424242424242", **fields: str) -> str:
        data = {"account": sandbox_account.publishable_key, **fields}
        if "routing_number" not in fields:
            data = {**CARD_DEFAULTS, "number": number, **data}
        response = Client().post("/sandbox-gateway/v1/tokens", data)
        assert response.status_code == 201, response.json()
        return str(response.json()["token"])

    return make


@pytest.fixture
def bank_token(tokenise: Tokenise) -> Callable[[str], str]:
    def make(account_number: str = "000123456789") -> str:
        return tokenise(
            routing_number="110000000", account_number=account_number, account_holder="Ada"
        )

    return make


@pytest.fixture
def pay(scope: PortalScope, sandbox_account: GatewayAccount) -> Callable[..., Checkout]:
    def run(invoices: list[Invoice], **fields: Any) -> Checkout:
        fields.setdefault("idempotency_key", uuid.uuid4().hex)
        return checkout.checkout_start(scope=scope, invoices=invoices, **fields)

    return run


class Inbox:
    """Stands in for the network between the sandbox and the webhook receiver."""

    def __init__(self) -> None:
        self.received: list[tuple[str, bytes, dict[str, str]]] = []

    def __call__(self, url: str, body: bytes, headers: Any) -> int:
        self.received.append((url, body, dict(headers)))
        path = url.split("://", 1)[1].split("/", 1)[1]
        response = Client().post(
            "/" + path,
            body,
            content_type="application/json",
            headers={k: v for k, v in headers.items() if k.lower() != "content-type"},
        )
        return int(response.status_code)


@pytest.fixture
def webhooks(monkeypatch: pytest.MonkeyPatch) -> Inbox:
    box = Inbox()
    monkeypatch.setattr(settlement, "http_post", box)
    return box


def money(value: str) -> Decimal:
    return Decimal(value)
