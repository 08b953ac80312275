"""Checkouts under real concurrency (PostgreSQL row locks, one thread per payer)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.conf import settings

from portico.activity.models import Notification
from portico.contacts.scope import PortalScope
from portico.payments import ledger
from portico.payments.checkout import services as checkout
from portico.payments.gateways.sandbox.models import Charge
from portico.payments.models import Checkout, Payment, PaymentAllocation
from portico.sales.models import Invoice
from tests.concurrency import all_at_once
from tests.payments.checkout.conftest import Tokenise
from tests.sales import factories as sales


def is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def no_duplicate_window(sandbox_account: Any) -> None:
    sandbox_account.duplicate_window_minutes = 0
    sandbox_account.save()


def test_the_same_checkout_posted_concurrently_charges_once(
    scope: PortalScope, invoice: Invoice, tokenise: Tokenise
) -> None:
    # given one form (one key, one token) submitted by eight tabs at once
    token = tokenise()
    # when
    results, errors = all_at_once(
        8,
        lambda _: checkout.checkout_start(
            scope=scope, invoices=[invoice], idempotency_key="same-form", token=token
        ),
    )
    # then one checkout, one charge, one payment
    assert errors == []
    assert {c.pk for c in results} == {Checkout.objects.get().pk}
    assert Charge.objects.count() == 1 and Payment.objects.count() == 1


def test_twenty_payers_on_one_invoice_one_succeeds_the_rest_are_told_why(
    scope: PortalScope, invoice: Invoice, tokenise: Tokenise
) -> None:
    tokens = [tokenise() for _ in range(20)]
    results, errors = all_at_once(
        20,
        lambda i: checkout.checkout_start(
            scope=scope, invoices=[invoice], idempotency_key=uuid.uuid4().hex, token=tokens[i]
        ),
    )
    assert [c.state for c in results] == [Checkout.State.SUCCEEDED]
    assert len(errors) == 19
    assert {getattr(e, "code", repr(e)) for e in errors} <= {"in_progress", "already_paid"}
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.balance_due == 0
    assert Charge.objects.count() == 1 and Payment.objects.count() == 1


def test_overlapping_bulk_payments_neither_deadlock_nor_over_allocate(
    scope: PortalScope, customer_a: Any, tokenise: Tokenise
) -> None:
    a, b, c = (sales.invoice(customer_a, rate) for rate in ("100.00", "200.00", "300.00"))
    groups = [[a, b], [b, c], [c, a], [a, b, c], [c, b], [b, a]]
    tokens = [tokenise() for _ in groups]
    results, errors = all_at_once(
        len(groups),
        lambda i: checkout.checkout_start(
            scope=scope,
            invoices=list(reversed(groups[i])) if i % 2 else groups[i],
            idempotency_key=uuid.uuid4().hex,
            token=tokens[i],
        ),
    )
    # no deadlock or database error: every loser got a clear answer
    assert {getattr(e, "code", repr(e)) for e in errors} <= {"in_progress", "already_paid"}
    assert len(results) >= 1
    for invoice in (a, b, c):
        invoice.refresh_from_db()
        allocated = sum(p.amount for p in PaymentAllocation.objects.filter(invoice=invoice))
        assert invoice.balance_due == invoice.total - allocated >= 0
    assert Charge.objects.count() == len(results)
    assert ledger.check(organisation=scope.organisation) == []
    assert ledger.accounts_check(organisation=scope.organisation) == []


def test_fifty_concurrent_checkouts_on_different_invoices_all_succeed(
    scope: PortalScope, customer_a: Any, tokenise: Tokenise, capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    invoices = [sales.invoice(customer_a, f"{10 + i}.00") for i in range(50)]
    tokens = [tokenise() for _ in invoices]
    started = time.perf_counter()
    results, errors = all_at_once(
        50,
        lambda i: checkout.checkout_start(
            scope=scope, invoices=[invoices[i]], idempotency_key=uuid.uuid4().hex, token=tokens[i]
        ),
    )
    elapsed = time.perf_counter() - started
    assert errors == []
    assert {c.state for c in results} == {Checkout.State.SUCCEEDED}
    assert Payment.objects.count() == 50
    with capsys.disabled():
        print(f"\n50 concurrent checkouts: {elapsed:.2f}s, {50 / elapsed:.1f} checkouts/s")


def test_autopay_run_by_overlapping_workers_charges_once(
    scope: PortalScope, customer_a: Any, sandbox_account: Any, tokenise: Tokenise
) -> None:
    # given a recurring invoice with autopay and a saved default card
    from portico.payments import autopay
    from portico.payments.saved_methods import saved_method_add

    saved_method_add(scope=scope, account=sandbox_account, token=tokenise())
    profile = sales.recurring_profile(customer_a, autopay=True)
    invoice = sales.invoice(customer_a, "45.00")
    Invoice.objects.filter(pk=invoice.pk).update(recurring_profile=profile)
    # when six workers pick up the same task at once
    results, errors = all_at_once(6, lambda _: autopay.autopay_charge(invoice_id=invoice.pk))
    # then one charge, and whoever lost the race was answered, not failed
    assert errors == [], errors
    assert Charge.objects.count() == 1 and Payment.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert {o.checkout.pk for o in results if o.checkout} == {Checkout.objects.get().pk}
    assert all(o.checkout or o.code in {"in_progress"} for o in results), results
    assert not Notification.objects.filter(kind="payment_failed").exists()
    assert ledger.check(organisation=scope.organisation) == []
    assert ledger.accounts_check(organisation=scope.organisation) == []
