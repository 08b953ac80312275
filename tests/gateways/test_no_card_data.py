"""After tokenising, charging, saving and settling, no card number or CVV is kept anywhere."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from portico.orgs.models import GatewayAccount
from portico.payments.gateways import registry
from portico.payments.gateways.base import ChargeRequest, SaveMethodRequest
from portico.payments.gateways.sandbox import settlement
from tests.gateways import pan_scan
from tests.gateways.conftest import CARD_DEFAULTS

pytestmark = pytest.mark.django_db

CARDS = [
    "4242424242424242",
    "4000000000000002",
    "4000000000009995",
    "4100000000000019",
    "4000000000000010",
    "4000000000000119",
    "5555 5555 5555 4444",
]
AMEX, AMEX_CVC = "378282246310005", "7351"


def test_the_scanner_finds_what_it_must_and_ignores_ids() -> None:
    assert pan_scan.card_numbers_in("paid with 4242 4242 4242 4242 today") == ["4242424242424242"]
    assert pan_scan.card_numbers_in("x378282246310005y") == ["378282246310005"]
    assert pan_scan.card_numbers_in("4242424242424241 and 20261121104624") == []
    assert pan_scan.card_numbers_in("9f2b4242424242424242a0c1d2e3f4a5b6c7") == []
    assert pan_scan.secrets_in("cvc=7351;", ["7351"]) == ["7351"]


def test_no_card_number_or_cvc_is_kept_after_the_whole_journey(
    sandbox_account: GatewayAccount, caplog: pytest.LogCaptureFixture, monkeypatch: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(settlement, "http_post", lambda url, body, headers: 200)
    gateway = registry.gateway_for(sandbox_account)
    client = Client()
    url = "/sandbox-gateway/v1/tokens"
    bodies = []

    # given cards typed into the hosted fields, valid and invalid
    tokens = []
    for number in [*CARDS, AMEX]:
        cvc = AMEX_CVC if number == AMEX else "123"
        response = client.post(
            url,
            {
                **CARD_DEFAULTS,
                "account": sandbox_account.publishable_key,
                "number": number,
                "cvc": cvc,
            },
        )
        bodies.append((f"response {number[-4:]}", response.content.decode()))
        tokens.append(response.json()["token"])
    for bad in ({"number": "4242424242424241"}, {"number": AMEX, "cvc": "735"}):
        response = client.post(
            url, {**CARD_DEFAULTS, "account": sandbox_account.publishable_key, **bad}
        )
        assert response.status_code == 400
        bodies.append(("error response", response.content.decode()))

    # when each is charged (some saved), and a bank debit settles with its webhook
    for index, token in enumerate(tokens):
        gateway.charge(
            ChargeRequest(
                amount=Decimal(f"{10 + index}.00"),
                currency="USD",
                idempotency_key=f"journey-{index}",
                token=token,
                save_method=index % 2 == 0,
            )
        )
    gateway.save_method(
        SaveMethodRequest(
            token=client.post(
                url,
                {
                    **CARD_DEFAULTS,
                    "account": sandbox_account.publishable_key,
                    "number": AMEX,
                    "cvc": AMEX_CVC,
                },
            ).json()["token"]
        )
    )
    bank = client.post(
        url,
        {
            "account": sandbox_account.publishable_key,
            "routing_number": "110000000",
            "account_number": "000123456789",
            "account_holder": "Ada",
        },
    ).json()["token"]
    gateway.charge(
        ChargeRequest(amount=Decimal("99"), currency="USD", idempotency_key="bank", token=bank)
    )
    call_command("sandbox", "settle")

    # then no table, log line, mail or response holds a card number or the CVC
    pan_scan.assert_no_card_data(cvcs=[AMEX_CVC], logs=caplog.records, texts=bodies)


def test_the_scanner_would_catch_a_leak(sandbox_account: GatewayAccount) -> None:
    GatewayAccount.objects.filter(pk=sandbox_account.pk).update(display_name="4242424242424242")

    with pytest.raises(AssertionError, match=r"orgs_gatewayaccount\.display_name"):
        pan_scan.assert_no_card_data()
