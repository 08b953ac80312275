"""Property: whatever payments, credits and refunds are tried, balances never go negative and
the ledger always agrees with the documents."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portico.contacts.models import Contact
from portico.core.errors import DomainError
from portico.payments import ledger, services
from portico.payments.models import CustomerCredit
from portico.sales.models import Invoice
from tests.sales import factories as make

pytestmark = pytest.mark.django_db

CENTS = st.integers(min_value=1, max_value=40000).map(lambda c: Decimal(c) / 100)
STEPS = st.lists(
    st.tuples(
        st.sampled_from(["pay", "pay_more", "credit", "refund", "void"]), st.integers(0, 2), CENTS
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
def test_balances_never_go_negative_and_the_ledger_agrees(
    customer_a: Contact, steps: list[tuple[str, int, Decimal]]
) -> None:
    with transaction.atomic():
        invoices = [make.invoice(customer_a, rate) for rate in ("100.00", "250.50", "19.99")]
        for action, index, amount in steps:
            invoice = Invoice.objects.get(pk=invoices[index].pk)
            try:
                if action == "pay":
                    services.payment_record(
                        contact=customer_a,
                        amount=amount,
                        date=make.DAY,
                        mode="cash",
                        allocations=[(invoice, amount)],
                    )
                elif action == "pay_more":
                    services.payment_record(
                        contact=customer_a,
                        amount=amount + Decimal("5.00"),
                        date=make.DAY,
                        mode="cash",
                        allocations=[(invoice, amount)],
                    )
                elif action == "credit":
                    services.credit_apply_available(invoice=invoice)
                elif action == "refund":
                    credit = CustomerCredit.objects.filter(remaining__gt=0).first()
                    if credit is not None:
                        services.credit_refund(
                            credit=credit, amount=amount, date=make.DAY, mode="cash"
                        )
                else:
                    from portico.sales import services as sales

                    sales.invoice_void(invoice=invoice)
            except DomainError:
                pass
        assert not Invoice.objects.filter(balance_due__lt=0).exists()
        assert not CustomerCredit.objects.filter(remaining__lt=0).exists()
        for invoice in Invoice.objects.all():
            assert invoice.balance_due <= invoice.total
        assert ledger.check() == []
        assert ledger.accounts_check() == []
        transaction.set_rollback(True)
