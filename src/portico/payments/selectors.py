"""Reads for the business's side of payments and credit, scoped to the organisation first."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from portico.contacts.models import Contact
from portico.orgs.models import Organisation
from portico.payments.models import Checkout, CustomerCredit, Payment
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


# --- the back office's dashboard ---------------------------------------------------------------

AMOUNT = DecimalField(max_digits=18, decimal_places=4)


def _sum(field: str, condition: Q) -> Coalesce:
    return Coalesce(Sum(field, filter=condition), Value(Decimal(0)), output_field=AMOUNT)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def previous_month_start(day: datetime.date) -> datetime.date:
    return month_start(month_start(day) - datetime.timedelta(days=1))


@dataclass(frozen=True)
class PaymentsReceived:
    """Payments received in one currency this month (to `today`) and in the whole last month."""

    currency: str
    this_month: Decimal
    this_month_count: int
    last_month: Decimal
    last_month_count: int


def payments_received_by_currency(
    *, organisation: Organisation, today: datetime.date | None = None
) -> list[PaymentsReceived]:
    """This month's and last month's payments per currency, in one aggregate query."""
    today = today or timezone.localdate()
    this_month = Q(date__gte=month_start(today))
    last_month = Q(date__lt=month_start(today))
    rows = (
        Payment.objects.filter(
            organisation=organisation, date__gte=previous_month_start(today), date__lte=today
        )
        .order_by()
        .values("currency")
        .annotate(
            this_month=Coalesce(
                Sum("amount", filter=this_month), Value(Decimal(0)), output_field=AMOUNT
            ),
            this_month_count=Count("pk", filter=this_month),
            last_month=Coalesce(
                Sum("amount", filter=last_month), Value(Decimal(0)), output_field=AMOUNT
            ),
            last_month_count=Count("pk", filter=last_month),
        )
        .order_by("currency")
    )
    return [PaymentsReceived(**row) for row in rows]


def checkouts_failed_since(
    *, organisation: Organisation, since: datetime.datetime
) -> QuerySet[Checkout]:
    """Online payment attempts that failed since `since` (the customer may not have retried)."""
    return Checkout.objects.filter(
        organisation=organisation, state=Checkout.State.FAILED, created_at__gte=since
    )


def checkouts_to_reconcile(*, organisation: Organisation) -> QuerySet[Checkout]:
    """Attempts left unknown by a crash or timeout, until the reconcile job settles them."""
    return Checkout.objects.filter(organisation=organisation, state=Checkout.State.UNKNOWN)


def last_payment(*, contact: Contact) -> Payment | None:
    """The customer's latest payment (the back office's customer page)."""
    return (
        Payment.objects.filter(organisation_id=contact.organisation_id, contact=contact)
        .order_by("-date", "-id")
        .first()
    )
