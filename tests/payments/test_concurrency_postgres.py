"""Two tabs paying one invoice at once never take it below zero (PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portico.contacts.models import Contact
from portico.core.errors import DomainError
from portico.payments import ledger, services
from portico.payments.models import Payment, PaymentAllocation
from portico.sales.models import Invoice
from tests.contacts.factories import ContactFactory
from tests.orgs.factories import OrganisationFactory
from tests.sales import factories as make
from tests.sales.test_numbering_postgres import is_postgres, run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def test_concurrent_payments_on_one_invoice_never_over_allocate() -> None:
    # given an invoice of 100.00
    contact: Contact = ContactFactory(organisation=OrganisationFactory(slug="race-pay"))
    invoice = make.invoice(contact, "100.00")

    # when eight payments of 30.00 each try to settle it at the same moment
    def pay(_: int) -> None:
        services.payment_record(
            contact=contact,
            amount=Decimal("30.00"),
            date=make.DAY,
            mode="card",
            allocations=[(invoice, Decimal("30.00"))],
        )

    errors = run_together(8, pay)

    # then three went through, the rest were refused cleanly, and 10.00 is still due
    assert len(errors) == 5
    assert all(isinstance(e, DomainError) and e.code == "over_allocation" for e in errors)
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.balance_due == Decimal("10.00")
    assert invoice.status == "partially_paid"
    assert Payment.objects.count() == 3
    allocated = sum(PaymentAllocation.objects.values_list("amount", flat=True), Decimal(0))
    assert allocated == Decimal("90.00")
    assert ledger.check() == []
    assert ledger.accounts_check() == []


def test_concurrent_full_payments_settle_once() -> None:
    contact: Contact = ContactFactory(organisation=OrganisationFactory(slug="race-full"))
    invoice = make.invoice(contact, "100.00")

    def pay(_: int) -> None:
        services.payment_record(
            contact=contact,
            amount=Decimal("100.00"),
            date=make.DAY,
            mode="card",
            allocations=[(invoice, Decimal("100.00"))],
        )

    errors = run_together(6, pay)

    assert len(errors) == 5
    assert all(isinstance(e, DomainError) and e.code == "invoice_paid" for e in errors)
    assert Invoice.objects.get(pk=invoice.pk).balance_due == 0
    assert ledger.check() == []
    assert ledger.accounts_check() == []
