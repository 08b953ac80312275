"""Payments and credit as one customer sees them in the portal.

Scoped by organisation and customer first; a foreign, missing or malformed id raises `Http404`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page
from django.db.models import Count, Prefetch, Q, QuerySet

from portico.contacts.scope import PortalScope
from portico.core.tenancy import get_for_scope
from portico.payments.models import CustomerCredit, Payment, PaymentAllocation
from portico.sales.portal_selectors import ListQuery, money_sum, paginate, sort_by

ZERO = Decimal(0)

PAYMENT_FILTERS: dict[str, Q] = {
    "": Q(),
    "invoice": Q(allocation_count__gt=0),
    "online": Q(source=Payment.Source.ONLINE),
    "offline": Q(source=Payment.Source.OFFLINE),
}
PAYMENT_SORTS: dict[str, tuple[str, ...]] = {
    "-date": ("-date", "-id"),
    "date": ("date", "id"),
    "-amount": ("-amount", "-id"),
    "amount": ("amount", "id"),
}


def payments_for_portal(*, scope: PortalScope) -> QuerySet[Payment]:
    return Payment.objects.filter(organisation=scope.organisation, contact=scope.contact)


def payment_list_for_portal(*, scope: PortalScope, query: ListQuery) -> Page:
    payments = payments_for_portal(scope=scope)
    if query.status == "invoice":
        payments = payments.annotate(allocation_count=Count("allocations"))
    payments = payments.filter(PAYMENT_FILTERS.get(query.status, Q()))
    return paginate(sort_by(payments, query.sort, PAYMENT_SORTS), query.page)


def payment_get_for_portal(*, scope: PortalScope, payment_id: UUID | str) -> Payment:
    """One payment (the receipt) with the invoices it paid."""
    payments = (
        payments_for_portal(scope=scope)
        .select_related("checkout")
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=PaymentAllocation.objects.select_related("invoice").order_by("id"),
            )
        )
    )
    return get_for_scope(payments, payment_id)


def last_payment_for_portal(*, scope: PortalScope) -> Payment | None:
    return payments_for_portal(scope=scope).order_by("-date", "-id").first()


def unused_credit_for_portal(*, scope: PortalScope) -> Decimal:
    """The customer's credit not yet applied or refunded (one aggregate query)."""
    credits = CustomerCredit.objects.filter(organisation=scope.organisation, contact=scope.contact)
    return credits.aggregate(total=money_sum("remaining"))["total"]  # type: ignore[no-any-return]


@dataclass(frozen=True)
class PaymentMethod:
    """How a payment was made, as a receipt may show it: never more than the last 4 digits."""

    label: str
    brand: str = ""
    last4: str = ""


def payment_method_for_portal(*, payment: Payment) -> PaymentMethod:
    """From the online checkout that made the payment, when there is one (loaded with it)."""
    try:
        checkout = payment.checkout  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        checkout = None
    if checkout is None:
        return PaymentMethod(label=str(payment.get_mode_display()))
    last4 = "".join(ch for ch in checkout.last4 if ch.isdigit())[-4:]
    return PaymentMethod(label=str(payment.get_mode_display()), brand=checkout.brand, last4=last4)
