"""Offline payments, customer credit and refunds, each checked against the ledger."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from portico.contacts.models import Contact
from portico.core.errors import DomainError
from portico.payments import credit_notes, ledger, services
from portico.payments.models import CustomerCredit, Payment, PaymentAllocation
from portico.sales import ledger as sales_ledger
from portico.sales import services as sales_services
from portico.sales.models import Invoice, LedgerEntry
from tests.sales import factories as make

pytestmark = pytest.mark.django_db

DAY = make.DAY


def pay(contact: Contact, amount: str, *allocations: tuple[Invoice, str]) -> Payment:
    return services.payment_record(
        contact=contact,
        amount=Decimal(amount),
        date=DAY,
        mode="bank_transfer",
        allocations=[(invoice, Decimal(part)) for invoice, part in allocations],
    )


def fresh(invoice: Invoice) -> Invoice:
    return Invoice.objects.get(pk=invoice.pk)


def test_a_full_payment_settles_the_invoice(customer_a: Contact) -> None:
    invoice = make.invoice(customer_a, "100.00")
    payment = pay(customer_a, "100.00", (invoice, "100.00"))
    assert payment.number == "PAY-000001"
    assert (fresh(invoice).status, fresh(invoice).balance_due) == ("paid", Decimal(0))
    assert sales_ledger.balance_of(contact=customer_a).net == 0
    assert ledger.check() == []


def test_a_part_payment_leaves_the_rest_due(customer_a: Contact) -> None:
    invoice = make.invoice(customer_a, "100.00")
    pay(customer_a, "40.00", (invoice, "40.00"))
    assert (fresh(invoice).status, fresh(invoice).balance_due) == (
        "partially_paid",
        Decimal("60.00"),
    )
    assert sales_ledger.balance_of(contact=customer_a).net == Decimal("60.00")
    assert ledger.check() == []


def test_one_payment_over_several_invoices_with_the_excess_as_credit(customer_a: Contact) -> None:
    first, second = make.invoice(customer_a, "100.00"), make.invoice(customer_a, "50.00")
    pay(customer_a, "200.00", (first, "100.00"), (second, "50.00"))
    credit = CustomerCredit.objects.get(contact=customer_a)
    assert (credit.kind, credit.remaining) == ("excess_payment", Decimal("50.00"))
    assert sales_ledger.balance_of(contact=customer_a).net == Decimal("-50.00")
    assert ledger.check() == []


@pytest.mark.parametrize(
    ("amount", "part", "code"),
    [
        ("150.00", "150.00", "over_allocation"),
        ("50.00", "60.00", "allocation_exceeds_payment"),
        ("0", "0", "non_positive_amount"),
        ("10.001", "10.001", "too_precise"),
    ],
)
def test_bad_allocations_are_refused_and_nothing_is_written(
    customer_a: Contact, amount: str, part: str, code: str
) -> None:
    invoice = make.invoice(customer_a, "100.00")
    with pytest.raises(DomainError) as caught:
        pay(customer_a, amount, (invoice, part))
    assert caught.value.code == code
    assert not Payment.objects.exists() and not PaymentAllocation.objects.exists()
    assert fresh(invoice).balance_due == Decimal("100.00")
    assert LedgerEntry.objects.count() == 1


def test_paying_a_paid_invoice_is_refused(customer_a: Contact) -> None:
    invoice = make.invoice(customer_a, "100.00")
    pay(customer_a, "100.00", (invoice, "100.00"))
    with pytest.raises(DomainError) as caught:
        pay(customer_a, "10.00", (invoice, "10.00"))
    assert caught.value.code == "invoice_paid"
    assert "paid" in caught.value.message


def test_paying_a_void_invoice_is_refused(customer_a: Contact) -> None:
    invoice = sales_services.invoice_void(invoice=make.invoice(customer_a, "100.00"))
    with pytest.raises(DomainError) as caught:
        pay(customer_a, "10.00", (invoice, "10.00"))
    assert caught.value.code == "invoice_void"


def test_paying_a_draft_is_refused(customer_a: Contact) -> None:
    invoice = make.invoice(customer_a, send=False)
    with pytest.raises(DomainError):
        pay(customer_a, "10.00", (invoice, "10.00"))


def test_another_customers_invoice_is_refused(customer_a: Contact, customer_b: Contact) -> None:
    invoice = make.invoice(customer_b, "100.00")
    with pytest.raises(DomainError) as caught:
        pay(customer_a, "10.00", (invoice, "10.00"))
    assert caught.value.code == "foreign_invoice"


def test_an_invoice_of_another_organisation_is_refused(
    customer_a: Contact, other_org_customer: Contact
) -> None:
    invoice = make.invoice(other_org_customer, "100.00")
    with pytest.raises(DomainError):
        pay(customer_a, "10.00", (invoice, "10.00"))


def test_an_invoice_without_partial_payment_must_be_paid_in_full(customer_a: Contact) -> None:
    invoice = make.invoice(customer_a, "100.00", allow_partial_payment=False)
    with pytest.raises(DomainError) as caught:
        pay(customer_a, "50.00", (invoice, "50.00"))
    assert caught.value.code == "partial_payment_not_allowed"


def test_a_voided_invoice_with_payments_cannot_be_voided(customer_a: Contact) -> None:
    invoice = make.invoice(customer_a, "100.00")
    pay(customer_a, "10.00", (invoice, "10.00"))
    with pytest.raises(DomainError):
        sales_services.invoice_void(invoice=invoice)


def test_a_gateway_transaction_is_recorded_once(customer_a: Contact) -> None:
    def online() -> Payment:
        return services.payment_record(
            contact=customer_a,
            amount=Decimal("5.00"),
            date=DAY,
            mode="card",
            source="online",
            gateway="sandbox",
            gateway_transaction_id="txn_1",
        )

    online()
    with pytest.raises(DomainError) as caught:
        online()
    assert caught.value.code == "duplicate"


def test_a_retainer_payment_becomes_credit_to_apply_later(customer_a: Contact) -> None:
    # given a paid retainer
    retainer = make.invoice(customer_a, "500.00", kind="retainer")
    assert not LedgerEntry.objects.filter(invoice=retainer).exists()
    pay(customer_a, "500.00", (retainer, "500.00"))
    assert fresh(retainer).status == "paid"
    credit = CustomerCredit.objects.get(contact=customer_a)
    assert credit.kind == "retainer"
    assert sales_ledger.balance_of(contact=customer_a).net == Decimal("-500.00")

    # when the work is invoiced and the credit applied
    invoice = make.invoice(customer_a, "300.00")
    applied = services.credit_apply_available(invoice=invoice)

    # then the invoice is paid from the retainer
    assert applied == Decimal("300.00")
    assert fresh(invoice).status == "paid"
    assert CustomerCredit.objects.get(pk=credit.pk).remaining == Decimal("200.00")
    assert sales_ledger.balance_of(contact=customer_a).net == Decimal("-200.00")
    assert ledger.check() == []


def test_a_credit_note_is_applied_and_then_closes(customer_a: Contact) -> None:
    note = make.credit_note(customer_a, "30.00")
    invoice = make.invoice(customer_a, "100.00")
    credit = CustomerCredit.objects.get(credit_note=note)
    services.credit_apply(credit=credit, invoice=invoice, amount=Decimal("30.00"))
    note.refresh_from_db()
    assert note.status == "closed"
    assert fresh(invoice).balance_due == Decimal("70.00")
    assert ledger.check() == []


def test_credit_beyond_what_is_left_is_refused(customer_a: Contact) -> None:
    make.credit_note(customer_a, "30.00")
    invoice = make.invoice(customer_a, "100.00")
    credit = CustomerCredit.objects.get(contact=customer_a)
    with pytest.raises(DomainError) as caught:
        services.credit_apply(credit=credit, invoice=invoice, amount=Decimal("31.00"))
    assert caught.value.code == "credit_exceeded"


def test_a_voided_credit_note_takes_its_credit_back(customer_a: Contact) -> None:
    note = make.credit_note(customer_a, "30.00")
    credit_notes.credit_note_void(credit_note=note)
    assert sales_ledger.balance_of(contact=customer_a).net == 0
    assert ledger.check() == []


def test_unused_credit_is_refunded(customer_a: Contact) -> None:
    pay(customer_a, "80.00")
    credit = CustomerCredit.objects.get(contact=customer_a)
    services.credit_refund(
        credit=credit, amount=Decimal("80.00"), date=DAY, mode="bank_transfer", reference="R1"
    )
    assert CustomerCredit.objects.get(pk=credit.pk).remaining == 0
    assert sales_ledger.balance_of(contact=customer_a).net == 0
    with pytest.raises(DomainError):
        services.credit_refund(credit=credit, amount=Decimal("1.00"), date=DAY, mode="cash")
    assert ledger.check() == []


def test_ledger_entries_are_append_only(customer_a: Contact) -> None:
    make.invoice(customer_a)
    entry = LedgerEntry.objects.get()
    with pytest.raises(DomainError):
        entry.save()
    with pytest.raises(DomainError):
        entry.delete()


def test_the_check_finds_a_balance_changed_behind_the_ledgers_back(customer_a: Contact) -> None:
    invoice = make.invoice(customer_a, "100.00")
    Invoice.objects.filter(pk=invoice.pk).update(balance_due=Decimal("90.00"))
    [mismatch] = ledger.check()
    assert mismatch.contact_id == customer_a.pk
    assert mismatch.ledger.receivable == Decimal("100.00")
    assert mismatch.documents.receivable == Decimal("90.00")


def test_payment_date_in_the_past_is_kept(customer_a: Contact) -> None:
    invoice = make.invoice(customer_a, "10.00")
    payment = services.payment_record(
        contact=customer_a,
        amount=Decimal("10.00"),
        date=DAY - datetime.timedelta(days=3),
        mode="cash",
        allocations=[(invoice, Decimal("10.00"))],
    )
    assert LedgerEntry.objects.get(payment=payment).date == payment.date
