"""The customer ledger: postings written by the services, in their transaction, and the check
that proves it agrees with the documents."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from portico.contacts.models import Contact
from portico.core import money
from portico.orgs.models import Organisation
from portico.payments.models import CustomerCredit, LedgerEntry, Payment
from portico.sales.models import Invoice

ZERO = Decimal(0)
Kind = LedgerEntry.Kind


def entry(
    *,
    contact: Contact,
    date: datetime.date,
    kind: str,
    receivable: Decimal = ZERO,
    credit: Decimal = ZERO,
    reference: str = "",
    description: str = "",
    **links: object,
) -> LedgerEntry:
    """A posting, not saved yet: `post` saves one, the scale generator bulk-inserts many."""
    return LedgerEntry(
        organisation_id=contact.organisation_id,
        contact=contact,
        date=date,
        kind=kind,
        currency=contact.currency,
        receivable=receivable,
        credit=credit,
        amount=receivable - credit,
        reference=reference,
        description=description,
        **links,
    )


def post(
    *,
    contact: Contact,
    date: datetime.date,
    kind: str,
    receivable: Decimal = ZERO,
    credit: Decimal = ZERO,
    reference: str = "",
    description: str = "",
    **links: object,
) -> LedgerEntry:
    return record(
        entry(
            contact=contact,
            date=date,
            kind=kind,
            receivable=receivable,
            credit=credit,
            reference=reference,
            description=description,
            **links,
        )
    )


def record(posting: LedgerEntry) -> LedgerEntry:
    """Save a posting built by `entry` or one of the builders below."""
    posting.save(force_insert=True)
    return posting


def invoice_issued(invoice: Invoice) -> LedgerEntry:
    """The posting of a regular invoice when it is issued: the customer owes its total."""
    return entry(
        contact=invoice.contact,
        date=invoice.issue_date,
        kind=Kind.INVOICE,
        receivable=invoice.total,
        reference=invoice.number,
        description=f"Invoice {invoice.number}",
        invoice=invoice,
    )


def invoice_voided(invoice: Invoice, *, date: datetime.date) -> LedgerEntry:
    """The posting that reverses an issued regular invoice voided on `date`."""
    return entry(
        contact=invoice.contact,
        date=date,
        kind=Kind.REVERSAL,
        receivable=-invoice.total,
        reference=invoice.number,
        description=f"Invoice {invoice.number} voided",
        invoice=invoice,
    )


def payment_received(payment: Payment, *, settled: Decimal, credit: Decimal) -> LedgerEntry:
    """The posting of a payment: `settled` comes off regular invoices, `credit` (retainers and
    any excess) becomes customer credit."""
    return entry(
        contact=payment.contact,
        date=payment.date,
        kind=Kind.PAYMENT,
        receivable=-settled,
        credit=credit,
        reference=payment.number,
        description=f"Payment {payment.number}"
        + (f" ({payment.reference})" if payment.reference else ""),
        payment=payment,
    )


@dataclass(frozen=True)
class Balance:
    receivable: Decimal
    credit: Decimal

    @property
    def net(self) -> Decimal:
        return self.receivable - self.credit


def balance_of(*, contact: Contact) -> Balance:
    """What the ledger says the customer owes and holds in credit (one query)."""
    sums = LedgerEntry.objects.filter(
        organisation_id=contact.organisation_id, contact=contact
    ).aggregate(receivable=Coalesce(Sum("receivable"), ZERO), credit=Coalesce(Sum("credit"), ZERO))
    return Balance(receivable=sums["receivable"], credit=sums["credit"])


@dataclass(frozen=True)
class Mismatch:
    contact_id: int
    contact: str
    ledger: Balance
    documents: Balance


def check(
    *, organisation: Organisation | None = None, contact: Contact | None = None
) -> list[Mismatch]:
    """Each customer's ledger against their open regular invoice balances and unused credit.

    Retainer invoices are requests for a deposit, not receivables: their payment shows up as
    credit instead.
    """
    contacts = Contact.objects.all()
    if organisation is not None:
        contacts = contacts.filter(organisation=organisation)
    if contact is not None:
        contacts = contacts.filter(pk=contact.pk)
    ledger = {
        row["contact"]: row
        for row in LedgerEntry.objects.filter(contact__in=contacts)
        .values("contact")
        .annotate(receivable=Sum("receivable"), credit=Sum("credit"))
    }
    open_balances = {
        row["contact"]: row["total"]
        for row in Invoice.objects.filter(
            contact__in=contacts, kind=Invoice.Kind.REGULAR, status__in=Invoice.OPEN_STATUSES
        )
        .values("contact")
        .annotate(total=Sum("balance_due"))
    }
    credits = {
        row["contact"]: row["total"]
        for row in CustomerCredit.objects.filter(contact__in=contacts, remaining__gt=0)
        .values("contact")
        .annotate(total=Sum("remaining"))
    }
    customers = {
        pk: (name, currency)
        for pk, name, currency in contacts.filter(
            Q(pk__in=ledger.keys()) | Q(pk__in=open_balances.keys()) | Q(pk__in=credits.keys())
        ).values_list("pk", "display_name", "currency")
    }
    mismatches = []
    for contact_id, (name, currency) in sorted(customers.items()):
        row: Any = ledger.get(contact_id, {})

        # SQLite sums decimals in floating point: compare in the currency's minor unit.
        def exact(value: Decimal | None, currency: str = currency) -> Decimal:
            return money.quantize(value or ZERO, currency)

        posted = Balance(exact(row.get("receivable")), exact(row.get("credit")))
        held = Balance(exact(open_balances.get(contact_id)), exact(credits.get(contact_id)))
        if posted != held:
            mismatches.append(Mismatch(contact_id, name, posted, held))
    return mismatches
