"""The statement of accounts, read from the ledger."""

from __future__ import annotations

import datetime
import itertools
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


def test_a_statement_or_a_page_of_it_costs_three_queries_whatever_the_history(
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
    with django_assert_num_queries(3):
        page = selectors.statement_page_for(
            contact=customer_a, start=D(2026, 2, 1), end=D(2026, 2, 28), page=3, per_page=7
        )
    assert len(page.lines) == 7
    assert page.page is not None and page.page.num_pages == 6


def test_a_period_that_ends_before_it_starts_is_refused(customer_a: Contact) -> None:
    with pytest.raises(DomainError):
        selectors.statement_for(contact=customer_a, start=D(2026, 2, 1), end=D(2026, 1, 1))


def seven_lines(contact: Contact) -> None:
    """An invoice before February, then five invoices and two payments in February."""
    make.invoice(contact, "1000.00", issue_date=D(2026, 1, 5))
    for day in range(1, 6):
        invoice = make.invoice(contact, f"{day}0.00", issue_date=D(2026, 2, day))
        if day in (2, 4):
            pay(contact, invoice, "5.00", D(2026, 2, day + 10))


def test_a_page_of_lines_keeps_the_running_balance_of_the_whole_period(
    customer_a: Contact,
) -> None:
    # given seven lines in February after a 1,000.00 opening balance
    seven_lines(customer_a)
    whole = selectors.statement_for(contact=customer_a, start=D(2026, 2, 1), end=D(2026, 2, 28))

    # when the statement is read three lines a page
    pages = [
        selectors.statement_page_for(
            contact=customer_a, start=D(2026, 2, 1), end=D(2026, 2, 28), page=n, per_page=3
        )
        for n in (1, 2, 3)
    ]

    # then the pages hold the whole period's lines with the same balances, each page opening
    # with the balance the previous one carried forward
    assert [line for page in pages for line in page.lines] == whole.lines
    assert [len(page.lines) for page in pages] == [3, 3, 1]
    assert pages[0].page is not None and pages[0].page.brought_forward == Decimal("1000.00")
    for previous, following in itertools.pairwise(pages):
        assert previous.page is not None and following.page is not None
        assert following.page.brought_forward == previous.page.carried_forward
        first = following.lines[0]
        assert following.page.brought_forward == first.balance - first.amount
    assert pages[-1].page is not None
    assert pages[-1].page.carried_forward == whole.closing_balance == Decimal("1140.00")
    # and the totals, closing balance and aging are the whole period's on every page
    for page in pages:
        assert (page.opening_balance, page.invoiced, page.received, page.closing_balance) == (
            Decimal("1000.00"),
            Decimal("150.00"),
            Decimal("10.00"),
            Decimal("1140.00"),
        )
        assert page.aging == whole.aging
        assert page.page is not None
        assert (page.page.num_pages, page.page.count) == (3, 7)


def test_a_page_past_the_end_is_the_last_page_and_before_the_start_the_first(
    customer_a: Contact,
) -> None:
    seven_lines(customer_a)
    period = {"contact": customer_a, "start": D(2026, 2, 1), "end": D(2026, 2, 28)}
    last = selectors.statement_page_for(**period, page=99, per_page=3)
    first = selectors.statement_page_for(**period, page=-4, per_page=3)
    assert last.page is not None and (last.page.number, last.page.start_index) == (3, 7)
    assert first.page is not None and (first.page.number, first.page.end_index) == (1, 3)
    assert not first.page.has_previous and not last.page.has_next


def test_an_empty_period_is_one_page_opening_and_closing_at_the_opening_balance(
    customer_a: Contact,
) -> None:
    make.invoice(customer_a, "25.00", issue_date=D(2026, 1, 5))
    statement = selectors.statement_page_for(
        contact=customer_a, start=D(2026, 3, 1), end=D(2026, 3, 31), page=2, per_page=3
    )
    assert statement.lines == []
    assert statement.page is not None
    assert (statement.page.number, statement.page.num_pages, statement.page.count) == (1, 1, 0)
    assert statement.page.brought_forward == statement.page.carried_forward == Decimal("25.00")
    assert statement.page.start_index == statement.page.end_index == 0


def test_the_sums_count_the_period_only_whatever_lies_before_and_after(
    customer_a: Contact,
) -> None:
    # given postings before, inside and after March, on days of their own and on its edges
    make.invoice(customer_a, "10.00", issue_date=D(2026, 2, 28))
    make.invoice(customer_a, "20.00", issue_date=D(2026, 3, 1))
    make.invoice(customer_a, "30.00", issue_date=D(2026, 3, 31))
    make.invoice(customer_a, "40.00", issue_date=D(2026, 4, 1))
    period = {"contact": customer_a, "start": D(2026, 3, 1), "end": D(2026, 3, 31)}
    # then March opens at February's end and counts its own two lines only
    statement = selectors.statement_for(**period)
    assert (statement.opening_balance, statement.invoiced, statement.closing_balance) == (
        Decimal("10.00"),
        Decimal("50.00"),
        Decimal("60.00"),
    )
    assert selectors.line_count(**period) == len(statement.lines) == 2
    # and a period with no day of its own, after all of them, opens and closes at the total
    later = selectors.statement_for(contact=customer_a, start=D(2026, 5, 1), end=D(2026, 5, 31))
    assert (later.opening_balance, later.closing_balance) == (Decimal("100.00"),) * 2
    assert selectors.line_count(contact=customer_a, start=D(2026, 5, 1), end=D(2026, 5, 31)) == 0


def test_a_lines_details_say_only_what_its_transaction_does_not(customer_a: Contact) -> None:
    # given an invoice, a payment with the payer's reference and one without
    invoice = make.invoice(customer_a, "100.00", issue_date=D(2026, 4, 1))
    payments.payment_record(
        contact=customer_a,
        amount=Decimal("40.00"),
        date=D(2026, 4, 2),
        mode="cheque",
        reference="cheque 42",
        allocations=[(invoice, Decimal("40.00"))],
    )
    pay(customer_a, invoice, "10.00", D(2026, 4, 3))

    # when the statement is built
    statement = selectors.statement_for(contact=customer_a, start=D(2026, 4, 1), end=D(2026, 4, 30))

    # then the invoice's and the plain payment's details are empty (the transaction names
    # them), the other payment's is the payer's reference; the full description stays
    assert [line.details for line in statement.lines] == ["", "cheque 42", ""]
    assert statement.lines[0].description == f"Invoice {invoice.number}"
