"""Payments and credit as one customer sees them in the portal.

Scoped by organisation and customer first; a foreign, missing or malformed id raises `Http404`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page
from django.db.models import (
    CharField,
    Count,
    DecimalField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from portico.contacts.models import Contact
from portico.contacts.scope import NOT_FOUND, SAMPLE_PUBLIC_ID, PortalScope, ScopedQuery
from portico.core import prepared
from portico.core.prepared import Read
from portico.core.tenancy import public_id_or_404
from portico.payments.models import (
    Checkout,
    CheckoutItem,
    CreditApplication,
    CustomerCredit,
    Payment,
    PaymentAllocation,
)
from portico.sales import counts
from portico.sales import portal_selectors as sales_portal
from portico.sales.models import CustomerAccount, Invoice
from portico.sales.portal_selectors import (
    KeptCount,
    ListQuery,
    PreparedList,
    money_sum,
    since,
    sort_by,
)

ZERO = Decimal(0)
AMOUNT = sales_portal.AMOUNT

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
    return scope.nothing_for_link(
        Payment.objects.filter(organisation=scope.organisation, contact=scope.contact)
    )


def payment_list_for_portal(*, scope: PortalScope, query: ListQuery) -> Page:
    return _PAYMENT_LIST.page(scope=scope, query=query)


def payment_list_shown_for_portal(*, scope: PortalScope, query: ListQuery) -> Page:
    """The payment list's page with only the columns the portal's list shows."""
    return _PAYMENT_LIST_SHOWN.page(scope=scope, query=query)


def _payment_list(scope: PortalScope, query: ListQuery) -> QuerySet[Payment]:
    payments = payments_for_portal(scope=scope)
    if query.status == "invoice":
        payments = payments.annotate(allocation_count=Count("allocations"))
    payments = payments.filter(PAYMENT_FILTERS.get(query.status, Q()))
    return sort_by(since(payments, query), query.sort, PAYMENT_SORTS)


_PAYMENT_LIST = PreparedList(
    _payment_list,
    counted=KeptCount("payment", {"": None, **{s: frozenset({s}) for s in Payment.Source.values}}),
)
_PAYMENT_LIST_SHOWN = _PAYMENT_LIST.decorated(
    lambda scope, rows: rows.only(
        "public_id", "number", "date", "mode", "source", "reference", "currency", "amount"
    )
)
PAYMENTS_COUNTED = counts.Counted(
    lambda contacts: Payment.objects.filter(contact__in=contacts), F("source")
)
"""What the payment list's kept counts count (`Payment.portal_count_key`), registered with
`sales.counts` by the app's `ready`."""


def payment_get_for_portal(*, scope: PortalScope, payment_id: UUID | str) -> Payment:
    """One payment (the receipt) with the invoices it paid: two prepared queries in one round
    trip, both finding the payment by its public id (`payment.allocations.all()` runs none)."""
    key = public_id_or_404(payment_id, message=NOT_FOUND)
    found, allocations = prepared.together(
        _PAYMENT.bound(scope, public_id=key), _ALLOCATIONS.bound(scope, public_id=key)
    )
    if not found:
        raise Http404(NOT_FOUND)
    payment = found[0]
    prepared.attach(payment, "allocations", allocations)
    return payment


_PAYMENT: ScopedQuery[Payment] = ScopedQuery(
    lambda scope, public_id: (
        payments_for_portal(scope=scope).filter(public_id=public_id).select_related("checkout")
    ),
    public_id=SAMPLE_PUBLIC_ID,
)
_ALLOCATIONS: ScopedQuery[PaymentAllocation] = ScopedQuery(
    lambda scope, public_id: (
        PaymentAllocation.objects.filter(
            payment__public_id=public_id,
            payment__organisation=scope.organisation,
            payment__contact=scope.contact,
        )
        .select_related("invoice")
        .order_by("id")
    ),
    public_id=SAMPLE_PUBLIC_ID,
)


def last_payment_for_portal(*, scope: PortalScope) -> Payment | None:
    """The latest payment, as the customer's account keeps it (one query)."""
    return last_payment_read(scope=scope).run()


def last_payment_read(*, scope: PortalScope) -> Read[Payment | None]:
    return Read(_LAST_PAYMENT.bound(scope), _first)


def _first(rows: list[Any]) -> Any:
    return rows[0] if rows else None


