"""Checkout through the sandbox: one charge per key, every outcome, nothing posted on failure."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from portico.activity.models import Notification
from portico.contacts.scope import PortalScope
from portico.core.errors import DomainError, PortalFailure
from portico.orgs.models import GatewayAccount, Tax
from portico.payments import reconcile
from portico.payments.checkout import services as checkout
from portico.payments.gateways.sandbox.models import Charge
from portico.payments.models import Checkout, CustomerCredit, Payment, SavedMethod
from portico.sales.models import Invoice
from tests.payments.checkout.conftest import Tokenise
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db(transaction=False)

Pay = Callable[..., Checkout]
State = Checkout.State


def test_a_card_payment_pays_the_invoice_and_sends_a_receipt(
    pay: Pay, invoice: Invoice, tokenise: Tokenise, django_capture_on_commit_callbacks: Any
) -> None:
    # when
    with django_capture_on_commit_callbacks(execute=True):
        done = pay([invoice], token=tokenise())
    # then
    invoice.refresh_from_db()
    assert done.state == State.SUCCEEDED
    assert invoice.status == Invoice.Status.PAID and invoice.balance_due == 0
    assert done.payment is not None and done.payment.source == "online"
    assert done.payment.amount == done.amount
    assert Notification.objects.filter(kind="paid", payment=done.payment).count() == 1
    assert any(done.payment.number in m.subject for m in mail.outbox)


def test_the_same_key_twice_charges_once_and_answers_the_same(
    pay: Pay, invoice: Invoice, tokenise: Tokenise
) -> None:
    first = pay([invoice], token=tokenise(), idempotency_key="k-1")
    again = pay([invoice], token=tokenise(), idempotency_key="k-1")
    assert again.pk == first.pk and again.state == State.SUCCEEDED
    assert Charge.objects.count() == 1
    assert Payment.objects.count() == 1


def test_a_paid_invoice_cannot_be_paid_again(
    pay: Pay, invoice: Invoice, tokenise: Tokenise
) -> None:
    pay([invoice], token=tokenise())
    invoice.refresh_from_db()
    with pytest.raises(checkout.CheckoutRefused) as error:
        pay([invoice], token=tokenise())
    assert error.value.code == "already_paid"
    assert Charge.objects.count() == 1


def test_a_partial_amount_leaves_the_rest_due(
    pay: Pay, invoice: Invoice, tokenise: Tokenise
) -> None:
    balance = invoice.balance_due
    done = pay([invoice], token=tokenise(), amounts={invoice.pk: "10.00"})
    invoice.refresh_from_db()
    assert done.amount == Decimal("10.00")
    assert invoice.balance_due == balance - Decimal("10.00")
    assert invoice.status == Invoice.Status.PARTIALLY_PAID


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("0", "non_positive_amount"),
        ("-5", "non_positive_amount"),
        ("1.001", "too_precise"),
        ("NaN", "invalid_amount"),
        ("Infinity", "invalid_amount"),
        ("abc", "invalid_amount"),
        ("100000", "above_balance"),
    ],
)
def test_bad_amounts_are_refused_before_any_gateway_call(
    pay: Pay, invoice: Invoice, tokenise: Tokenise, amount: str, code: str
) -> None:
    token = tokenise()
    with pytest.raises(checkout.CheckoutRefused) as error:
        pay([invoice], token=token, amounts={invoice.pk: amount})
    assert error.value.code == code
    with pytest.raises(checkout.CheckoutRefused) as error:
        pay([invoice], token=token, amount=amount)
    assert error.value.code == code
    assert Charge.objects.count() == 0 and Checkout.objects.count() == 0


def test_a_float_amount_is_refused(pay: Pay, invoice: Invoice, tokenise: Tokenise) -> None:
    with pytest.raises(checkout.CheckoutRefused):
        pay([invoice], token=tokenise(), amount=10.5)


def test_a_full_only_invoice_refuses_a_part(customer_a: Any, pay: Pay, tokenise: Tokenise) -> None:
    whole = sales.invoice(customer_a, "50.00", allow_partial_payment=False)
    with pytest.raises(checkout.CheckoutRefused) as error:
        pay([whole], token=tokenise(), amounts={whole.pk: "10.00"})
    assert error.value.code == "partial_payment_not_allowed"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("4000000000000002", "card_declined"),
        ("4000000000009995", "insufficient_funds"),
        ("4100000000000019", "CP3003"),
        ("4000000000000010", "CP3004"),
        ("4000000000000119", "processing_error"),
    ],
)
def test_every_declining_card_ends_failed_with_its_code_and_the_invoice_unchanged(
    pay: Pay,
    invoice: Invoice,
    tokenise: Tokenise,
    sandbox_account: GatewayAccount,
    number: str,
    code: str,
) -> None:
    sandbox_account.required_address_fields = "postal_code"
    sandbox_account.save()
    balance = invoice.balance_due
    done = pay(
        [invoice], token=tokenise(number, address_zip="99999" if code == "CP3004" else "12345")
    )
    invoice.refresh_from_db()
    assert done.state == State.FAILED
    assert done.error_code == code
    assert done.error_message
    assert invoice.balance_due == balance and invoice.status == Invoice.Status.SENT
    assert Payment.objects.count() == 0
    assert Notification.objects.filter(kind=checkout.FAILED_NOTIFICATION).count() == 1


def test_a_fraud_decline_tells_the_business_the_remedy(
    pay: Pay, invoice: Invoice, tokenise: Tokenise
) -> None:
    pay([invoice], token=tokenise("4100000000000019"))
    note = Notification.objects.get(kind=checkout.FAILED_NOTIFICATION)
    assert "CP3003" in note.text and "fraud filter settings" in note.text


def test_a_failed_checkout_does_not_block_the_next_attempt(
    pay: Pay, invoice: Invoice, tokenise: Tokenise
) -> None:
    pay([invoice], token=tokenise("4000000000000002"))
    assert pay([invoice], token=tokenise()).state == State.SUCCEEDED


def test_the_same_card_and_amount_again_is_a_duplicate(
    customer_a: Any, pay: Pay, tokenise: Tokenise
) -> None:
    first, second = sales.invoice(customer_a, "40.00"), sales.invoice(customer_a, "40.00")
    pay([first], token=tokenise())
    done = pay([second], token=tokenise())
    assert done.state == State.FAILED and done.error_code == "CP3005"


@pytest.mark.parametrize(
    ("setting", "value", "code"),
    [
        ("currencies", "EUR", "CP4003"),
        ("minimum_amount", Decimal("1000"), "CP4001"),
    ],
)
def test_account_settings_refuse_with_their_code_and_no_charge(
    pay: Pay,
    invoice: Invoice,
    tokenise: Tokenise,
    sandbox_account: GatewayAccount,
    setting: str,
    value: Any,
    code: str,
) -> None:
    token = tokenise()
    setattr(sandbox_account, setting, value)
    sandbox_account.save()
    with pytest.raises(PortalFailure) as error:
        pay([invoice], token=token)
    assert error.value.code == code
    assert Charge.objects.count() == 0 and Checkout.objects.count() == 0
    assert Notification.objects.filter(kind=checkout.FAILED_NOTIFICATION).count() == 1


def test_saved_method_charges_refused_when_reference_transactions_are_off(
    pay: Pay, invoice: Invoice, tokenise: Tokenise, customer_a: Any, sandbox_account: GatewayAccount
) -> None:
    first = sales.invoice(customer_a, "30.00")
    pay([first], token=tokenise(), save_method=True)
    method = SavedMethod.objects.get()
    sandbox_account.reference_transactions_enabled = False
    sandbox_account.save()
    method.refresh_from_db()
    with pytest.raises(PortalFailure) as error:
        pay([invoice], saved_method=method)
    assert error.value.code == "CP3001"


def test_preflight_deleted_customer_is_cp1003(
    pay: Pay, invoice: Invoice, tokenise: Tokenise, scope: PortalScope
) -> None:
    scope.contact.is_deleted = True
    with pytest.raises(PortalFailure) as error:
        pay([invoice], token=tokenise())
    assert error.value.code == "CP1003"
    assert Charge.objects.count() == 0


def test_preflight_deleted_recurring_profile_is_cp1004(
    pay: Pay, invoice: Invoice, tokenise: Tokenise, customer_a: Any
) -> None:
    profile = sales.recurring_profile(customer_a)
    profile.is_deleted = True
    profile.save()
    Invoice.objects.filter(pk=invoice.pk).update(recurring_profile=profile)
    invoice.refresh_from_db()
    with pytest.raises(PortalFailure) as error:
        pay([invoice], token=tokenise())
    assert error.value.code == "CP1004"


def test_preflight_no_default_tax_is_cp2001(pay: Pay, invoice: Invoice, tokenise: Tokenise) -> None:
    Tax.objects.update(is_default=False)
    with pytest.raises(PortalFailure) as error:
        pay([invoice], token=tokenise())
    assert error.value.code == "CP2001"


def test_saving_the_card_keeps_only_brand_last4_and_expiry(
    pay: Pay, invoice: Invoice, tokenise: Tokenise
) -> None:
    done = pay([invoice], token=tokenise(), save_method=True)
    method = SavedMethod.objects.get()
    assert done.saved_method == method
    assert (method.brand.lower(), method.last4, method.exp_year) == ("visa", "4242", 2034)
    assert method.is_default and method.reference


def test_one_amount_is_applied_oldest_due_first(
    customer_a: Any, pay: Pay, tokenise: Tokenise
) -> None:
    import datetime

    newer = sales.invoice(customer_a, "100.00", due_date=datetime.date(2026, 3, 1))
    older = sales.invoice(customer_a, "100.00", due_date=datetime.date(2026, 2, 1))
    done = pay([newer, older], token=tokenise(), amount=older.balance_due + Decimal("5.00"))
    older.refresh_from_db()
    newer.refresh_from_db()
    assert done.state == State.SUCCEEDED
    assert older.status == Invoice.Status.PAID
    assert newer.balance_due == newer.total - Decimal("5.00")
    assert sum(a.amount for a in done.payment.allocations.all()) == done.amount


def test_a_changed_total_asks_again_and_charges_nothing(
    customer_a: Any, pay: Pay, tokenise: Tokenise, invoice: Invoice
) -> None:
    # given the page showed a balance that has changed since
    seen = {invoice.pk: invoice.balance_due + 1}
    with pytest.raises(checkout.AmountChanged):
        pay([invoice], token=tokenise(), expected_balances=seen)
    assert Charge.objects.count() == 0 and Checkout.objects.count() == 0


def test_an_invoice_voided_meanwhile_asks_again(
    pay: Pay, tokenise: Tokenise, invoice: Invoice
) -> None:
    seen = {invoice.pk: invoice.balance_due}
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.VOID)
    invoice.refresh_from_db()
    with pytest.raises(checkout.AmountChanged):
        pay([invoice], token=tokenise(), expected_balances=seen)
    assert Charge.objects.count() == 0


def test_a_retainer_payment_becomes_credit(customer_a: Any, pay: Pay, tokenise: Tokenise) -> None:
    retainer = sales.invoice(customer_a, "200.00", kind=Invoice.Kind.RETAINER)
    done = pay([retainer], token=tokenise())
    assert done.state == State.SUCCEEDED
    credit = CustomerCredit.objects.get(payment=done.payment)
    assert credit.kind == CustomerCredit.Kind.RETAINER and credit.amount == done.amount


def test_another_customers_invoice_is_never_charged(
    pay: Pay, customer_b: Any, tokenise: Tokenise
) -> None:
    theirs = sales.invoice(customer_b, "10.00")
    with pytest.raises(DomainError):
        pay([theirs], token=tokenise())
    assert Charge.objects.count() == 0


def test_no_key_is_refused(pay: Pay, invoice: Invoice, tokenise: Tokenise) -> None:
    with pytest.raises(checkout.CheckoutRefused):
        pay([invoice], token=tokenise(), idempotency_key="")


def test_reconcile_posts_a_charge_left_unknown_by_a_crash_exactly_once(
    pay: Pay, invoice: Invoice, tokenise: Tokenise, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a crash between the charge and the posting
    def crash(**kwargs: Any) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(checkout, "checkout_apply_result", crash)
    done = pay([invoice], token=tokenise())
    assert done.state == State.UNKNOWN and Charge.objects.count() == 1
    monkeypatch.undo()
    # when reconcile runs twice
    first = reconcile.checkouts_reconcile()
    second = reconcile.checkouts_reconcile()
    # then the charge is posted once
    invoice.refresh_from_db()
    assert first == {"succeeded": 1} and second == {}
    assert Payment.objects.count() == 1 and invoice.status == Invoice.Status.PAID
    done.refresh_from_db()
    assert done.state == State.SUCCEEDED


def test_reconcile_closes_a_checkout_the_gateway_never_saw(
    pay: Pay, invoice: Invoice, tokenise: Tokenise, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portico.payments.gateways.sandbox.adapter import SandboxGateway

    def timeout(self: Any, request: Any) -> None:
        raise TimeoutError

    monkeypatch.setattr(SandboxGateway, "charge", timeout)
    done = pay([invoice], token=tokenise())
    assert done.state == State.UNKNOWN
    monkeypatch.undo()
    # right after the timeout the charge may still be on its way: not closed yet
    assert reconcile.checkouts_reconcile() == {"unknown": 1}
    later = timezone.now() + reconcile.FRESH_UNKNOWN + datetime.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert reconcile.checkouts_reconcile() == {"failed": 1}
    done.refresh_from_db()
    assert done.error_code == "not_charged"
    assert pay([invoice], token=tokenise()).state == State.SUCCEEDED


def test_a_key_unique_per_organisation(
    pay: Pay, invoice: Invoice, tokenise: Tokenise, other_org: Any
) -> None:
    first = pay([invoice], token=tokenise(), idempotency_key=str(uuid.uuid4()))
    assert Checkout.objects.filter(idempotency_key=first.idempotency_key).count() == 1


def test_another_customers_same_key_is_their_own_checkout(
    pay: Pay,
    invoice: Invoice,
    tokenise: Tokenise,
    org: Any,
    customer_b: Any,
    customer_b_person: Any,
    sandbox_account: GatewayAccount,
) -> None:
    # given customer A paid with a key that customer B's form also sends
    first = pay([invoice], token=tokenise(), idempotency_key="shared-key")
    b_invoice = sales.invoice(customer_b, "40.00")
    b_scope = PortalScope(organisation=org, contact=customer_b, person=customer_b_person)

    # when customer B pays with the same key
    second = checkout.checkout_start(
        scope=b_scope, invoices=[b_invoice], token=tokenise(), idempotency_key="shared-key"
    )

    # then B is charged for B's invoice, and never handed A's checkout
    assert second.pk != first.pk
    assert second.contact == customer_b and second.amount == Decimal("40.00")
    assert second.state == State.SUCCEEDED


def test_a_bank_token_sent_as_a_card_is_refused_uncharged(
    customer_a: Any, pay: Pay, invoice: Invoice, tokenise: Tokenise
) -> None:
    # given a customer without bank debit, who obtained a bank token from the public endpoint
    assert not customer_a.allow_bank_debit
    bank = tokenise(routing_number="110000000", account_number="000123456789", account_holder="A")

    # when it is submitted as a card payment
    done = pay([invoice], token=bank)

    # then the gateway refuses it before any charge and the invoice is unchanged
    invoice.refresh_from_db()
    assert done.state == State.FAILED
    assert done.error_code == "payment_method_not_allowed"
    assert invoice.balance_due == invoice.total
    assert Payment.objects.count() == 0
