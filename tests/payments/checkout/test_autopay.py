"""Autopay: a recurring invoice is charged to the customer's default saved method, once."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail

from portico.activity.models import ActivityLog, Notification
from portico.contacts.scope import PortalScope
from portico.core.errors import DomainError
from portico.orgs.models import GatewayAccount
from portico.payments import autopay
from portico.payments.gateways.sandbox.models import Charge
from portico.payments.models import Checkout, CheckoutSettings, Payment, SavedMethod
from portico.payments.saved_methods import saved_method_add
from portico.sales.models import Invoice, RecurringProfile
from portico.sales.services import recurring_generate_due
from tests.payments.checkout.conftest import Tokenise
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db(transaction=False)

START = datetime.date(2026, 1, 5)


@pytest.fixture
def card(scope: PortalScope, sandbox_account: GatewayAccount, tokenise: Tokenise) -> SavedMethod:
    return saved_method_add(scope=scope, account=sandbox_account, token=tokenise())


@pytest.fixture
def profile(customer_a: Any) -> RecurringProfile:
    return sales.recurring_profile(customer_a, start_date=START, autopay=True)


def generate(commit_callbacks: Any, day: datetime.date = START) -> list[Invoice]:
    with commit_callbacks(execute=True):
        return recurring_generate_due(today=day)


def test_a_generated_invoice_is_charged_to_the_default_card_and_receipted(
    profile: RecurringProfile, card: SavedMethod, django_capture_on_commit_callbacks: Any
) -> None:
    # when
    (invoice,) = generate(django_capture_on_commit_callbacks)
    # then
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    done = Checkout.objects.get()
    assert done.autopay and done.person is None and done.saved_method == card
    assert done.state == Checkout.State.SUCCEEDED
    assert Notification.objects.filter(kind="paid", payment=done.payment).count() == 1
    receipt = [m for m in mail.outbox if done.payment and done.payment.number in m.subject]
    assert receipt and receipt[0].to == ["ann@customer-a.example"]
    assert "automatically" in receipt[0].body


def test_autopay_run_twice_charges_once(
    profile: RecurringProfile, card: SavedMethod, django_capture_on_commit_callbacks: Any
) -> None:
    (invoice,) = generate(django_capture_on_commit_callbacks)
    again = autopay.autopay_charge(invoice_id=invoice.pk)
    assert again.checkout is not None and again.checkout.state == Checkout.State.SUCCEEDED
    assert Charge.objects.count() == 1 and Payment.objects.count() == 1


def test_a_profile_without_autopay_charges_nothing(
    customer_a: Any, card: SavedMethod, django_capture_on_commit_callbacks: Any
) -> None:
    sales.recurring_profile(customer_a, start_date=START)
    (invoice,) = generate(django_capture_on_commit_callbacks)
    assert invoice.balance_due > 0 and Charge.objects.count() == 0


@pytest.mark.parametrize(
    ("setting", "code"),
    [("reference_transactions_enabled", "CP3001"), ("recurring_enabled", "CP4002")],
)
def test_an_account_that_cannot_charge_answers_its_code_and_asks_the_customer(
    profile: RecurringProfile,
    card: SavedMethod,
    sandbox_account: GatewayAccount,
    django_capture_on_commit_callbacks: Any,
    setting: str,
    code: str,
) -> None:
    # given
    setattr(sandbox_account, setting, False)
    sandbox_account.save()
    mail.outbox.clear()
    # when
    (invoice,) = generate(django_capture_on_commit_callbacks)
    outcome = autopay.autopay_charge(invoice_id=invoice.pk)
    # then
    assert outcome.code == code and not outcome.charged
    invoice.refresh_from_db()
    assert invoice.balance_due == invoice.total
    assert Charge.objects.count() == 0 and Checkout.objects.count() == 0
    failed = Notification.objects.get(kind="payment_failed")
    assert code in failed.text and "Remedy:" in failed.text
    asked = [m for m in mail.outbox if "did not go through" in m.subject]
    assert asked and asked[0].to == ["ann@customer-a.example"] and code in asked[0].body


def test_no_default_method_charges_nothing_and_tells_the_business(
    profile: RecurringProfile, django_capture_on_commit_callbacks: Any
) -> None:
    (invoice,) = generate(django_capture_on_commit_callbacks)
    assert autopay.autopay_charge(invoice_id=invoice.pk).code == "no_default_method"
    assert Charge.objects.count() == 0
    assert Notification.objects.filter(
        kind="payment_failed", text__contains="no default saved card"
    ).exists()


def test_a_declined_charge_fails_without_posting_and_asks_the_customer(
    customer_a: Any,
    pay: Any,
    card: SavedMethod,
    profile: RecurringProfile,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given: the same card paid the same amount minutes ago (the gateway's duplicate check)
    pay([sales.invoice(customer_a, "45.00")], saved_method=card)
    mail.outbox.clear()
    # when
    (invoice,) = generate(django_capture_on_commit_callbacks)
    # then
    done = Checkout.objects.get(autopay=True)
    assert done.state == Checkout.State.FAILED and done.error_code == "CP3005"
    invoice.refresh_from_db()
    assert invoice.balance_due == invoice.total and Payment.objects.count() == 1
    assert any("did not go through" in m.subject for m in mail.outbox)


def test_a_bank_default_is_not_charged_for_a_customer_without_bank_debit(
    customer_a: Any, card: SavedMethod
) -> None:
    SavedMethod.objects.filter(pk=card.pk).update(kind="bank")
    customer_a.allow_bank_debit = False
    assert autopay.default_method_of(customer_a) is None


def test_autopay_needs_invoices_sent_automatically(customer_a: Any) -> None:
    with pytest.raises(DomainError) as error:
        sales.recurring_profile(customer_a, autopay=True, send_automatically=False)
    assert error.value.code == "autopay_needs_sending"


def test_the_customer_turns_autopay_off_and_the_business_is_told(
    scope: PortalScope, profile: RecurringProfile
) -> None:
    autopay.autopay_turn_off(scope=scope, profile=profile)
    profile.refresh_from_db()
    assert not profile.autopay and profile.autopay_turned_off_at is not None
    assert Notification.objects.filter(kind="autopay_off", contact=scope.contact).count() == 1
    assert ActivityLog.objects.filter(action="autopay_off", person=scope.person).exists()


def test_turning_off_is_refused_where_the_business_does_not_allow_it(
    scope: PortalScope, profile: RecurringProfile
) -> None:
    CheckoutSettings.objects.create(
        organisation=scope.organisation, customers_may_turn_off_autopay=False
    )
    with pytest.raises(DomainError) as error:
        autopay.autopay_turn_off(scope=scope, profile=profile)
    assert error.value.code == "autopay_locked"
    profile.refresh_from_db()
    assert profile.autopay


def test_another_customers_profile_cannot_be_turned_off(
    scope: PortalScope, customer_b: Any
) -> None:
    theirs = sales.recurring_profile(customer_b, start_date=START, autopay=True)
    with pytest.raises(DomainError):
        autopay.autopay_turn_off(scope=scope, profile=theirs)
    theirs.refresh_from_db()
    assert theirs.autopay


def test_a_bank_account_on_autopay_is_pending_until_the_bank_settles(
    scope: PortalScope,
    sandbox_account: GatewayAccount,
    bank_token: Any,
    webhooks: Any,
    profile: RecurringProfile,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given the customer's default method is a bank account they may debit
    from django.core.management import call_command

    scope.contact.allow_bank_debit = True
    scope.contact.save()
    saved_method_add(scope=scope, account=sandbox_account, token=bank_token())
    # when the invoice is generated, then settled by the bank
    (invoice,) = generate(django_capture_on_commit_callbacks)
    assert Checkout.objects.get().state == Checkout.State.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sandbox", "settle")
    # then it is paid once, and the receipt goes to the primary contact person
    invoice.refresh_from_db()
    done = Checkout.objects.get()
    assert done.state == Checkout.State.SUCCEEDED and done.payment is not None
    assert done.payment.mode == "bank_debit" and invoice.status == Invoice.Status.PAID
    assert any(done.payment.number in m.subject for m in mail.outbox)
