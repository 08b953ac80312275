"""`portico ledger check` compares online payments with the gateway's record of charges and
reports each difference: a payment with no charge, a charge with no payment, other amounts."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from portico.contacts.models import Contact
from portico.orgs.models import GatewayAccount
from portico.payments import ledger
from portico.payments import services as payment_services
from portico.payments.checkout import services as checkout
from portico.payments.gateways import registry
from portico.payments.gateways.sandbox import processor
from portico.payments.gateways.sandbox.models import Charge
from portico.payments.models import Checkout, Payment
from portico.sales.models import Invoice
from tests.payments.checkout.conftest import Tokenise
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db

Difference = ledger.Difference


def test_payments_that_match_their_charges_report_nothing(
    pay: Any, invoice: Invoice, tokenise: Tokenise, customer_a: Contact
) -> None:
    pay([invoice], token=tokenise())
    pay([sales.invoice(customer_a, "20.00")], token=tokenise("5555555555554444"))
    out = StringIO()
    call_command("ledger", "check", stdout=out)
    assert ledger.gateway_check() == []
    assert "agree with the gateways" in out.getvalue()


def test_a_payment_recorded_as_online_without_a_charge_is_reported(
    invoice: Invoice, customer_a: Contact, sandbox_account: GatewayAccount
) -> None:
    # given an online payment whose transaction the gateway never made
    payment = payment_services.payment_record(
        contact=customer_a,
        amount=Decimal("100.00"),
        date=timezone.localdate(),
        mode="card",
        allocations=[(invoice, Decimal("100.00"))],
        source=Payment.Source.ONLINE,
        gateway="sandbox",
        gateway_transaction_id="ch_never_made",
    )
    # when
    [difference] = ledger.gateway_check()
    # then
    assert difference.difference == Difference.NO_CHARGE
    assert (difference.payment, difference.transaction_id) == (payment.number, "ch_never_made")
    assert difference.payment_amount == Decimal("100.00")
    err = StringIO()
    with pytest.raises(CommandError, match="1 difference"):
        call_command("ledger", "check", stderr=err)
    assert payment.number in err.getvalue() and "no succeeded charge" in err.getvalue()


def test_a_charge_that_succeeded_with_no_payment_is_reported_until_reconciled(
    pay: Any, invoice: Invoice, tokenise: Tokenise, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portico.payments import reconcile

    # given a crash after the charge: money taken, no payment recorded
    def crash(**kwargs: Any) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(checkout, "checkout_apply_result", crash)
    done = pay([invoice], token=tokenise())
    monkeypatch.undo()
    assert done.state == Checkout.State.UNKNOWN
    # then the check names the charge
    [difference] = ledger.gateway_check()
    assert difference.difference == Difference.NO_PAYMENT
    assert difference.transaction_id == Charge.objects.get().charge_id
    assert difference.charge_amount == Decimal("100.00")
    assert "succeeded, but no payment records it" in difference.describe()
    # and once reconcile posts it, the books agree again
    reconcile.checkouts_reconcile()
    assert ledger.gateway_check() == []


def test_amounts_that_differ_are_reported(pay: Any, invoice: Invoice, tokenise: Tokenise) -> None:
    pay([invoice], token=tokenise())
    Payment.objects.update(amount=Decimal("90.00"))
    [difference] = ledger.gateway_check()
    assert difference.difference == Difference.AMOUNT
    assert (difference.payment_amount, difference.charge_amount) == (
        Decimal("90.00"),
        Decimal("100.00"),
    )


def test_a_declined_charge_needs_no_payment_and_another_organisation_is_apart(
    pay: Any, invoice: Invoice, tokenise: Tokenise, other_org: Any
) -> None:
    declined = pay([invoice], token=tokenise("4000000000000002"))
    assert declined.state == Checkout.State.FAILED and Charge.objects.count() == 1
    assert ledger.gateway_check() == []
    assert ledger.gateway_check(organisation=other_org) == []


def test_since_leaves_out_older_payments_and_charges(
    pay: Any, invoice: Invoice, tokenise: Tokenise
) -> None:
    pay([invoice], token=tokenise())
    Payment.objects.update(amount=Decimal("90.00"))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert ledger.gateway_check(since=tomorrow) == []
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("ledger", "check", "--since", timezone.localdate().isoformat(), stdout=out)


def test_unreadable_charges_are_reported_not_taken_as_missing(
    pay: Any, invoice: Invoice, tokenise: Tokenise, sandbox_account: GatewayAccount
) -> None:
    pay([invoice], token=tokenise())
    GatewayAccount.objects.filter(pk=sandbox_account.pk).update(secret_key="sk_wrong")
    [difference] = ledger.gateway_check()
    assert difference.difference == Difference.UNREADABLE


def test_the_sandbox_lists_its_charges_page_by_page(
    pay: Any, customer_a: Contact, tokenise: Tokenise, sandbox_account: GatewayAccount
) -> None:
    for amount in ("10.00", "11.00", "12.00"):
        pay([sales.invoice(customer_a, amount)], token=tokenise())
    first = processor.charge_list(secret_key=sandbox_account.secret_key, limit=2)
    assert len(first["data"]) == 2 and first["has_more"]
    rest = processor.charge_list(
        secret_key=sandbox_account.secret_key, starting_after=first["data"][-1]["id"], limit=2
    )
    assert len(rest["data"]) == 1 and not rest["has_more"]
    listed = list(registry.gateway_for(sandbox_account).charges())
    assert [c.amount for c in listed] == [Decimal("10.00"), Decimal("11.00"), Decimal("12.00")]
