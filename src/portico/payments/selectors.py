"""Reads for the business's side of payments and credit, scoped to the organisation first."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce

from portico.contacts.models import Contact
from portico.payments.models import CustomerCredit
from portico.sales import ledger


@dataclass(frozen=True)
class CustomerBalance:
    currency: str
    receivable: Decimal
    unused_credit: Decimal

    @property
    def net(self) -> Decimal:
        return self.receivable - self.unused_credit


def customer_balance(*, contact: Contact) -> CustomerBalance:
    """What the customer owes and holds in credit, from the ledger (one query)."""
    balance = ledger.balance_of(contact=contact)
    return CustomerBalance(contact.currency, balance.receivable, balance.credit)


def credits_available(*, contact: Contact) -> QuerySet[CustomerCredit]:
    return CustomerCredit.objects.filter(
        organisation_id=contact.organisation_id, contact=contact, remaining__gt=0
    ).order_by("date", "pk")


def unused_credit(*, contact: Contact) -> Decimal:
    total = credits_available(contact=contact).aggregate(
        total=Coalesce(Sum("remaining"), Decimal(0))
    )["total"]
    return Decimal(total)
