"""The Stripe adapter against localstripe: charges, declines, saved cards, refunds, reconcile."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
import stripe

from portico.core.errors import PortalError
from portico.orgs.models import GatewayAccount
from portico.payments.gateways import registry
from portico.payments.gateways.base import (
    ChargeRequest,
    ChargeStatus,
    DeclineCode,
    GatewayError,
    RefundRequest,
    UpdateMethodRequest,
)
from portico.payments.gateways.stripe import declines
from portico.payments.gateways.stripe.adapter import (
    METADATA_CHECKOUT,
    StripeGateway,
    client_for,
    key_errors,
)
from portico.payments.gateways.stripe.models import StripeCustomer
from tests.gateways.stripe.conftest import Card
from tests.localstripe import OTHER_SECRET_KEY, SECRET_KEY

pytestmark = pytest.mark.django_db


def charge_request(token: str = "", **fields: Any) -> ChargeRequest:
    values: dict[str, Any] = {
        "amount": Decimal("120.34"),
        "currency": "USD",
        "idempotency_key": f"checkout:{uuid.uuid4()}",
        "token": token or None,
        "customer_ref": "contact-1",
        "description": "INV-000001",
    }
    values.update(fields)
    return ChargeRequest(**values)


def intent_at_stripe(transaction_id: str) -> Any:
    return client_for(SECRET_KEY).v1.payment_intents.retrieve(transaction_id)


def test_a_card_is_charged_once_per_key_in_minor_units(
    stripe_gateway: StripeGateway, card: Card
) -> None:
    # given a card from the hosted fields
    method = card()
    request = charge_request(method.reference)

    # when the same charge is sent twice with one key
    first = stripe_gateway.charge(request)
    again = stripe_gateway.charge(request)

    # then one PaymentIntent took 12034 cents, labelled with the checkout's key
    assert first.status == ChargeStatus.SUCCEEDED and first.transaction_id.startswith("pi_")
    assert again.transaction_id == first.transaction_id
    assert (first.amount, first.currency, first.brand, first.last4) == (
        Decimal("120.34"),
        "USD",
        "Visa",
        "4242",
    )
    intent = intent_at_stripe(first.transaction_id)
    assert intent.amount == 12034 and intent.currency == "usd"
    assert intent.metadata[METADATA_CHECKOUT] == request.idempotency_key
    found = client_for(SECRET_KEY).v1.payment_intents.search(
        params={"query": f"metadata['{METADATA_CHECKOUT}']:'{request.idempotency_key}'"}
    )
    assert len(found.data) == 1


def test_the_accounts_charges_are_listed_oldest_first_for_the_ledger_check(
    stripe_gateway: StripeGateway, card: Card
) -> None:
    # given two charges on the account
    first = stripe_gateway.charge(charge_request(card().reference))
    second = stripe_gateway.charge(charge_request(card().reference))

    # when the ledger check reads the gateway's own record
    listed = list(stripe_gateway.charges())

    # then both are there with their amounts, in the order they were made
    by_id = {charge.transaction_id: charge for charge in listed}
    assert by_id[first.transaction_id].amount == by_id[second.transaction_id].amount
    assert by_id[first.transaction_id].status == ChargeStatus.SUCCEEDED
    made = [charge.created_at for charge in listed]
    assert made == sorted(made)


def test_a_currency_without_decimals_is_sent_as_it_is(
    stripe_gateway: StripeGateway, card: Card
) -> None:
    result = stripe_gateway.charge(
        charge_request(card().reference, amount=Decimal("500"), currency="JPY")
    )
    assert result.succeeded and intent_at_stripe(result.transaction_id).amount == 500


@pytest.mark.parametrize(
    ("number", "decline", "error"),
    [
        ("4000000000000341", DeclineCode.CARD_DECLINED, None),
        ("4000000000009995", DeclineCode.INSUFFICIENT_FUNDS, None),
        ("4100000000000019", DeclineCode.FRAUD, PortalError.FRAUD_FILTER),
        ("4000000000000036", DeclineCode.ADDRESS_VERIFICATION, PortalError.ADDRESS_VERIFICATION),
        ("4000000000000119", DeclineCode.PROCESSING_ERROR, None),
    ],
)
def test_a_decline_is_a_failed_transaction_with_the_portals_code(
    stripe_gateway: StripeGateway,
    card: Card,
    number: str,
    decline: str,
    error: PortalError | None,
) -> None:
    request = charge_request(card(number).reference)
    result = stripe_gateway.charge(request)
    assert result.status == ChargeStatus.FAILED and result.transaction_id.startswith("pi_")
    assert (result.decline_code, result.error) == (decline, error)
    assert result.message == declines.message(decline)
    assert result.retry_safe == (decline == DeclineCode.PROCESSING_ERROR)
    # the same key answers the same decline, and reconcile reads it back the same
    assert stripe_gateway.charge(request).transaction_id == result.transaction_id
    found = stripe_gateway.retrieve_charge(idempotency_key=request.idempotency_key)
    assert found is not None and (found.status, found.decline_code) == (result.status, decline)


def test_stripes_decline_codes_map_to_the_portals() -> None:
    assert declines.decline_code({"decline_code": "duplicate_transaction"}) == "duplicate"
    assert declines.portal_error("duplicate") == PortalError.DUPLICATE
    assert declines.decline_code({"decline_code": "stolen_card"}) == DeclineCode.FRAUD
    assert declines.decline_code({"code": "incorrect_zip"}) == DeclineCode.ADDRESS_VERIFICATION
    assert declines.decline_code({"code": "card_declined", "decline_code": "do_not_honor"}) == (
        DeclineCode.CARD_DECLINED
    )
    assert declines.decline_code({"code": "authentication_required"}) == "authentication_required"


def test_a_card_declined_at_setup_never_becomes_a_token(
    stripe_gateway: StripeGateway, card: Card
) -> None:
    with pytest.raises(Exception, match="402"):
        card("4000000000000002")


def test_saving_a_card_attaches_it_to_the_contacts_one_stripe_customer(
    stripe_gateway: StripeGateway, card: Card
) -> None:
    from portico.payments.gateways.base import SaveMethodRequest

    first = stripe_gateway.save_method(
        SaveMethodRequest(token=card().reference, customer_ref="c-1")
    )
    second = stripe_gateway.save_method(
        SaveMethodRequest(token=card("5555555555554444").reference, customer_ref="c-1")
    )
    assert (first.brand, first.last4, first.exp_month, first.exp_year) == ("Visa", "4242", 12, 2034)
    customer = StripeCustomer.objects.get(customer_ref="c-1")
    client = client_for(SECRET_KEY)
    for saved in (first, second):
        assert client.v1.payment_methods.retrieve(saved.reference).customer == customer.stripe_id


def test_charging_with_save_keeps_the_card_and_autopay_charges_it_off_session(
    stripe_gateway: StripeGateway, card: Card
) -> None:
    # given a card charged once and saved
    first = stripe_gateway.charge(charge_request(card().reference, save_method=True))
    assert first.succeeded and first.saved_method is not None
    reference = first.saved_method.reference

    # when it is charged again by reference, off session (autopay)
    later = stripe_gateway.charge(
        charge_request(saved_method_ref=reference, recurring=True, amount=Decimal("80.00"))
    )

    # then Stripe charged the saved card of the contact's customer
    assert later.succeeded and later.last4 == "4242"
    intent = intent_at_stripe(later.transaction_id)
    assert intent.payment_method == reference
    assert intent.customer == StripeCustomer.objects.get().stripe_id


def test_the_accounts_settings_refuse_before_stripe_is_called(
    stripe_account: GatewayAccount, card: Card
) -> None:
    token = card().reference
    cases = [
        ({"reference_transactions_enabled": False}, {"saved_method_ref": token, "token": None}),
        ({"recurring_enabled": False}, {"recurring": True}),
        ({"minimum_amount": Decimal("200")}, {}),
        ({"currencies": "EUR"}, {}),
    ]
    expected = [
        PortalError.REFERENCE_CHARGES_DISABLED,
        PortalError.RECURRING_UNSUPPORTED,
        PortalError.BELOW_MINIMUM,
        PortalError.CURRENCY_UNSUPPORTED,
    ]
    for (changes, fields), error in zip(cases, expected, strict=True):
        for name, value in changes.items():
            setattr(stripe_account, name, value)
        gateway = registry.gateway_for(stripe_account)
        request = charge_request(**{"token": token, **fields})
        with pytest.raises(GatewayError) as refused:
            gateway.charge(request)
        assert refused.value.error == error
        assert gateway.retrieve_charge(idempotency_key=request.idempotency_key) is None
        stripe_account.refresh_from_db()


def test_a_refund_is_made_once_per_key(stripe_gateway: StripeGateway, card: Card) -> None:
    charged = stripe_gateway.charge(charge_request(card().reference))
    request = RefundRequest(
        transaction_id=charged.transaction_id, amount=Decimal("20.34"), idempotency_key="refund:1"
    )
    refund = stripe_gateway.refund(request)
    assert stripe_gateway.refund(request).refund_id == refund.refund_id
    assert (refund.amount, refund.currency, refund.status) == (
        Decimal("20.34"),
        "USD",
        ChargeStatus.SUCCEEDED,
    )
    refunds = client_for(SECRET_KEY).v1.refunds.list(
        params={"payment_intent": charged.transaction_id}
    )
    assert [r.amount for r in refunds.data] == [2034]


def test_a_key_stripe_never_saw_is_not_a_charge(stripe_gateway: StripeGateway) -> None:
    assert stripe_gateway.retrieve_charge(idempotency_key=f"checkout:{uuid.uuid4()}") is None


def test_a_saved_card_is_updated_and_detached(stripe_gateway: StripeGateway, card: Card) -> None:
    from portico.payments.gateways.base import SaveMethodRequest

    saved = stripe_gateway.save_method(SaveMethodRequest(token=card().reference, customer_ref="c"))
    updated = stripe_gateway.update_method(
        UpdateMethodRequest(reference=saved.reference, exp_month=3, exp_year=2031)
    )
    assert (updated.exp_month, updated.exp_year, updated.last4) == (3, 2031, "4242")
    stripe_gateway.delete_method(reference=saved.reference)
    stripe_gateway.delete_method(reference=saved.reference)
    assert client_for(SECRET_KEY).v1.payment_methods.retrieve(saved.reference).customer is None


def test_the_keys_are_checked_with_stripe(stripe_account: GatewayAccount) -> None:
    registry.gateway_for(stripe_account).verify_credentials()
    stripe_account.secret_key = "sk_test_" + "x" * 24
    with pytest.raises(GatewayError) as refused:
        registry.gateway_for(stripe_account).verify_credentials()
    assert refused.value.error == PortalError.GATEWAY_CREDENTIALS_INVALID
    stripe_account.secret_key = OTHER_SECRET_KEY
    registry.gateway_for(stripe_account).verify_credentials()


def test_keys_of_the_wrong_format_or_mode_are_field_errors() -> None:
    good = {
        "publishable_key": "pk_test_abcdefgh12345",
        "secret_key": "sk_test_abcdefgh12345",
        "webhook_secret": "whsec_abcdefgh12345",
    }
    assert key_errors(**good) == {}
    assert set(key_errors(**{**good, "publishable_key": "sk_test_abcdefgh12345"})) == {
        "publishable_key"
    }
    assert set(key_errors(**{**good, "secret_key": "sk_live_abcdefgh12345"})) == {"secret_key"}
    assert set(key_errors(**{**good, "webhook_secret": "secret"})) == {"webhook_secret"}


def test_a_token_of_another_kind_is_refused_uncharged(stripe_gateway: StripeGateway) -> None:
    with pytest.raises(GatewayError) as refused:
        stripe_gateway.charge(charge_request("tok_sandbox_1"))
    assert refused.value.code == "token_invalid"


def test_stripe_unreachable_is_a_retry_safe_refusal(
    stripe_account: GatewayAccount, settings: Any, card: Card
) -> None:
    token = card().reference
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    with pytest.raises(GatewayError) as refused:
        registry.gateway_for(stripe_account).charge(charge_request(token))
    assert refused.value.code == "gateway_unavailable" and refused.value.retry_safe
    assert isinstance(stripe.APIConnectionError("x"), stripe.StripeError)


def test_below_stripes_own_minimum_for_the_currency_is_cp4001(
    stripe_gateway: StripeGateway, card: Card
) -> None:
    # the account's minimum (0.50) lets 40 yen through; Stripe's smallest yen charge is 50
    with pytest.raises(GatewayError) as refused:
        stripe_gateway.charge(
            charge_request(card().reference, amount=Decimal("40"), currency="JPY")
        )
    assert refused.value.error == PortalError.BELOW_MINIMUM
    assert stripe_gateway.charge(
        charge_request(card().reference, amount=Decimal("50"), currency="JPY")
    ).succeeded


def test_a_card_to_save_is_not_kept_when_the_payment_is_declined(
    stripe_gateway: StripeGateway, card: Card
) -> None:
    token = card("4000000000009995").reference
    result = stripe_gateway.charge(charge_request(token, save_method=True))
    assert result.failed and result.saved_method is None
    assert client_for(SECRET_KEY).v1.payment_methods.retrieve(token).customer is None
