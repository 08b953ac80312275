"""The customer account: the ledger's running summary, kept by `ledger.record` in the posting's
transaction, proved by `portico ledger check`, and what the portal's dashboard reads."""

from __future__ import annotations

import datetime
import importlib
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from portico.contacts.models import Contact, ContactPerson
from portico.contacts.scope import PortalScope
from portico.orgs.models import Organisation
from portico.payments import credit_notes, portal_selectors
from portico.payments import ledger as checks
from portico.payments import services as payments
from portico.payments.models import CustomerCredit, Payment
from portico.sales import services as sales_services
from portico.sales.models import CustomerAccount
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db


def account(contact: Contact) -> tuple[Decimal, Decimal, int, int | None]:
    kept = CustomerAccount.objects.get(contact=contact)
    return kept.receivable, kept.credit, kept.open_invoices, kept.last_payment_id


def pay(contact: Contact, amount: str, *invoices: tuple[Any, str], **fields: Any) -> Payment:
    return payments.payment_record(
        contact=contact,
        amount=Decimal(amount),
        date=fields.pop("date", sales.DAY),
        mode="bank_transfer",
        allocations=[(invoice, Decimal(part)) for invoice, part in invoices],
        **fields,
    )


def test_issuing_paying_and_voiding_invoices_keep_the_account(customer_a: Contact) -> None:
    # given two invoices issued
    first = sales.invoice(customer_a, "100.00")
    second = sales.invoice(customer_a, "40.00")
    assert account(customer_a) == (Decimal("140.00"), 0, 2, None)

    # when part of the first is paid, then the rest of it with 10.00 over
    part = pay(customer_a, "30.00", (first, "30.00"))
    assert account(customer_a) == (Decimal("110.00"), 0, 2, part.pk)
    rest = pay(customer_a, "80.00", (first, "70.00"))
    assert account(customer_a) == (Decimal("40.00"), Decimal("10.00"), 1, rest.pk)

    # and the second is voided
    sales_services.invoice_void(invoice=second)

    # then nothing is owed, the excess is credit, and the ledger check agrees
    assert account(customer_a) == (0, Decimal("10.00"), 0, rest.pk)
    assert checks.accounts_check() == []


def test_credit_notes_applied_and_refunded_credit_keep_the_account(customer_a: Contact) -> None:
    # given an invoice and a credit note of 30.00
    invoice = sales.invoice(customer_a, "100.00")
    note = sales.credit_note(customer_a, "30.00")
    assert account(customer_a) == (Decimal("100.00"), Decimal("30.00"), 1, None)
    credit = CustomerCredit.objects.get(credit_note=note)

    # when 20.00 of the credit is applied and 5.00 refunded
    payments.credit_apply(credit=credit, invoice=invoice, amount=Decimal("20.00"))
    assert account(customer_a) == (Decimal("80.00"), Decimal("10.00"), 1, None)
    payments.credit_refund(credit=credit, amount=Decimal("5.00"), date=sales.DAY, mode="cash")

    # then the account follows each posting
    assert account(customer_a) == (Decimal("80.00"), Decimal("5.00"), 1, None)
    assert checks.accounts_check() == []


def test_credit_that_settles_an_invoice_closes_it_and_a_voided_note_takes_credit_back(
    customer_a: Contact,
) -> None:
    invoice = sales.invoice(customer_a, "30.00")
    applied = sales.credit_note(customer_a, "30.00")
    payments.credit_apply(
        credit=CustomerCredit.objects.get(credit_note=applied),
        invoice=invoice,
        amount=Decimal("30.00"),
    )
    unused = sales.credit_note(customer_a, "12.00")
    assert account(customer_a) == (0, Decimal("12.00"), 0, None)

    credit_notes.credit_note_void(credit_note=unused)

    assert account(customer_a) == (0, 0, 0, None)
    assert checks.accounts_check() == []


def test_a_retainer_payment_is_credit_and_an_older_payment_is_not_the_last(
    customer_a: Contact,
) -> None:
    # given a paid retainer invoice
    retainer = sales.invoice(customer_a, "200.00", kind="retainer")
    latest = pay(customer_a, "200.00", (retainer, "200.00"))
    # when a payment dated earlier is recorded afterwards
    pay(customer_a, "15.00", date=sales.DAY - datetime.timedelta(days=30))
    # then the retainer's payment is credit, no invoice is open, the latest payment stays
    assert account(customer_a) == (0, Decimal("215.00"), 0, latest.pk)
    assert checks.accounts_check() == []


