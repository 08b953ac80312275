"""The hosted fields' tokenisation endpoint: validation, and what it answers."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
import time_machine
from django.test import Client

from portico.orgs.models import GatewayAccount
from portico.payments.gateways.sandbox.models import Token
from tests.gateways.conftest import CARD_DEFAULTS

pytestmark = pytest.mark.django_db

URL = "/sandbox-gateway/v1/tokens"


def post(account: GatewayAccount, **fields: Any) -> Any:
    return Client().post(URL, {"account": account.publishable_key, **CARD_DEFAULTS, **fields})


def test_a_valid_card_answers_a_one_time_token_and_nothing_else(
    sandbox_account: GatewayAccount,
) -> None:
    response = post(sandbox_account, number="4242 4242 4242 4242", exp_month="7", exp_year="31")

    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("tok_")
    assert {k: body[k] for k in ("brand", "last4", "exp_month", "exp_year")} == {
        "brand": "visa",
        "last4": "4242",
        "exp_month": 7,
        "exp_year": 2031,
    }
    assert "4242424242424242" not in response.content.decode()


def test_json_bodies_are_accepted(sandbox_account: GatewayAccount) -> None:
    payload = {"account": sandbox_account.publishable_key, **CARD_DEFAULTS}
    payload["number"] = "5555555555554444"

    response = Client().post(URL, payload, content_type="application/json")

    assert response.status_code == 201
    assert response.json()["brand"] == "mastercard"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"number": "4242424242424241"}, "number"),
        ({"number": "4242"}, "number"),
        ({"number": "abcd"}, "number"),
        ({"exp_month": "13"}, "exp_month"),
        ({"exp_month": "1", "exp_year": "2020"}, "exp_year"),
        ({"cvc": "12"}, "cvc"),
        ({"cvc": "12a"}, "cvc"),
        ({"number": "378282246310005", "cvc": "123"}, "cvc"),
    ],
)
def test_invalid_card_details_answer_400_with_the_field(
    sandbox_account: GatewayAccount, fields: dict[str, str], field: str
) -> None:
    fields.setdefault("number", "4242424242424242")

    response = post(sandbox_account, **fields)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert field in error["fields"]
    assert Token.objects.count() == 0


def test_an_amex_takes_a_four_digit_code(sandbox_account: GatewayAccount) -> None:
    response = post(sandbox_account, number="3782 822463 10005", cvc="1234")

    assert response.status_code == 201
    assert response.json()["brand"] == "amex"


@time_machine.travel("2030-06-15 12:00Z")
def test_a_card_expiring_this_month_is_accepted_and_last_month_is_not(
    sandbox_account: GatewayAccount,
) -> None:
    assert (
        post(sandbox_account, number="4242424242424242", exp_month="6", exp_year="30").status_code
        == 201
    )
    response = post(sandbox_account, number="4242424242424242", exp_month="5", exp_year="2030")
    assert response.status_code == 400
    assert "exp_year" in response.json()["error"]["fields"]


def test_a_bank_account_is_tokenised_and_the_routing_checksum_is_checked(
    sandbox_account: GatewayAccount,
) -> None:
    base = {"account": sandbox_account.publishable_key, "account_holder": "Ada"}
    good = Client().post(
        URL, {**base, "routing_number": "110000000", "account_number": "000123456789"}
    )
    bad = Client().post(
        URL, {**base, "routing_number": "110000001", "account_number": "000123456789"}
    )

    assert good.status_code == 201
    assert (good.json()["kind"], good.json()["last4"]) == ("bank", "6789")
    assert bad.status_code == 400
    assert "routing_number" in bad.json()["error"]["fields"]


def test_an_unknown_publishable_key_is_401(sandbox_account: GatewayAccount) -> None:
    response = Client().post(
        URL, {**CARD_DEFAULTS, "number": "4242424242424242", "account": "pk_x"}
    )

    assert response.status_code == 401


def test_the_endpoint_needs_no_login_and_no_csrf_token(sandbox_account: GatewayAccount) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        URL,
        {"account": sandbox_account.publishable_key, **CARD_DEFAULTS, "number": "4242424242424242"},
    )

    assert response.status_code == 201


def test_the_hosted_fields_page_is_public_frameable_by_the_same_origin_and_has_no_inline_code(
    sandbox_account: GatewayAccount,
) -> None:
    response = Client().get(
        "/sandbox-gateway/v1/hosted-fields", {"account": sandbox_account.publishable_key}
    )

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    html = response.content.decode()
    assert "<script>" not in html and "style=" not in html
    assert 'name="cvc"' in html


def test_the_hosted_fields_page_refuses_an_unknown_account(db: Any) -> None:
    response = Client().get("/sandbox-gateway/v1/hosted-fields", {"account": "pk_sandbox_nope"})

    assert response.status_code == 401


def test_the_fields_answer_in_the_language_they_were_shown_in(
    sandbox_account: GatewayAccount,
) -> None:
    # given the fields shown on a German pay page
    page = (
        Client()
        .get(
            "/sandbox-gateway/v1/hosted-fields",
            {"account": sandbox_account.publishable_key, "lang": "de"},
        )
        .content.decode()
    )
    action = re.search(r'action="([^"]+)"', page)
    assert action and action.group(1).endswith("?lang=de")
    # when an expired card is sent where the form sends it
    response = Client().post(
        html.unescape(action.group(1)),
        {**CARD_DEFAULTS, "account": sandbox_account.publishable_key, "exp_year": "2001"},
    )
    # then the error is German, like the page
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["exp_year"] == "Diese Karte ist abgelaufen."
    assert 'data-unreachable="Der Zahlungsdienst war nicht erreichbar."' in page
