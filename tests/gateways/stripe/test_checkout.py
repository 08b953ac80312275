"""Every portal payment path through Stripe, as through the sandbox: one invoice, part of one,
several, an amount oldest first, a saved card, autopay, reconcile."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from portico.contacts.scope import PortalScope
from portico.core.errors import DomainError
from portico.orgs.models import GatewayAccount
from portico.payments import reconcile
from portico.payments.checkout import services as checkout_services
from portico.payments.gateways.stripe.adapter import StripeGateway, client_for
from portico.payments.models import Checkout, Payment, SavedMethod
from portico.payments.saved_methods import saved_method_add, saved_method_delete
from portico.sales.models import Invoice
from portico.sales.services import recurring_generate_due
from tests.gateways import pan_scan
from tests.gateways.stripe.conftest import Card, Pay, authenticate_payment
from tests.localstripe import SECRET_KEY, LocalStripe
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db

State = Checkout.State


def intent(transaction_id: str) -> Any:
    return client_for(SECRET_KEY).v1.payment_intents.retrieve(transaction_id)


def test_pay_one_invoice_in_full_by_card(
    pay: Pay, customer_a: Any, card: Card, caplog: pytest.LogCaptureFixture
) -> None:
    invoice = sales.invoice(customer_a, "100.00")
    done = pay([invoice], token=card().reference)
    invoice.refresh_from_db()
    assert done.state == State.SUCCEEDED and invoice.status == Invoice.Status.PAID
    assert (done.brand, done.last4) == ("Visa", "4242")
    at_stripe = intent(done.gateway_transaction_id)
    assert Decimal(at_stripe.amount) / 100 == done.amount
    assert at_stripe.metadata["portico_checkout"] == f"checkout:{done.public_id}"
    assert at_stripe.metadata["portico_checkout_id"] == str(done.public_id)
    assert at_stripe.description == invoice.number
    pan_scan.assert_no_card_data(cvcs=["123"], logs=caplog.records)


def test_pay_part_of_an_invoice(pay: Pay, customer_a: Any, card: Card) -> None:
    invoice = sales.invoice(customer_a, "100.00", allow_partial_payment=True)
    done = pay([invoice], token=card().reference, amounts={invoice.pk: "30.00"})
    invoice.refresh_from_db()
    assert done.state == State.SUCCEEDED and intent(done.gateway_transaction_id).amount == 3000
    assert invoice.status == Invoice.Status.PARTIALLY_PAID


def test_pay_several_invoices_with_one_amount_oldest_first(
    pay: Pay, customer_a: Any, card: Card
) -> None:
    older = sales.invoice(customer_a, "50.00", due_date=sales.DAY + datetime.timedelta(days=10))
    newer = sales.invoice(customer_a, "50.00", due_date=sales.DAY + datetime.timedelta(days=40))
    total = older.balance_due + newer.balance_due
    done = pay([newer, older], token=card().reference, amount=str(older.balance_due + 1))
    older.refresh_from_db()
    newer.refresh_from_db()
    assert done.state == State.SUCCEEDED
    assert older.status == Invoice.Status.PAID and newer.balance_due == total - done.amount
    every = pay([newer], token=card().reference)
    assert every.state == State.SUCCEEDED and Payment.objects.count() == 2


def test_a_card_saved_while_paying_pays_the_next_invoices(
    pay: Pay, customer_a: Any, card: Card
) -> None:
    first = pay([sales.invoice(customer_a, "20.00")], token=card().reference, save_method=True)
    saved = SavedMethod.objects.get()
    assert first.state == State.SUCCEEDED and first.saved_method == saved
    assert (saved.brand, saved.last4, saved.reference[:3]) == ("Visa", "4242", "pm_")
    others = [sales.invoice(customer_a, "30.00"), sales.invoice(customer_a, "40.00")]
    later = pay(others, saved_method=saved)
    assert later.state == State.SUCCEEDED
    assert intent(later.gateway_transaction_id).payment_method == saved.reference


def test_a_declined_card_changes_nothing_and_a_second_card_pays(
    pay: Pay, customer_a: Any, card: Card
) -> None:
    invoice = sales.invoice(customer_a, "60.00")
    balance = invoice.balance_due
    declined = pay([invoice], token=card("4000000000009995").reference)
    invoice.refresh_from_db()
    assert declined.state == State.FAILED and declined.error_code == "insufficient_funds"
    assert invoice.balance_due == balance and Payment.objects.count() == 0
    assert pay([invoice], token=card().reference).state == State.SUCCEEDED


def test_saved_card_charges_off_at_the_account_refuse_uncharged(
    pay: Pay, customer_a: Any, card: Card, scope: PortalScope, stripe_account: GatewayAccount
) -> None:
    saved = saved_method_add(scope=scope, account=stripe_account, token=card().reference)
    stripe_account.reference_transactions_enabled = False
    stripe_account.save()
    with pytest.raises(DomainError) as refused:
        pay([sales.invoice(customer_a, "20.00")], saved_method=saved)
    assert refused.value.code == "CP3001" and Checkout.objects.count() == 0


def test_removing_a_saved_card_detaches_it_at_stripe(
    scope: PortalScope, stripe_account: GatewayAccount, card: Card
) -> None:
    saved = saved_method_add(scope=scope, account=stripe_account, token=card().reference)
    assert client_for(SECRET_KEY).v1.payment_methods.retrieve(saved.reference).customer
    saved_method_delete(scope=scope, method=saved)
    assert not client_for(SECRET_KEY).v1.payment_methods.retrieve(saved.reference).customer


def test_autopay_charges_the_default_stripe_card_once(
    scope: PortalScope,
    stripe_account: GatewayAccount,
    customer_a: Any,
    card: Card,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from portico.payments import autopay

    saved = saved_method_add(scope=scope, account=stripe_account, token=card().reference)
    start = datetime.date(2026, 1, 5)
    sales.recurring_profile(customer_a, start_date=start, autopay=True)
    with django_capture_on_commit_callbacks(execute=True):
        (invoice,) = recurring_generate_due(today=start)
    invoice.refresh_from_db()
    done = Checkout.objects.get()
    assert invoice.status == Invoice.Status.PAID and done.autopay and done.saved_method == saved
    assert intent(done.gateway_transaction_id).customer
    again = autopay.autopay_charge(invoice_id=invoice.pk)
    assert again.checkout == done and Payment.objects.count() == 1


def test_reconcile_posts_a_stripe_charge_left_unknown_exactly_once(
    pay: Pay, customer_a: Any, card: Card, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a crash between Stripe's answer and the posting
    invoice = sales.invoice(customer_a, "100.00")

    def crash(**kwargs: Any) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(checkout_services, "checkout_apply_result", crash)
    done = pay([invoice], token=card().reference)
    monkeypatch.undo()
    assert done.state == State.UNKNOWN
    # when reconcile runs twice
    first = reconcile.checkouts_reconcile()
    second = reconcile.checkouts_reconcile()
    # then Stripe's PaymentIntent is found by its key and posted once
    done.refresh_from_db()
    invoice.refresh_from_db()
    assert first == {"succeeded": 1} and second == {}
    assert done.state == State.SUCCEEDED and done.gateway_transaction_id.startswith("pi_")
    assert invoice.status == Invoice.Status.PAID and Payment.objects.count() == 1


def reconcile_later() -> dict[str, int]:
    """Reconcile once an unknown checkout is no longer fresh (`reconcile.FRESH_UNKNOWN`)."""
    later = timezone.now() + reconcile.FRESH_UNKNOWN + datetime.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        return reconcile.checkouts_reconcile()


def test_reconcile_closes_a_checkout_stripe_never_saw(
    pay: Pay, customer_a: Any, card: Card, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoice = sales.invoice(customer_a, "100.00")

    def timeout(self: Any, request: Any) -> None:
        raise TimeoutError

    monkeypatch.setattr(StripeGateway, "charge", timeout)
    done = pay([invoice], token=card().reference)
    monkeypatch.undo()
    assert done.state == State.UNKNOWN
    assert reconcile.checkouts_reconcile() == {"unknown": 1}  # a late charge may still land
    assert reconcile_later() == {"failed": 1}
    done.refresh_from_db()
    assert done.error_code == "not_charged"
    assert pay([invoice], token=card().reference).state == State.SUCCEEDED


def test_reconcile_refuses_an_intent_of_another_amount_and_books_nothing(
    pay: Pay,
    customer_a: Any,
    card: Card,
    stripe_gateway: StripeGateway,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given a checkout Stripe never saw, and then a PaymentIntent of another amount on its key
    invoice = sales.invoice(customer_a, "100.00")

    def timeout(self: Any, request: Any) -> None:
        raise TimeoutError

    monkeypatch.setattr(StripeGateway, "charge", timeout)
    done = pay([invoice], token=card().reference)
    monkeypatch.undo()
    from portico.payments.gateways.base import ChargeRequest

    stripe_gateway.charge(
        ChargeRequest(
            amount=done.amount - 1,
            currency=done.currency,
            idempotency_key=f"checkout:{done.public_id}",
            token=card().reference,
        )
    )
    # when reconcile reads it
    reconcile.checkouts_reconcile()
    # then nothing is booked, and it is logged
    done.refresh_from_db()
    assert done.state == State.UNKNOWN and Payment.objects.count() == 0
    assert "refused, nothing booked" in caplog.text


def test_no_answer_to_the_charge_leaves_the_checkout_unknown_not_failed(
    pay: Pay, customer_a: Any, card: Card, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given Stripe stops answering once the card was read, before the PaymentIntent is made
    from portico.payments.gateways.stripe import adapter

    invoice = sales.invoice(customer_a, "100.00")
    token = card().reference
    reachable = settings.STRIPE_API_BASE
    read = adapter._plain

    def read_then_cut_the_line(obj: Any) -> Any:
        settings.STRIPE_API_BASE = "http://127.0.0.1:9"
        return read(obj)

    monkeypatch.setattr(adapter, "_plain", read_then_cut_the_line)
    done = pay([invoice], token=token)
    monkeypatch.undo()
    settings.STRIPE_API_BASE = reachable

    # then it is not closed as refused: it waits for reconcile, which finds no charge
    assert done.state == State.UNKNOWN
    assert reconcile_later() == {"failed": 1}
    done.refresh_from_db()
    assert done.error_code == "not_charged" and Payment.objects.count() == 0


THREE_D_SECURE = "4000002500003155"


@pytest.mark.parametrize("completed", [True, False], ids=["authenticated", "failed"])
def test_a_charge_the_bank_asks_to_confirm_waits_for_the_customer_then_settles(
    pay: Pay, customer_a: Any, card: Card, localstripe: LocalStripe, completed: bool
) -> None:
    # given a card whose bank asks for 3-D Secure at the payment itself
    invoice = sales.invoice(customer_a, "70.00")
    done = pay([invoice], token=card(THREE_D_SECURE).reference, save_method=True)

    # then nothing is booked yet: the checkout waits, and its page gets Stripe.js's part
    assert done.state == State.PROCESSING and done.gateway_transaction_id.startswith("pi_")
    action = checkout_services.checkout_customer_action(checkout=done)
    assert action is not None and action.client_secret.startswith(done.gateway_transaction_id)
    assert action.publishable_key.startswith("pk_test_")
    assert Payment.objects.count() == 0

    # when the customer completes (or fails) the bank's window, and the page asks Portico
    authenticate_payment(localstripe, action, success=completed)
    done = checkout_services.checkout_after_action(checkout=done)
    assert checkout_services.checkout_after_action(checkout=done) == done

    # then it is paid once, or failed with the bank's reason and nothing charged
    invoice.refresh_from_db()
    if completed:
        assert done.state == State.SUCCEEDED and invoice.status == Invoice.Status.PAID
        assert Payment.objects.count() == 1 and intent(done.gateway_transaction_id).status == (
            "succeeded"
        )
    else:
        assert done.state == State.FAILED and done.error_code == "authentication_required"
        assert invoice.status == Invoice.Status.SENT and Payment.objects.count() == 0
    assert checkout_services.checkout_customer_action(checkout=done) is None
    # a card that still needed the bank's confirmation is not kept as saved
    assert SavedMethod.objects.count() == 0


def test_an_authentication_left_unfinished_is_cancelled_by_reconcile(
    pay: Pay, customer_a: Any, card: Card
) -> None:
    invoice = sales.invoice(customer_a, "70.00")
    done = pay([invoice], token=card(THREE_D_SECURE).reference)
    assert done.state == State.PROCESSING
    assert reconcile.checkouts_reconcile() == {"processing": 1}  # she may be at her bank now
    later = timezone.now() + reconcile.STALE_PROCESSING + datetime.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert reconcile.checkouts_reconcile() == {"failed": 1}
    done.refresh_from_db()
    assert done.error_code == "authentication_required" and Payment.objects.count() == 0
    assert intent(done.gateway_transaction_id).status == "canceled"
    assert pay([invoice], token=card().reference).state == State.SUCCEEDED