def test_each_customer_has_their_own_account(customer_a: Contact, customer_b: Contact) -> None:
    sales.invoice(customer_a, "10.00")
    sales.invoice(customer_b, "99.00")
    assert account(customer_a)[0] == Decimal("10.00")
    assert account(customer_b)[0] == Decimal("99.00")


def test_the_ledger_check_reports_an_account_adrift_and_names_the_customer(
    customer_a: Contact, customer_b: Contact
) -> None:
    # given books that agree
    sales.invoice(customer_a, "100.00")
    sales.invoice(customer_b, "50.00")
    call_command("ledger", "check", "--no-gateway", stdout=StringIO())
    # when customer A's account drifts from its ledger
    CustomerAccount.objects.filter(contact=customer_a).update(
        receivable=Decimal("90.00"), open_invoices=3
    )
    # then the check fails and says what differs, for A only
    err = StringIO()
    with pytest.raises(CommandError, match="1 customer account"):
        call_command("ledger", "check", "--no-gateway", stderr=err)
    assert "Customer A" in err.getvalue() and "Customer B" not in err.getvalue()
    assert "receivable 90.00 (ledger: 100.00)" in err.getvalue()
    assert "open_invoices 3 (ledger: 1)" in err.getvalue()


def test_a_missing_account_is_drift_too(customer_a: Contact) -> None:
    sales.invoice(customer_a, "100.00")
    CustomerAccount.objects.filter(contact=customer_a).delete()
    [drift] = checks.accounts_check()
    assert drift.contact_id == customer_a.pk
    assert drift.stored.receivable == 0 and drift.computed.receivable == Decimal("100.00")


def test_the_migration_fills_the_accounts_of_existing_customers(
    customer_a: Contact, customer_b: Contact
) -> None:
    # given customers whose postings were made before accounts existed
    invoice = sales.invoice(customer_a, "100.00")
    payment = pay(customer_a, "120.00", (invoice, "60.00"))
    sales.invoice(customer_b, "70.00")
    CustomerAccount.objects.all().delete()

    # when the data migration runs
    migration = importlib.import_module("portico.sales.migrations.0010_customer_accounts_fill")
    migration.fill(apps, None)

    # then each account says what the ledger says
    assert account(customer_a) == (Decimal("40.00"), Decimal("60.00"), 1, payment.pk)
    assert CustomerAccount.objects.get(contact=customer_a).last_payment_date == sales.DAY
    assert account(customer_b) == (Decimal("70.00"), 0, 1, None)
    assert checks.accounts_check() == []


def history(contact: Contact, size: int) -> None:
    """`size` invoices, half of them paid, one paid in part and long overdue."""
    today = datetime.date.today()
    invoices = [
        sales.invoice(contact, "10.00", issue_date=today, due_date=today) for _ in range(size)
    ]
    for invoice in invoices[: size // 2]:
        pay(contact, "10.00", (invoice, "10.00"))
    overdue = sales.invoice(
        contact,
        "50.00",
        issue_date=datetime.date(2020, 1, 1),
        due_date=datetime.date(2020, 1, 31),
    )
    pay(contact, "20.00", (overdue, "20.00"))


def test_the_dashboard_figures_cost_one_query_whatever_the_history(
    org: Organisation,
    customer_a: Contact,
    customer_b: Contact,
    customer_a_person: ContactPerson,
    customer_b_person: ContactPerson,
    django_assert_num_queries: Any,
) -> None:
    # given a short and a ten-times longer history
    history(customer_a, 4)
    history(customer_b, 40)

    # when each dashboard's figures and last payment are read
    read = {}
    for contact, person in ((customer_a, customer_a_person), (customer_b, customer_b_person)):
        scope = PortalScope(org, contact, person)
        with django_assert_num_queries(2):
            read[contact.pk] = (
                portal_selectors.home_figures_for_portal(scope=scope),
                portal_selectors.last_payment_for_portal(scope=scope),
            )

    # then they are the history's figures
    figures, last = read[customer_b.pk]
    assert (figures.outstanding_count, figures.outstanding_total) == (21, Decimal("230.00"))
    assert (figures.overdue_count, figures.overdue_total) == (1, Decimal("30.00"))
    assert last == Payment.objects.filter(contact=customer_b).order_by("-date", "-id").first()
    assert read[customer_a.pk][0].outstanding_count == 3
