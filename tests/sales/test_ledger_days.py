"""The ledger's days and version: each posting adds itself to its customer's totals at the end of
its day and of every later day, and moves the account's version on, in the posting's
transaction; a bulk load writes the same days, and `portico ledger check` finds a day adrift."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portico.contacts.models import Contact
from portico.payments import ledger as checks
from portico.payments import services as payments
from portico.sales import ledger
from portico.sales.models import CustomerAccount, LedgerDay
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db
D = datetime.date


def days(contact: Contact) -> list[tuple[datetime.date, Decimal, Decimal, Decimal, Decimal, int]]:
    return [
        (d.date, d.balance, d.invoiced, d.received, d.credited, d.lines)
        for d in LedgerDay.objects.filter(contact=contact).order_by("date")
    ]


def test_each_posting_adds_to_its_day_and_moves_the_version_on(customer_a: Contact) -> None:
    # given two invoices on a day, then a payment and a credit note on a later day
    earlier = sales.DAY - datetime.timedelta(days=7)
    first = sales.invoice(customer_a, "100.00", issue_date=earlier)
    sales.invoice(customer_a, "40.00", issue_date=earlier)
    payments.payment_record(
        contact=customer_a,
        amount=Decimal("30.00"),
        date=sales.DAY,
        mode="cash",
        allocations=[(first, Decimal("30.00"))],
    )
    note = sales.credit_note(customer_a, "5.00")
    # then each day holds the totals to its end, by kind
    assert days(customer_a) == [
        (earlier, Decimal("140.00"), Decimal("140.00"), 0, 0, 2),
        (sales.DAY, 110 - note.total, Decimal("140.00"), Decimal("-30.00"), -note.total, 4),
    ]
    # and the account's version counts the postings
    assert CustomerAccount.objects.get(contact=customer_a).version == 4


def test_a_back_dated_posting_moves_its_day_and_every_later_one(customer_a: Contact) -> None:
    # given postings on two days a week apart
    first, last = sales.DAY - datetime.timedelta(days=7), sales.DAY
    sales.invoice(customer_a, "100.00", issue_date=first)
    sales.invoice(customer_a, "40.00", issue_date=last)
    # when an invoice is dated between them, and a payment before them all
    between = sales.DAY - datetime.timedelta(days=3)
    sales.invoice(customer_a, "7.00", issue_date=between)
    earliest = first - datetime.timedelta(days=1)
    payments.payment_record(contact=customer_a, amount=Decimal("5.00"), date=earliest, mode="cash")
    # then the new days start from the totals before them, and the later days move on
    assert days(customer_a) == [
        (earliest, Decimal("-5.00"), 0, Decimal("-5.00"), 0, 1),
        (first, Decimal("95.00"), Decimal("100.00"), Decimal("-5.00"), 0, 2),
        (between, Decimal("102.00"), Decimal("107.00"), Decimal("-5.00"), 0, 3),
        (last, Decimal("142.00"), Decimal("147.00"), Decimal("-5.00"), 0, 4),
    ]
    assert checks.days_check() == []


def test_a_bulk_load_writes_the_days_the_postings_kept(customer_a: Contact) -> None:
    sales.invoice(customer_a, "100.00", issue_date=D(2026, 2, 3))
    payments.payment_record(
        contact=customer_a, amount=Decimal("12.50"), date=D(2026, 2, 4), mode="cash"
    )
    kept = days(customer_a)
    version = CustomerAccount.objects.get(contact=customer_a).version
    ledger.accounts_load(contacts=Contact.objects.filter(pk=customer_a.pk))
    assert days(customer_a) == kept
    # a reloaded account is a new version: nothing computed from the old one is reused
    assert CustomerAccount.objects.get(contact=customer_a).version == version + 1


def test_the_ledger_check_reports_a_day_adrift_from_its_postings(customer_a: Contact) -> None:
    # given a day kept by its postings: nothing to report
    sales.invoice(customer_a, "100.00")
    assert checks.days_check() == []
    call_command("ledger", "check", "--no-gateway", stdout=StringIO())
    # when the day is changed behind the ledger's back
    LedgerDay.objects.filter(contact=customer_a).update(lines=7)
    # then the check names the customer and the day, and fails
    [drift] = checks.days_check()
    assert (drift.contact_id, drift.date) == (customer_a.pk, sales.DAY)
    err = StringIO()
    with pytest.raises(CommandError, match="1 ledger day"):
        call_command("ledger", "check", "--no-gateway", stdout=StringIO(), stderr=err)
    assert f"customer #{customer_a.pk}: day {sales.DAY}" in err.getvalue()