def _last_payment(scope: PortalScope) -> QuerySet[Payment]:
    account = CustomerAccount.objects.filter(
        organisation=scope.organisation, contact=scope.contact
    ).values("last_payment")[:1]
    return payments_for_portal(scope=scope).filter(pk=Subquery(account))


_LAST_PAYMENT: ScopedQuery[Payment] = ScopedQuery(_last_payment)


def unused_credit_for_portal(*, scope: PortalScope) -> Decimal:
    """The customer's credit not yet applied or refunded (one aggregate query)."""
    credits = scope.nothing_for_link(
        CustomerCredit.objects.filter(organisation=scope.organisation, contact=scope.contact)
    )
    return credits.aggregate(total=money_sum("remaining"))["total"]


@dataclass(frozen=True)
class PaymentMethod:
    """How a payment was made, as a receipt may show it: never more than the last 4 digits."""

    label: str
    brand: str = ""
    last4: str = ""


def payment_method_for_portal(*, payment: Payment) -> PaymentMethod:
    """From the online checkout that made the payment, when there is one (loaded with it)."""
    try:
        checkout = payment.checkout
    except ObjectDoesNotExist:
        checkout = None
    if checkout is None:
        return PaymentMethod(label=str(payment.get_mode_display()))
    last4 = "".join(ch for ch in checkout.last4 if ch.isdigit())[-4:]
    return PaymentMethod(label=str(payment.get_mode_display()), brand=checkout.brand, last4=last4)


# --- applied to an invoice ---------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    """A payment or a credit applied to an invoice, as its detail page lists them."""

    kind: str  # "payment" | "credit"
    date: datetime.date
    amount: Decimal
    public_id: UUID | None
    label: str


def invoice_applied_for_portal(*, scope: PortalScope, invoice: Invoice) -> list[Applied]:
    """Payments and credits applied to `invoice`, oldest first, in one prepared query (a UNION)."""
    return invoice_applied_read(scope=scope, invoice=invoice).run()


def invoice_applied_read(*, scope: PortalScope, invoice: Invoice) -> Read[list[Applied]]:
    return Read(_APPLIED.bound(scope, invoice_id=invoice.pk), _applied_rows)


def _applied_rows(rows: list[tuple[Any, ...]]) -> list[Applied]:
    return sorted((Applied(*row) for row in rows), key=lambda row: (row.date, row.kind))


def _applied(scope: PortalScope, invoice_id: int) -> QuerySet[Any]:
    text = CharField()
    payments = PaymentAllocation.objects.filter(
        payment__organisation=scope.organisation,
        payment__contact=scope.contact,
        invoice_id=invoice_id,
    ).values_list(
        Value("payment", output_field=text),
        F("payment__date"),
        F("amount"),
        F("payment__public_id"),
        F("payment__number"),
    )
    credits = CreditApplication.objects.filter(
        organisation=scope.organisation, credit__contact=scope.contact, invoice_id=invoice_id
    ).values_list(
        Value("credit", output_field=text),
        F("date"),
        F("amount"),
        F("credit__public_id"),
        Coalesce(
            F("credit__credit_note__number"),
            F("credit__retainer_invoice__number"),
            F("credit__payment__number"),
            Value("", output_field=text),
            output_field=text,
        ),
    )
    return payments.union(credits, all=True)


_APPLIED: ScopedQuery[tuple[Any, ...]] = ScopedQuery(_applied, invoice_id=-90_202)


# --- home dashboard ----------------------------------------------------------------------------


def invoices_being_confirmed_for_portal(*, scope: PortalScope) -> int:
    """How many of the customer's invoices have a payment whose outcome is being confirmed."""
    return being_confirmed_read(scope=scope).run()


def being_confirmed_read(*, scope: PortalScope) -> Read[int]:
    return Read(_BEING_CONFIRMED.bound(scope), lambda rows: int(rows[0]["count"]) if rows else 0)


def _being_confirmed(scope: PortalScope) -> QuerySet[Any]:
    confirming = (
        CheckoutItem.objects.filter(
            checkout__organisation=scope.organisation,
            checkout__contact=scope.contact,
            checkout__state__in=Checkout.CONFIRMING_STATES,
        )
        .order_by()
        .values("checkout__contact")
        .annotate(value=Count("invoice_id", distinct=True))
        .values("value")[:1]
    )
    return (
        Contact.objects.filter(pk=scope.contact.pk, organisation=scope.organisation)
        .annotate(count=Coalesce(Subquery(confirming, output_field=IntegerField()), Value(0)))
        .values("count")
    )


