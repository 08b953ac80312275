"""The ledger's postings of payments, and the check that proves the ledger agrees with the
documents (open invoice balances and unused credit)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from portico.contacts.models import Contact
from portico.core import money
from portico.orgs.models import Organisation
from portico.payments.models import CustomerCredit, Payment
from portico.sales import ledger
from portico.sales.ledger import Balance
from portico.sales.models import Invoice, LedgerEntry

ZERO = Decimal(0)


def payment_received(payment: Payment, *, settled: Decimal, credit: Decimal) -> LedgerEntry:
    """The posting of a payment: `settled` comes off regular invoices, `credit` (retainers and
    any excess) becomes customer credit."""
    return ledger.entry(
        contact=payment.contact,
        date=payment.date,
        kind=ledger.Kind.PAYMENT,
        receivable=-settled,
        credit=credit,
        reference=payment.number,
        description=f"Payment {payment.number}"
        + (f" ({payment.reference})" if payment.reference else ""),
        payment=payment,
    )


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
    by_contact = {
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
            Q(pk__in=by_contact.keys()) | Q(pk__in=open_balances.keys()) | Q(pk__in=credits.keys())
        ).values_list("pk", "display_name", "currency")
    }
    mismatches = []
    for contact_id, (name, currency) in sorted(customers.items()):
        row: Any = by_contact.get(contact_id, {})

        # SQLite sums decimals in floating point: compare in the currency's minor unit.
        def exact(value: Decimal | None, currency: str = currency) -> Decimal:
            return money.quantize(value or ZERO, currency)

        posted = Balance(exact(row.get("receivable")), exact(row.get("credit")))
        held = Balance(exact(open_balances.get(contact_id)), exact(credits.get(contact_id)))
        if posted != held:
            mismatches.append(Mismatch(contact_id, name, posted, held))
    return mismatches
