from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from portico.orgs.models import GatewayAccount, Organisation
from portico.payments.gateways import registry
from portico.payments.gateways.base import Gateway
from tests.gateways.factories import GatewayAccountFactory

CARD_DEFAULTS = {
    "exp_month": "12",
    "exp_year": "2034",
    "cvc": "123",
    "name": "Ada Customer",
    "address_line1": "1 Main Street",
    "address_city": "Springfield",
    "address_zip": "12345",
    "address_country": "US",
}


@pytest.fixture
def sandbox_account(org: Organisation) -> GatewayAccount:
    return GatewayAccountFactory(organisation=org)


@pytest.fixture
def gateway(sandbox_account: GatewayAccount) -> Gateway:
    return registry.gateway_for(sandbox_account)


@pytest.fixture
def tokenise(sandbox_account: GatewayAccount) -> Callable[..., dict[str, Any]]:
    """Tokenise through the hosted fields' HTTP endpoint, as the browser does."""

    def make(number: str = "4242424242424242", **fields: str) -> dict[str, Any]:
        data = {"account": sandbox_account.publishable_key, **fields}
        if "routing_number" not in fields:
            data = {**CARD_DEFAULTS, "number": number, **data}
        response = Client().post("/sandbox-gateway/v1/tokens", data)
        assert response.status_code == 201, response.json()
        return response.json()

    return make


@pytest.fixture
def bank_token(tokenise: Callable[..., dict[str, Any]]) -> Callable[[str], dict[str, Any]]:
    def make(account_number: str = "000123456789") -> dict[str, Any]:
        return tokenise(
            routing_number="110000000", account_number=account_number, account_holder="Ada"
        )

    return make
