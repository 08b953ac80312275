"""The customer ledger's one owner: every posting is built and saved here, in the caller's
transaction — sales for issued and voided invoices, payments for payments, credit and refunds."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import Coalesce

from portico.contacts.models import Contact
from portico.sales.models import CreditNote, Invoice, LedgerEntry

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
    """A posting, not saved yet: `record` saves one, the scale generator bulk-inserts many."""
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


def credit_note_opened(note: CreditNote) -> LedgerEntry:
    """The posting of an issued credit note: its total becomes the customer's credit."""
    return entry(
        contact=note.contact,
        date=note.issue_date,
        kind=Kind.CREDIT_NOTE,
        credit=note.total,
        reference=note.number,
        description=f"Credit note {note.number}",
        credit_note=note,
    )


def credit_note_voided(note: CreditNote, *, credit: Decimal, date: datetime.date) -> LedgerEntry:
    """The posting that takes back the unused `credit` of a voided credit note."""
    return entry(
        contact=note.contact,
        date=date,
        kind=Kind.REVERSAL,
        credit=-credit,
        reference=note.number,
        description=f"Credit note {note.number} voided",
        credit_note=note,
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
