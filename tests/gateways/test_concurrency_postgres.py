"""Idempotency and the duplicate window under real concurrency (PostgreSQL row locks)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from portico.core.errors import PortalError
from portico.payments.gateways import registry
from portico.payments.gateways.base import ChargeRequest, ChargeResult, SaveMethodRequest
from portico.payments.gateways.sandbox.models import Charge
from tests.concurrency import all_at_once
from tests.gateways.conftest import CARD_DEFAULTS
from tests.gateways.factories import GatewayAccountFactory
from tests.orgs.factories import OrganisationFactory


def is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]

THREADS = 8


def token_for(public_key: str, number: str = "4242424242424242") -> str:
    response = Client().post(
        "/sandbox-gateway/v1/tokens", {**CARD_DEFAULTS, "account": public_key, "number": number}
    )
    return str(response.json()["token"])


def test_the_same_key_sent_concurrently_makes_one_charge() -> None:
    # given one saved card and one checkout key
    account = GatewayAccountFactory(organisation=OrganisationFactory(slug="race-idem"))
    gateway = registry.gateway_for(account)
    method = gateway.save_method(SaveMethodRequest(token=token_for(account.publishable_key)))
    request = ChargeRequest(
        amount=Decimal("42.00"),
        currency="USD",
        idempotency_key="checkout-race",
        saved_method_ref=method.reference,
    )

    # when eight workers send the same charge at the same moment
    results, errors = all_at_once(THREADS, lambda _: gateway.charge(request))

    # then one charge exists and every worker got it
    assert errors == []
    assert Charge.objects.filter(idempotency_key="checkout-race").count() == 1
    assert {r.transaction_id for r in results} == {Charge.objects.get().charge_id}
    assert all(r.succeeded for r in results)


def test_the_same_token_and_key_sent_concurrently_makes_one_charge() -> None:
    account = GatewayAccountFactory(organisation=OrganisationFactory(slug="race-token"))
    gateway = registry.gateway_for(account)
    request = ChargeRequest(
        amount=Decimal("42.00"),
        currency="USD",
        idempotency_key="checkout-token-race",
        token=token_for(account.publishable_key),
    )

    results, errors = all_at_once(THREADS, lambda _: gateway.charge(request))

    assert errors == []
    assert Charge.objects.count() == 1
    assert len({r.transaction_id for r in results}) == 1


def test_the_same_card_and_amount_under_different_keys_concurrently_charges_once() -> None:
    # given one saved card
    account = GatewayAccountFactory(organisation=OrganisationFactory(slug="race-dup"))
    gateway = registry.gateway_for(account)
    method = gateway.save_method(SaveMethodRequest(token=token_for(account.publishable_key)))

    # when eight tabs pay the same amount at once, each with its own key
    def pay(index: int) -> ChargeResult:
        return gateway.charge(
            ChargeRequest(
                amount=Decimal("42.00"),
                currency="USD",
                idempotency_key=f"tab-{index}",
                saved_method_ref=method.reference,
            )
        )

    results, errors = all_at_once(THREADS, pay)

    # then exactly one succeeded and the others are duplicates (CP3005)
    assert errors == []
    assert sum(r.succeeded for r in results) == 1
    assert sorted(str(r.error) for r in results if not r.succeeded) == [
        str(PortalError.DUPLICATE)
    ] * (THREADS - 1)
