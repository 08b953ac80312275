"""Payments and credit made through the services."""

from __future__ import annotations

from decimal import Decimal

from portico.contacts.models import Contact
from portico.orgs.models import Organisation
from portico.payments import services
from portico.payments.models import CustomerCredit, Payment
from portico.sales.models import LedgerEntry
from tests.sales import factories as make


def payment(contact: Contact, amount: str = "50.00") -> Payment:
    return services.payment_record(
        contact=contact, amount=Decimal(amount), date=make.DAY, mode="cash"
    )


def credit(organisation: Organisation) -> CustomerCredit:
    return payment(make.customer(organisation)).credits.get()  # type: ignore[no-any-return]


def ledger_entry(organisation: Organisation) -> LedgerEntry:
    invoice = make.invoice(make.customer(organisation))
    return LedgerEntry.objects.get(invoice=invoice)
