"""Payments, customer credit and refunds. Every service also posts to the customer ledger."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from portico.contacts.models import Contact
from portico.core import events, money
from portico.core.errors import DomainError
from portico.core.tenancy import ensure_same_organisation
from portico.payments import ledger as payment_postings
from portico.payments.models import (
    CreditApplication,
    CustomerCredit,
    Payment,
    PaymentAllocation,
    PaymentMode,
    Refund,
)
from portico.sales import counts, ledger, numbering
from portico.sales import services as sales_services
from portico.sales.models import Invoice

ZERO = Decimal(0)


def _lock_invoices(*, contact: Contact, invoices: Sequence[Invoice]) -> dict[int, Invoice]:
    """Lock the invoices in primary-key order (no deadlocks) and check they are the customer's."""
    ensure_same_organisation(contact, *invoices)
    ids = sorted({invoice.pk for invoice in invoices})
    locked = {
        invoice.pk: invoice
        for invoice in Invoice.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    for invoice in locked.values():
        if invoice.contact_id != contact.pk:
            raise DomainError(
                f"Invoice {invoice.number} belongs to another customer.", code="foreign_invoice"
            )
    return locked


@transaction.atomic
def payment_record(
    *,
    contact: Contact,
    amount: Decimal,
    date: datetime.date,
    mode: str,
    reference: str = "",
    allocations: Sequence[tuple[Invoice, Decimal]] | None = None,
    notes: str = "",
    source: str = Payment.Source.OFFLINE,
    gateway: str = "",
    gateway_transaction_id: str = "",
) -> Payment:
    """Record money received from a customer and apply it to their invoices.

    Allocations to regular invoices settle them; allocations to retainer invoices and whatever
    is left over become customer credit. Invoices are locked first, so concurrent payments
    never take an invoice below zero.
    """
    currency = contact.currency
    amount = money.parse_amount(amount, currency)
    if mode not in PaymentMode.values:
        raise DomainError(f"Unknown payment mode {mode!r}.", code="invalid_mode", field="mode")
    if source not in Payment.Source.values:
        raise DomainError(f"Unknown payment source {source!r}.", code="invalid_source")
    if contact.is_deleted:
        raise DomainError(_("This customer is deleted."), code="contact_deleted")
    if (
        gateway_transaction_id
        and Payment.objects.filter(
            gateway=gateway, gateway_transaction_id=gateway_transaction_id
        ).exists()
    ):
        raise DomainError(_("This gateway transaction is already recorded."), code="duplicate")
    wanted = [(invoice, money.parse_amount(part, currency)) for invoice, part in allocations or []]
    if len({invoice.pk for invoice, _ in wanted}) != len(wanted):
        raise DomainError(
            _("An invoice appears twice in the allocations."), code="duplicate_invoice"
        )
    allocated = sum((part for _, part in wanted), ZERO)
    if allocated > amount:
        raise DomainError(
            f"The allocations ({allocated}) exceed the payment ({amount}).",
            code="allocation_exceeds_payment",
        )
    locked = _lock_invoices(contact=contact, invoices=[invoice for invoice, _ in wanted])

    payment = Payment.objects.create(
        organisation_id=contact.organisation_id,
        contact=contact,
        number=numbering.next_number(organisation=contact.organisation, kind="payment"),
        date=date,
        amount=amount,
        currency=currency,
        mode=mode,
        reference=reference,
        source=source,
        gateway=gateway,
        gateway_transaction_id=gateway_transaction_id,
        notes=notes,
    )
    counts.moved(payment, "payment", before="")
    settled = retained = ZERO
    for invoice, part in wanted:
        target = locked[invoice.pk]
        if target.currency != currency:
            raise DomainError(_("The invoice is in another currency."), code="currency_mismatch")
        sales_services.invoice_reduce_balance(invoice=target, amount=part)
        PaymentAllocation.objects.create(payment=payment, invoice=target, amount=part)
        if target.kind == Invoice.Kind.RETAINER:
            retained += part
            _credit(payment, CustomerCredit.Kind.RETAINER, part, retainer_invoice=target)
        else:
            settled += part
    excess = amount - allocated
    if excess:
        _credit(payment, CustomerCredit.Kind.EXCESS_PAYMENT, excess)
    ledger.record(
        payment_postings.payment_received(payment, settled=settled, credit=retained + excess)
    )
    events.emit(
        organisation_id=payment.organisation_id,
        type="payment.succeeded",
        data=events.object_data("payment", payment, source=payment.source, mode=payment.mode),
    )
    return payment


def _credit(
    payment: Payment, kind: str, amount: Decimal, retainer_invoice: Invoice | None = None
) -> CustomerCredit:
    return CustomerCredit.objects.create(
        organisation_id=payment.organisation_id,
        contact=payment.contact,
        kind=kind,
        date=payment.date,
        currency=payment.currency,
        amount=amount,
        remaining=amount,
        payment=payment,
        retainer_invoice=retainer_invoice,
    )


def _lock_credit(credit: CustomerCredit) -> CustomerCredit:
    return (
        CustomerCredit.objects.select_for_update(of=("self",))
        .select_related("contact", "credit_note")
        .get(pk=credit.pk)
    )


def _spend(credit: CustomerCredit, amount: Decimal) -> None:
    if amount > credit.remaining:
        raise DomainError(
            f"Only {credit.remaining} of this credit is left.", code="credit_exceeded"
        )
    credit.remaining -= amount
    credit.save(update_fields=["remaining", "updated_at"])
    if credit.credit_note is not None:
        sales_services.credit_note_close_if_spent(
            credit_note=credit.credit_note, remaining=credit.remaining
        )


@transaction.atomic
def credit_apply(
    *,
    credit: CustomerCredit,
    invoice: Invoice,
    amount: Decimal,
    date: datetime.date | None = None,
) -> CreditApplication:
    """Spend part of a customer's credit on one of their regular invoices."""
    ensure_same_organisation(credit, invoice)
    amount = money.parse_amount(amount, credit.currency)
    locked = _lock_invoices(contact=credit.contact, invoices=[invoice])[invoice.pk]
    if locked.kind != Invoice.Kind.REGULAR:
        raise DomainError(_("Credit cannot be applied to a retainer invoice."), code="retainer")
    credit = _lock_credit(credit)
    _spend(credit, amount)
    sales_services.invoice_reduce_balance(invoice=locked, amount=amount)
    day = date or timezone.localdate()
    application = CreditApplication.objects.create(
        organisation_id=credit.organisation_id,
        credit=credit,
        invoice=locked,
        date=day,
        amount=amount,
    )
    ledger.record(
        ledger.entry(
            contact=credit.contact,
            date=day,
            kind=ledger.Kind.CREDIT_APPLIED,
            receivable=-amount,
            credit=-amount,
            reference=locked.number,
            description=f"Credit applied to {locked.number}",
            invoice=locked,
            credit_note=credit.credit_note,
        )
    )
    return application


@transaction.atomic
def credit_apply_available(*, invoice: Invoice, date: datetime.date | None = None) -> Decimal:
    """Apply the customer's unused credit, oldest first, up to the invoice's balance.
    Answers the amount applied."""
    locked = _lock_invoices(contact=invoice.contact, invoices=[invoice])[invoice.pk]
    applied = ZERO
    credits = CustomerCredit.objects.filter(
        organisation_id=invoice.organisation_id, contact_id=invoice.contact_id, remaining__gt=0
    ).order_by("date", "pk")
    for credit in credits:
        due = locked.balance_due
        if due <= 0:
            break
        part = min(due, credit.remaining)
        if not locked.allow_partial_payment and part != due:
            continue
        credit_apply(credit=credit, invoice=locked, amount=part, date=date)
        locked.refresh_from_db(fields=["balance_due", "status"])
        applied += part
    return applied


@transaction.atomic
def credit_refund(
    *,
    credit: CustomerCredit,
    amount: Decimal,
    date: datetime.date,
    mode: str,
    reference: str = "",
) -> Refund:
    """Give unused credit back to the customer."""
    if mode not in PaymentMode.values:
        raise DomainError(f"Unknown payment mode {mode!r}.", code="invalid_mode", field="mode")
    amount = money.parse_amount(amount, credit.currency)
    credit = _lock_credit(credit)
    _spend(credit, amount)
    refund = Refund.objects.create(
        organisation_id=credit.organisation_id,
        credit=credit,
        date=date,
        amount=amount,
        mode=mode,
        reference=reference,
    )
    ledger.record(
        ledger.entry(
            contact=credit.contact,
            date=date,
            kind=ledger.Kind.REFUND,
            credit=-amount,
            reference=reference,
            description="Refund of credit",
            refund=refund,
        )
    )
    events.emit(
        organisation_id=refund.organisation_id,
        type="payment.refunded",
        data={
            "object": "refund",
            "id": str(refund.public_id),
            "amount": str(refund.amount),
            "currency": credit.currency,
            "contact": str(credit.contact.public_id),
        },
    )
    return refund


@transaction.atomic
def payment_refunded_at_gateway(
    *, payment: Payment, refunded: Decimal, date: datetime.date
) -> Decimal:
    """Book a refund the gateway made of an online payment, given the total refunded so far
    (gateways report it cumulatively): what is new is refunded from the customer's credit with
    `credit_refund` — the payment's own credit first, then their other credit, oldest first.
    Answers what could not be booked for want of credit (the business issues a credit note).
    Reported again or out of order, nothing more is booked."""
    payment = Payment.objects.select_for_update().select_related("contact").get(pk=payment.pk)
    reference = payment.gateway_transaction_id
    booked = Refund.objects.filter(
        organisation_id=payment.organisation_id,
        credit__contact_id=payment.contact_id,
        mode=PaymentMode.CARD,
        reference=reference,
    ).aggregate(total=Sum("amount"))["total"]
    # SQLite sums decimals in floating point: compare in the currency's minor unit.
    due = money.quantize(min(refunded, payment.amount) - (booked or ZERO), payment.currency)
    if due <= 0:
        return ZERO
    credits = (
        CustomerCredit.objects.filter(
            contact_id=payment.contact_id, currency=payment.currency, remaining__gt=0
        )
        .annotate(own=Case(When(payment_id=payment.pk, then=0), default=1))
        .order_by("own", "date", "pk")
    )
    for credit in credits:
        part = min(due, credit.remaining)
        credit_refund(
            credit=credit, amount=part, date=date, mode=PaymentMode.CARD, reference=reference
        )
        due -= part
        if due <= 0:
            break
    return due
