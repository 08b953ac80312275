"""Every sandbox outcome of DESIGN.md §6, through the adapter, as the checkout will call it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from portico.core.errors import PortalError
from portico.orgs.models import GatewayAccount
from portico.payments.gateways import registry
from portico.payments.gateways.base import (
    BillingAddress,
    ChargeRequest,
    ChargeStatus,
    DeclineCode,
    Gateway,
    GatewayError,
    RefundRequest,
    SaveMethodRequest,
    UpdateMethodRequest,
)
from portico.payments.gateways.sandbox.models import Charge

pytestmark = pytest.mark.django_db

Tokenise = Callable[..., dict[str, Any]]


def charge(gateway: Gateway, amount: str = "25.00", **fields: Any) -> Any:
    fields.setdefault("idempotency_key", str(uuid.uuid4()))
    return gateway.charge(ChargeRequest(amount=Decimal(amount), currency="USD", **fields))


def test_the_success_card_succeeds_with_brand_and_last4(
    gateway: Gateway, tokenise: Tokenise
) -> None:
    result = charge(gateway, token=tokenise("4242 4242 4242 4242")["token"])

    assert result.status == ChargeStatus.SUCCEEDED
    assert result.transaction_id.startswith("ch_")
    assert (result.brand, result.last4, result.amount) == ("visa", "4242", Decimal("25.00"))
    assert result.error is None


@pytest.mark.parametrize(
    ("number", "decline", "error", "retry_safe"),
    [
        ("4000000000000002", DeclineCode.CARD_DECLINED, None, False),
        ("4000000000009995", DeclineCode.INSUFFICIENT_FUNDS, None, False),
        ("4100000000000019", DeclineCode.FRAUD, PortalError.FRAUD_FILTER, False),
        (
            "4000000000000010",
            DeclineCode.ADDRESS_VERIFICATION,
            PortalError.ADDRESS_VERIFICATION,
            False,
        ),
        ("4000000000000119", DeclineCode.PROCESSING_ERROR, None, True),
    ],
)
def test_each_test_card_fails_with_its_reason(
    gateway: Gateway,
    tokenise: Tokenise,
    number: str,
    decline: str,
    error: PortalError | None,
    retry_safe: bool,
) -> None:
    result = charge(gateway, token=tokenise(number)["token"])

    assert result.status == ChargeStatus.FAILED
    assert result.transaction_id.startswith("ch_")
    assert (result.decline_code, result.error, result.retry_safe) == (decline, error, retry_safe)
    assert result.message


def test_a_bank_debit_is_pending_and_settles_through_the_settle_command(
    gateway: Gateway, bank_token: Callable[[str], dict[str, Any]]
) -> None:
    # given a bank debit from the success account
    result = charge(gateway, token=bank_token("000123456789")["token"])
    assert result.status == ChargeStatus.PENDING
    assert (result.method_kind, result.last4) == ("bank", "6789")

    # when the sandbox settles
    call_command("sandbox", "settle", "--no-deliver")

    # then the charge succeeded
    settled = gateway.retrieve_charge(idempotency_key=result.idempotency_key)
    assert settled is not None and settled.status == ChargeStatus.SUCCEEDED


def test_a_closed_bank_account_fails_at_settlement(
    gateway: Gateway, bank_token: Callable[[str], dict[str, Any]]
) -> None:
    result = charge(gateway, token=bank_token("000111111113")["token"])
    assert result.status == ChargeStatus.PENDING

    call_command("sandbox", "settle", "--no-deliver")

    settled = gateway.retrieve_charge(idempotency_key=result.idempotency_key)
    assert settled is not None
    assert (settled.status, settled.decline_code) == (
        ChargeStatus.FAILED,
        DeclineCode.ACCOUNT_CLOSED,
    )


def test_the_same_card_and_amount_within_the_window_is_a_duplicate_cp3005(
    gateway: Gateway, tokenise: Tokenise
) -> None:
    # given a successful charge
    first = charge(gateway, token=tokenise()["token"])
    assert first.succeeded

    # when the same card pays the same amount again with a new key, 9 minutes later
    with time_machine.travel(timezone.now() + timedelta(minutes=9)):
        again = charge(gateway, token=tokenise()["token"])

    # then it is refused as a duplicate
    assert (again.status, again.error) == (ChargeStatus.FAILED, PortalError.DUPLICATE)

    # and after the window it goes through
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        later = charge(gateway, token=tokenise()["token"])
    assert later.succeeded


def test_a_different_amount_or_card_is_not_a_duplicate(
    gateway: Gateway, tokenise: Tokenise
) -> None:
    assert charge(gateway, token=tokenise()["token"]).succeeded
    assert charge(gateway, "26.00", token=tokenise()["token"]).succeeded
    assert charge(gateway, token=tokenise("5555555555554444")["token"]).succeeded


def test_a_saved_method_charged_twice_within_the_window_is_a_duplicate(
    gateway: Gateway, tokenise: Tokenise
) -> None:
    method = gateway.save_method(SaveMethodRequest(token=tokenise()["token"]))
    assert charge(gateway, saved_method_ref=method.reference).succeeded
    assert charge(gateway, saved_method_ref=method.reference).error == PortalError.DUPLICATE


def test_the_same_idempotency_key_twice_returns_the_same_charge(
    gateway: Gateway, tokenise: Tokenise
) -> None:
    # given one charge
    token = tokenise()["token"]
    first = charge(gateway, token=token, idempotency_key="checkout-1")

    # when the same request is sent again (a retry after a timeout)
    again = charge(gateway, token=token, idempotency_key="checkout-1")

    # then the answer is the same charge, and there is one row
    assert again.transaction_id == first.transaction_id
    assert again.status == first.status
    assert Charge.objects.filter(idempotency_key="checkout-1").count() == 1


def test_the_same_key_with_a_different_amount_is_refused(
    gateway: Gateway, tokenise: Tokenise
) -> None:
    token = tokenise()["token"]
    charge(gateway, token=token, idempotency_key="checkout-2")

    with pytest.raises(GatewayError) as raised:
        charge(gateway, "30.00", token=token, idempotency_key="checkout-2")

    assert raised.value.code == "idempotency_mismatch"
    assert Charge.objects.count() == 1


def test_a_token_is_used_once(gateway: Gateway, tokenise: Tokenise) -> None:
    token = tokenise()["token"]
    charge(gateway, token=token)

    with pytest.raises(GatewayError) as raised:
        charge(gateway, "13.00", token=token)

    assert raised.value.code == "token_invalid"
    assert raised.value.error is None


def test_retrieve_charge_finds_a_charge_by_key_or_answers_none(
    gateway: Gateway, tokenise: Tokenise
) -> None:
    made = charge(gateway, token=tokenise()["token"], idempotency_key="k-found")

    found = gateway.retrieve_charge(idempotency_key="k-found")

    assert found is not None and found.transaction_id == made.transaction_id
    assert gateway.retrieve_charge(idempotency_key="k-never-sent") is None


# Account settings -------------------------------------------------------------------------


def test_a_saved_method_charge_without_reference_transactions_is_cp3001(
    sandbox_account: GatewayAccount, tokenise: Tokenise
) -> None:
    method = registry.gateway_for(sandbox_account).save_method(
        SaveMethodRequest(token=tokenise()["token"])
    )
    sandbox_account.reference_transactions_enabled = False

    with pytest.raises(GatewayError) as raised:
        charge(registry.gateway_for(sandbox_account), saved_method_ref=method.reference)

    assert raised.value.error == PortalError.REFERENCE_CHARGES_DISABLED
    assert raised.value.code == "CP3001"
    assert Charge.objects.count() == 0


@pytest.mark.parametrize(
    "secret_key", ["", "sk_live_abc", "sk_sandbox_short", "sk_sandbox_" + "Z" * 24]
)
def test_invalid_credentials_are_cp3002(
    sandbox_account: GatewayAccount, tokenise: Tokenise, secret_key: str
) -> None:
    token = tokenise()["token"]
    sandbox_account.secret_key = secret_key
    gateway = registry.gateway_for(sandbox_account)

    with pytest.raises(GatewayError) as raised:
        charge(gateway, token=token)
    assert raised.value.error == PortalError.GATEWAY_CREDENTIALS_INVALID

    with pytest.raises(GatewayError) as raised:
        gateway.verify_credentials()
    assert raised.value.error == PortalError.GATEWAY_CREDENTIALS_INVALID


def test_the_right_keys_verify(gateway: Gateway) -> None:
    gateway.verify_credentials()


def test_an_amount_below_the_minimum_is_cp4001(
    sandbox_account: GatewayAccount, tokenise: Tokenise
) -> None:
    sandbox_account.minimum_amount = Decimal("5.00")
    gateway = registry.gateway_for(sandbox_account)

    with pytest.raises(GatewayError) as raised:
        charge(gateway, "4.99", token=tokenise()["token"])

    assert raised.value.error == PortalError.BELOW_MINIMUM
    assert charge(gateway, "5.00", token=tokenise()["token"]).succeeded


def test_a_recurring_charge_when_recurring_is_off_is_cp4002(
    sandbox_account: GatewayAccount, tokenise: Tokenise
) -> None:
    sandbox_account.recurring_enabled = False

    with pytest.raises(GatewayError) as raised:
        charge(registry.gateway_for(sandbox_account), token=tokenise()["token"], recurring=True)

    assert raised.value.error == PortalError.RECURRING_UNSUPPORTED


def test_an_unsupported_currency_is_cp4003(gateway: Gateway, tokenise: Tokenise) -> None:
    with pytest.raises(GatewayError) as raised:
        gateway.charge(
            ChargeRequest(
                amount=Decimal("10"), currency="GBP", idempotency_key="k", token=tokenise()["token"]
            )
        )

    assert raised.value.error == PortalError.CURRENCY_UNSUPPORTED


def test_a_required_billing_field_missing_fails_address_verification_cp3004(
    sandbox_account: GatewayAccount, tokenise: Tokenise
) -> None:
    sandbox_account.required_address_fields = "line1,postal_code"
    token = tokenise(address_zip="")["token"]

    result = charge(registry.gateway_for(sandbox_account), token=token)

    assert result.error == PortalError.ADDRESS_VERIFICATION


@pytest.mark.parametrize("amount", ["0", "-1.00", "10.001", "NaN"])
def test_bad_amounts_are_refused_with_no_charge(
    gateway: Gateway, tokenise: Tokenise, amount: str
) -> None:
    with pytest.raises(GatewayError) as raised:
        charge(gateway, amount, token=tokenise()["token"])

    assert raised.value.code in {"invalid_amount", PortalError.BELOW_MINIMUM}
    assert Charge.objects.count() == 0


# Saved methods and refunds ----------------------------------------------------------------


def test_a_charge_can_save_the_method_and_the_method_is_charged_later(
    gateway: Gateway, tokenise: Tokenise
) -> None:
    first = charge(gateway, token=tokenise()["token"], save_method=True, customer_ref="cus-1")
    assert first.saved_method is not None
    assert first.saved_method.reference.startswith("pm_")
    assert (first.saved_method.brand, first.saved_method.last4) == ("visa", "4242")
    assert first.saved_method.exp_year == 2034

    later = charge(gateway, "40.00", saved_method_ref=first.saved_method.reference)

    assert later.succeeded


def test_a_declined_card_is_not_saved(gateway: Gateway, tokenise: Tokenise) -> None:
    with pytest.raises(GatewayError) as raised:
        gateway.save_method(SaveMethodRequest(token=tokenise("4100000000000019")["token"]))
    assert raised.value.error == PortalError.FRAUD_FILTER

    result = charge(gateway, token=tokenise("4000000000000002")["token"], save_method=True)
    assert result.saved_method is None


def test_a_saved_method_is_updated_and_deleted_idempotently(
    gateway: Gateway, tokenise: Tokenise
) -> None:
    method = gateway.save_method(SaveMethodRequest(token=tokenise()["token"]))

    updated = gateway.update_method(
        UpdateMethodRequest(reference=method.reference, exp_month=3, exp_year=2036)
    )
    assert (updated.exp_month, updated.exp_year) == (3, 2036)

    gateway.delete_method(reference=method.reference)
    gateway.delete_method(reference=method.reference)
    with pytest.raises(GatewayError) as raised:
        charge(gateway, saved_method_ref=method.reference)
    assert raised.value.code == "payment_method_invalid"


def test_a_refund_is_made_once_per_key_and_never_above_the_charge(
    gateway: Gateway, tokenise: Tokenise
) -> None:
    made = charge(gateway, "50.00", token=tokenise()["token"])

    refund = gateway.refund(
        RefundRequest(
            transaction_id=made.transaction_id, amount=Decimal("20"), idempotency_key="r1"
        )
    )
    again = gateway.refund(
        RefundRequest(
            transaction_id=made.transaction_id, amount=Decimal("20"), idempotency_key="r1"
        )
    )

    assert refund.refund_id == again.refund_id
    assert (refund.amount, refund.status) == (Decimal("20"), ChargeStatus.SUCCEEDED)
    with pytest.raises(GatewayError) as raised:
        gateway.refund(
            RefundRequest(
                transaction_id=made.transaction_id, amount=Decimal("30.01"), idempotency_key="r2"
            )
        )
    assert raised.value.code == "refund_too_large"


def test_a_token_expires_after_thirty_minutes(gateway: Gateway, tokenise: Tokenise) -> None:
    token = tokenise()["token"]

    with time_machine.travel(timezone.now() + timedelta(minutes=31)), pytest.raises(GatewayError):
        charge(gateway, token=token)


def test_a_billing_address_sent_with_the_charge_is_the_one_checked(
    sandbox_account: GatewayAccount, tokenise: Tokenise
) -> None:
    sandbox_account.required_address_fields = "postal_code"
    gateway = registry.gateway_for(sandbox_account)

    without = charge(gateway, token=tokenise()["token"], billing=BillingAddress(name="Ada"))
    with_zip = charge(
        gateway, "26.00", token=tokenise()["token"], billing=BillingAddress(postal_code="1")
    )

    assert without.error == PortalError.ADDRESS_VERIFICATION
    assert with_zip.succeeded


def test_settle_due_leaves_debits_that_are_not_due_yet(
    gateway: Gateway, bank_token: Callable[[str], dict[str, Any]], settings: Any
) -> None:
    settings.SANDBOX_SETTLE_SECONDS = 60
    made = charge(gateway, token=bank_token("000123456789")["token"])

    call_command("sandbox", "settle", "--due", "--no-deliver")
    assert gateway.retrieve_charge(idempotency_key=made.idempotency_key).pending  # type: ignore[union-attr]

    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        call_command("sandbox", "settle", "--due", "--no-deliver")
    assert gateway.retrieve_charge(idempotency_key=made.idempotency_key).succeeded  # type: ignore[union-attr]
