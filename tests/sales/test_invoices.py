"""Invoices: totals, numbering, bad input, the status table and overdue."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from portico.contacts.models import Contact
from portico.core.errors import DomainError, InvalidTransition
from portico.orgs.models import Organisation, Tax
from portico.payments import ledger
from portico.sales import ledger as sales_ledger
from portico.sales import services
from portico.sales.models import Invoice, InvoiceLine, LedgerEntry
from tests.orgs.factories import ItemFactory, TaxFactory
from tests.sales import factories as make

pytestmark = pytest.mark.django_db


def test_it_creates_a_draft_with_totals_from_the_lines(
    customer_a: Contact, org: Organisation
) -> None:
    vat = Tax.objects.get(organisation=org)
    invoice = services.invoice_create(
        contact=customer_a,
        lines=[
            make.line("19.99", "3", discount_percent=Decimal(10), tax=vat),
            make.line("50.00"),
        ],
        issue_date=make.DAY,
        discount=Decimal("3.97"),
    )
    assert invoice.status == Invoice.Status.DRAFT
    assert invoice.number == "INV-000001"
    assert invoice.subtotal == Decimal("103.97")
    # 10% of 53.97 less its 2.06 share of the discount
    assert invoice.tax_total == Decimal("5.19")
    assert invoice.total == Decimal("105.19")
    assert invoice.balance_due == invoice.total
    assert invoice.due_date == make.DAY + datetime.timedelta(days=customer_a.payment_terms_days)
    breakdown = services.document_totals(document=invoice)
    assert [tax.amount for tax in breakdown.taxes] == [Decimal("5.19")]


def test_numbers_run_per_organisation_and_kind(
    customer_a: Contact, other_org_customer: Contact
) -> None:
    first = make.invoice(customer_a, send=False)
    second = make.invoice(customer_a, send=False)
    retainer = make.invoice(customer_a, send=False, kind="retainer")
    elsewhere = make.invoice(other_org_customer, send=False)
    assert [first.number, second.number, retainer.number, elsewhere.number] == [
        "INV-000001",
        "INV-000002",
        "RET-000001",
        "INV-000001",
    ]
    assert make.estimate(customer_a).number == "EST-000001"
    assert make.sales_order(customer_a).number == "SO-000001"
    assert make.credit_note(customer_a).number == "CN-000001"


@pytest.mark.parametrize(
    ("quantity", "rate", "code"),
    [("-1", "10", "negative_quantity"), ("1", "-10", "negative_rate")],
)
def test_negative_quantities_and_rates_are_refused_and_nothing_is_written(
    customer_a: Contact, quantity: str, rate: str, code: str
) -> None:
    with pytest.raises(DomainError) as caught:
        services.invoice_create(
            contact=customer_a, lines=[make.line(rate, quantity)], issue_date=make.DAY
        )
    assert caught.value.code == code
    assert not Invoice.objects.exists()


def test_a_float_is_refused(customer_a: Contact) -> None:
    with pytest.raises(DomainError):
        services.invoice_create(
            contact=customer_a,
            lines=[services.LineInput("x", 1.5, Decimal(1))],  # type: ignore[arg-type]
            issue_date=make.DAY,
        )


def test_a_tax_of_another_organisation_is_refused(
    customer_a: Contact, other_org: Organisation
) -> None:
    foreign = Tax.objects.get(organisation=other_org)
    with pytest.raises(DomainError) as caught:
        services.invoice_create(
            contact=customer_a, lines=[make.line(tax=foreign)], issue_date=make.DAY
        )
    assert caught.value.code == "foreign_record"
    assert not Invoice.objects.exists() and not InvoiceLine.objects.exists()


def test_an_item_of_another_organisation_is_refused(
    customer_a: Contact, other_org: Organisation
) -> None:
    with pytest.raises(DomainError):
        services.invoice_create(
            contact=customer_a,
            lines=[make.line(item=ItemFactory(organisation=other_org))],
            issue_date=make.DAY,
        )


def test_an_unknown_currency_is_refused(customer_a: Contact) -> None:
    Contact.objects.filter(pk=customer_a.pk).update(currency="XYZ")
    customer_a.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        make.invoice(customer_a)
    assert caught.value.code == "unknown_currency"


def test_a_deleted_customer_gets_no_invoice(customer_a: Contact) -> None:
    customer_a.is_deleted = True
    with pytest.raises(DomainError):
        make.invoice(customer_a)


def test_a_jpy_invoice_rounds_to_whole_yen(org: Organisation) -> None:
    contact = make.customer(org)
    Contact.objects.filter(pk=contact.pk).update(currency="JPY")
    contact.refresh_from_db()
    tax = TaxFactory(organisation=org, rate=Decimal(10))
    invoice = services.invoice_create(
        contact=contact, lines=[make.line("333", "1", tax=tax)], issue_date=make.DAY
    )
    assert invoice.total == Decimal(366)


def test_sending_posts_the_invoice_to_the_ledger(customer_a: Contact) -> None:
    invoice = make.invoice(customer_a, "250.00")
    assert invoice.status == Invoice.Status.SENT
    entry = LedgerEntry.objects.get(invoice=invoice)
    assert (entry.kind, entry.amount) == ("invoice", Decimal("250.00"))
    assert ledger.check() == []


def test_sending_twice_is_an_invalid_transition(customer_a: Contact) -> None:
    invoice = make.invoice(customer_a)
    with pytest.raises(InvalidTransition):
        services.invoice_send(invoice=invoice)


def test_only_drafts_are_edited(customer_a: Contact) -> None:
    draft = make.invoice(customer_a, send=False)
    edited = services.invoice_update(invoice=draft, lines=[make.line("80.00")])
    assert edited.total == Decimal("80.00") == edited.balance_due
    sent = services.invoice_send(invoice=edited)
    with pytest.raises(DomainError):
        services.invoice_update(invoice=sent, notes="late")


def test_voiding_an_issued_invoice_reverses_it_in_the_ledger(customer_a: Contact) -> None:
    invoice = services.invoice_void(invoice=make.invoice(customer_a, "120.00"))
    assert (invoice.status, invoice.balance_due) == ("void", Decimal(0))
    assert sales_ledger.balance_of(contact=customer_a).net == 0
    assert ledger.check() == []
    with pytest.raises(InvalidTransition):
        services.invoice_void(invoice=invoice)


def test_viewing_keeps_the_first_time(customer_a: Contact) -> None:
    invoice = services.invoice_mark_viewed(invoice=make.invoice(customer_a))
    first = invoice.first_viewed_at
    again = services.invoice_mark_viewed(invoice=invoice)
    assert invoice.status == "viewed" and again.first_viewed_at == first


def test_overdue_is_derived_from_the_due_date(customer_a: Contact) -> None:
    late = make.invoice(customer_a, due_date=make.DAY + datetime.timedelta(days=5))
    make.invoice(customer_a, due_date=make.DAY + datetime.timedelta(days=60))
    make.invoice(customer_a, send=False, due_date=make.DAY)
    today = make.DAY + datetime.timedelta(days=30)
    assert list(Invoice.objects.overdue(today)) == [late]
    assert late.is_overdue
    assert late.status == Invoice.Status.SENT
