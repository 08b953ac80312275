"""The statement of accounts, read from the ledger."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from portico.contacts.models import Contact
from portico.core.errors import DomainError
from portico.payments import services as payments
from portico.sales.models import Invoice
from portico.statements import selectors
from tests.sales import factories as make

pytestmark = pytest.mark.django_db

D = datetime.date


def pay(contact: Contact, invoice: Invoice, amount: str, date: datetime.date) -> None:
    payments.payment_record(
        contact=contact,
        amount=Decimal(amount),
        date=date,
        mode="cheque",
        allocations=[(invoice, Decimal(amount))],
    )


def test_opening_running_and_closing_balances(customer_a: Contact) -> None:
    # given an invoice before the period, one inside it, and a payment inside it
    march = make.invoice(customer_a, "100.00", issue_date=D(2026, 3, 1))
    april = make.invoice(customer_a, "250.00", issue_date=D(2026, 4, 10))
    pay(customer_a, march, "100.00", D(2026, 4, 20))
    make.credit_note(customer_a, "30.00")  # dated 2026-01-15, before the period

    # when the April statement is built
    statement = selectors.statement_for(contact=customer_a, start=D(2026, 4, 1), end=D(2026, 4, 30))

    # then it opens with what was owed on 1 April and runs through the period
    assert statement.opening_balance == Decimal("70.00")
    assert [(line.kind, line.amount, line.balance) for line in statement.lines] == [
        ("invoice", Decimal("250.00"), Decimal("320.00")),
        ("payment", Decimal("-100.00"), Decimal("220.00")),
    ]
    assert statement.lines[0].reference == april.number
    assert statement.invoiced == Decimal("250.00")
    assert statement.received == Decimal("100.00")
    assert statement.closing_balance == Decimal("220.00")


def test_aging_buckets_by_days_past_due(customer_a: Contact) -> None:
    end = D(2026, 6, 30)
    for days_late, rate in [(-5, "1.00"), (10, "2.00"), (45, "4.00"), (75, "8.00"), (200, "16.00")]:
        due = end - datetime.timedelta(days=days_late)
        make.invoice(customer_a, rate, issue_date=due - datetime.timedelta(days=30), due_date=due)
    aging = selectors.statement_for(contact=customer_a, start=D(2026, 6, 1), end=end).aging
    assert (
        aging.current,
        aging.days_1_30,
        aging.days_31_60,
        aging.days_61_90,
        aging.days_over_90,
    ) == (Decimal("1.00"), Decimal("2.00"), Decimal("4.00"), Decimal("8.00"), Decimal("16.00"))
    assert aging.total == Decimal("31.00")


def test_other_customers_postings_stay_out(customer_a: Contact, customer_b: Contact) -> None:
    make.invoice(customer_b, "999.00")
    statement = selectors.statement_for(
        contact=customer_a, start=D(2026, 1, 1), end=D(2026, 12, 31)
    )
    assert statement.lines == [] and statement.closing_balance == 0


def test_a_statement_costs_three_queries_whatever_the_history(
    customer_a: Contact, django_assert_num_queries: Any
) -> None:
    for day in range(1, 21):
        invoice = make.invoice(customer_a, "10.00", issue_date=D(2026, 2, day))
        pay(customer_a, invoice, "5.00", D(2026, 2, day))
    with django_assert_num_queries(3):
        statement = selectors.statement_for(
            contact=customer_a, start=D(2026, 2, 1), end=D(2026, 2, 28)
        )
    assert len(statement.lines) == 40
    assert statement.closing_balance == Decimal("100.00")


def test_a_period_that_ends_before_it_starts_is_refused(customer_a: Contact) -> None:
    with pytest.raises(DomainError):
        selectors.statement_for(contact=customer_a, start=D(2026, 2, 1), end=D(2026, 1, 1))