_BEING_CONFIRMED: ScopedQuery[dict[str, Any]] = ScopedQuery(_being_confirmed)


@dataclass(frozen=True)
class HomeFigures:
    outstanding_total: Decimal
    outstanding_count: int
    overdue_total: Decimal
    overdue_count: int
    retainer_total: Decimal
    retainer_count: int
    awaiting_estimates: int
    unused_credit: Decimal


COUNT = IntegerField()


def home_figures_for_portal(*, scope: PortalScope) -> HomeFigures:
    """Every figure of the dashboard in one round trip whose cost does not grow with the
    customer's history: sums over the history come from the customer's account (kept by the
    ledger); overdue and retainers from one pass over the open items, estimates awaiting an
    answer from the kept counts (the estimate list's total). Built and compiled once per
    process (`ScopedQuery`)."""
    return home_figures_read(scope=scope).run()


def home_figures_read(*, scope: PortalScope) -> Read[HomeFigures]:
    today = timezone.localdate()
    return Read.of(
        (
            Read(_HOME_FIGURES.bound(scope), _first),
            Read(_OPEN_FIGURES.bound(scope, today=today), _first),
        ),
        _figures,
    )


def _figures(kept: dict[str, Any], open_items: dict[str, Any] | None) -> HomeFigures:
    assert kept  # the scope's own customer
    return HomeFigures(**kept, **(open_items or OPEN_NONE))


def _home_figures(scope: PortalScope) -> QuerySet[Any]:
    """The figures kept current by the ledger (the customer's account) and the estimates
    awaiting an answer, in the customer's row."""
    account = scope.nothing_for_link(
        CustomerAccount.objects.filter(organisation=scope.organisation, contact=scope.contact)
    )
    return (
        Contact.objects.filter(organisation=scope.organisation, pk=scope.contact.pk)
        .annotate(
            outstanding_total=_kept(account, "receivable", AMOUNT),
            outstanding_count=_kept(account, "open_invoices", COUNT),
            awaiting_estimates=Coalesce(
                Subquery(sales_portal.estimates_awaiting_count(scope=scope), output_field=COUNT),
                Value(0),
            ),
            unused_credit=_kept(account, "credit", AMOUNT),
        )
        .values("outstanding_total", "outstanding_count", "awaiting_estimates", "unused_credit")
    )


_HOME_FIGURES: ScopedQuery[dict[str, Any]] = ScopedQuery(_home_figures)
OPEN_NONE = {"overdue_total": ZERO, "overdue_count": 0, "retainer_total": ZERO, "retainer_count": 0}
"""The open items' figures of a customer with nothing left to pay."""


def _open_figures(scope: PortalScope, today: datetime.date) -> QuerySet[Any]:
    """Overdue and unpaid retainer invoices in one pass over the customer's entries with
    something left to pay (the leading range of the `invoice_open_items` index, which holds
    every column read: an index-only scan): O(open items), never the paid history. No row
    when nothing is left to pay."""
    # Of the open items (`sales_portal.OPEN`, every one shown in the portal): the regular
    # invoices past due (what the ledger's receivable adds up, `ledger.OPEN_ITEMS`, that is
    # overdue) and the retainers.
    overdue = Q(kind=Invoice.Kind.REGULAR, due_date__lt=today)
    retainer = Q(kind=Invoice.Kind.RETAINER)
    return (
        scope.only_document(
            Invoice.objects.filter(
                sales_portal.OPEN, organisation=scope.organisation, contact=scope.contact
            )
        )
        .order_by()
        .values("contact")
        .annotate(
            overdue_total=Coalesce(Sum("balance_due", filter=overdue), Value(ZERO)),
            overdue_count=Count("balance_due", filter=overdue),  # never NULL: every row
            retainer_total=Coalesce(Sum("balance_due", filter=retainer), Value(ZERO)),
            retainer_count=Count("balance_due", filter=retainer),
        )
        .values(*OPEN_NONE)
    )


_OPEN_FIGURES: ScopedQuery[dict[str, Any]] = ScopedQuery(
    _open_figures, today=datetime.date(1001, 2, 3)
)


def _kept(account: QuerySet[CustomerAccount], field: str, output: Any) -> Coalesce:
    """A figure the customer's account keeps (none yet: nothing was ever posted)."""
    zero = Value(ZERO) if isinstance(output, DecimalField) else Value(0)
    return Coalesce(Subquery(account.values(field)[:1], output_field=output), zero)
