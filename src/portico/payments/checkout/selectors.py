"""Reads for online payment as one customer sees it in the portal, scoped to that customer.

A foreign, missing or malformed id answers `Http404`, the same as a missing one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import urlencode
from uuid import UUID

from django.core.paginator import Page
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import get_language

from portico.contacts.models import Contact
from portico.contacts.scope import PortalScope, ScopedQuery
from portico.core import money
from portico.core.prepared import Read
from portico.core.tenancy import get_for_scope
from portico.orgs.models import GatewayAccount, Organisation
from portico.payments import gateway_choice
from portico.payments.checkout import plan
from portico.payments.gateways import registry
from portico.payments.gateways.base import MethodKind
from portico.payments.models import Checkout, CheckoutItem, SavedMethod
from portico.sales.models import Invoice, RecurringProfile
from portico.sales.portal_selectors import (
    INVOICE_LIST,
    OPEN,
    ListQuery,
    invoices_for_portal,
    paginate,
)


def _uuids(values: Iterable[str]) -> list[UUID]:
    found = []
    for value in values:
        try:
            found.append(UUID(str(value)))
        except ValueError:
            continue
    return found


def payable_invoices_for_portal(*, scope: PortalScope) -> QuerySet[Invoice]:
    """Every open invoice with something due, oldest due date first."""
    return (
        invoices_for_portal(scope=scope)
        .filter(OPEN)
        .select_related("recurring_profile")
        .order_by(F("due_date").asc(nulls_last=True), "issue_date", "pk")
    )


# --- the pay page: open invoices a page at a time, and the customer's choice among them ----------

SEARCH_MAX_LENGTH = 60


def _open_checkout_state() -> Subquery:
    """The state of the open checkout on the invoice (pending bank debit, or a payment being
    confirmed), or NULL: such an invoice cannot be paid again until it ends."""
    return Subquery(
        CheckoutItem.objects.filter(
            invoice_id=OuterRef("pk"), checkout__state__in=Checkout.OPEN_STATES
        )
        .order_by("-checkout_id")
        .values("checkout__state")[:1]
    )


def invoice_list_for_portal(*, scope: PortalScope, query: ListQuery) -> Page:
    """The invoice list's page (`sales.portal_selectors.invoice_list_for_portal`) as the portal's
    list shows it: the columns it shows (`INVOICE_COLUMNS`, no others), each row with the state
    of an open checkout on it as `payment_state` (None without one), read by the page's own
    query."""
    return _INVOICE_LIST.page(scope=scope, query=query)


INVOICE_COLUMNS = (
    *("public_id", "number", "kind", "currency", "issue_date", "due_date"),
    *("status", "total", "balance_due"),
)
_INVOICE_LIST = INVOICE_LIST.decorated(
    lambda scope, rows: rows.only(*INVOICE_COLUMNS).annotate(payment_state=_open_checkout_state())
)


def _payable_annotated(scope: PortalScope, usable: Sequence[GatewayAccount]) -> QuerySet[Invoice]:
    return payable_invoices_for_portal(scope=scope).annotate(
        payment_state=_open_checkout_state(),
        offered_online=gateway_choice.payable_online(usable),
    )


@dataclass(frozen=True)
class Choice:
    """Which open invoices the customer chose to pay: every one but `skip`, or only `ids`
    (public ids). Kept by the portal between pages; never trusted beyond being a filter."""

    everything: bool = True
    ids: frozenset[str] = field(default_factory=frozenset)
    skip: frozenset[str] = field(default_factory=frozenset)

    def has(self, public_id: str) -> bool:
        return public_id not in self.skip if self.everything else public_id in self.ids


@dataclass(frozen=True)
class Chosen:
    """The chosen invoices as the page shows them, from one query whatever their number."""

    count: int
    total: Decimal
    full_only: int
    digest: str


@dataclass(frozen=True)
class PayPage:
    rows: Page
    chosen: Chosen
    open_count: int
    open_total: Decimal
    usable: list[GatewayAccount]
    search: str


def chosen_for_portal(
    *, scope: PortalScope, choice: Choice, usable: Sequence[GatewayAccount]
) -> QuerySet[Invoice]:
    """The open invoices the customer chose that can be paid now: no payment in progress on
    them, and a usable gateway takes them."""
    invoices = _payable_annotated(scope, usable).filter(
        Q(payment_state__isnull=True), Q(offered_online=True)
    )
    if choice.everything:
        return invoices.exclude(public_id__in=_uuids(choice.skip))
    return invoices.filter(public_id__in=_uuids(choice.ids))


def chosen_summary(invoices: QuerySet[Invoice]) -> Chosen:
    rows = list(invoices.values_list("pk", "status", "balance_due", "allow_partial_payment"))
    return Chosen(
        count=len(rows),
        total=sum((balance for _, _, balance, _ in rows), Decimal(0)),
        full_only=sum(1 for *_, partial in rows if not partial),
        digest=plan.digest_of((pk, status, balance) for pk, status, balance, _ in rows),
    )


def pay_page_for_portal(
    *, scope: PortalScope, choice: Choice, search: str = "", page: int = 1
) -> PayPage:
    """One page of the customer's open invoices (filtered by number or reference), and the
    chosen ones' count, total and digest: a fixed number of queries for any history."""
    usable = gateway_choice.usable_accounts(
        organisation=scope.organisation, currency=scope.contact.currency
    )
    search = search.strip()[:SEARCH_MAX_LENGTH]
    rows = _payable_annotated(scope, usable)
    if search:
        rows = rows.filter(Q(number__icontains=search) | Q(reference__icontains=search))
    chosen = chosen_summary(chosen_for_portal(scope=scope, choice=choice, usable=usable))
    open_rows = payable_invoices_for_portal(scope=scope).order_by()
    figures = open_rows.aggregate(count=Count("pk"), total=Sum("balance_due"))
    return PayPage(
        rows=paginate(rows, page),
        chosen=chosen,
        open_count=figures["count"],
        # SQLite sums decimals in floating point: back to the currency's minor unit.
        open_total=money.quantize(figures["total"] or Decimal(0), scope.contact.currency),
        usable=usable,
        search=search,
    )


def invoices_chosen_for_portal(*, scope: PortalScope, invoice_ids: Iterable[str]) -> list[Invoice]:
    """The customer's invoices among `invoice_ids` (unknown or foreign ids are left out),
    whatever their status: the checkout explains why a paid or void one cannot be paid."""
    wanted = _uuids(invoice_ids)
    if not wanted:
        return []
    return list(
        invoices_for_portal(scope=scope)
        .filter(public_id__in=wanted)
        .select_related("recurring_profile")
        .order_by(F("due_date").asc(nulls_last=True), "issue_date", "pk")
    )


def payment_states_for_portal(*, scope: PortalScope, invoice_ids: Iterable[int]) -> dict[int, str]:
    """The state of the open checkout on each of `invoice_ids` that has one ("pending" for a
    bank debit waiting to settle, otherwise a payment being confirmed); one query, prepared
    for one invoice (its page)."""
    wanted = list(invoice_ids)
    if not wanted:
        return {}
    if len(wanted) == 1:
        return invoice_payment_state_read(scope=scope, invoice_id=wanted[0]).run()
    return dict(_open_items(scope).filter(invoice_id__in=wanted))


def invoice_payment_state_read(*, scope: PortalScope, invoice_id: int) -> Read[dict[int, str]]:
    """`payment_states_for_portal` of one invoice (its page), to read with the page's others."""
    return Read(_ONE_INVOICE_STATE.bound(scope, invoice_id=invoice_id), dict)


def _open_items(scope: PortalScope) -> QuerySet[Any]:
    return (
        CheckoutItem.objects.filter(
            checkout__organisation=scope.organisation,
            checkout__contact=scope.contact,
            checkout__state__in=Checkout.OPEN_STATES,
        )
        .order_by("checkout_id")
        .values_list("invoice_id", "checkout__state")
    )


_ONE_INVOICE_STATE: ScopedQuery[tuple[int, str]] = ScopedQuery(
    lambda scope, invoice_id: _open_items(scope).filter(invoice_id=invoice_id),
    invoice_id=-90_207,
)


def gateway_account_for_portal(*, scope: PortalScope) -> GatewayAccount | None:
    """Where new methods are saved: the business's first active gateway."""
    return (
        GatewayAccount.objects.filter(
            organisation=scope.organisation, is_active=True, kind__in=registry.kinds()
        )
        .order_by("pk")
        .first()
    )


def gateways_offered_for_portal(
    *, scope: PortalScope, invoices: Sequence[Invoice] | QuerySet[Invoice]
) -> list[GatewayAccount]:
    """The gateways every one of `invoices` (already scoped) offers and whose settings take
    them (currency, minimum): "Pay now" is hidden where none does."""
    offered = gateway_choice.gateways_offered(organisation=scope.organisation, invoices=invoices)
    return gateway_choice.gateways_taking(offered, invoices)


def gateways_for_portal(*, scope: PortalScope, invoices: Sequence[Invoice]) -> list[GatewayAccount]:
    """What the customer may pay with: the gateways that take `invoices` (already scoped)
    together, or, with none chosen, every active one taking the customer's currency."""
    if invoices:
        return gateways_offered_for_portal(scope=scope, invoices=invoices)
    return gateway_choice.usable_accounts(
        organisation=scope.organisation, currency=scope.contact.currency
    )


def gateway_pick(offered: Sequence[GatewayAccount], wanted: str | None) -> GatewayAccount | None:
    """The offered account with public id `wanted`, else the first offered one."""
    for account in offered:
        if str(account.public_id) == (wanted or ""):
            return account
    return offered[0] if offered else None


def gateway_get_for_portal(*, scope: PortalScope, gateway_id: str) -> GatewayAccount | None:
    """One of the business's active gateways, by public id (None for anything else)."""
    wanted = _uuids([gateway_id])
    if not wanted:
        return None
    return GatewayAccount.objects.filter(
        organisation=scope.organisation, is_active=True, public_id=wanted[0]
    ).first()


def autopay_profiles_for_portal(*, scope: PortalScope) -> QuerySet[RecurringProfile]:
    """The customer's live recurring profiles that charge their default method."""
    return scope.nothing_for_link(
        RecurringProfile.objects.live().filter(
            organisation=scope.organisation, contact=scope.contact, autopay=True
        )
    )


def autopay_profile_get_for_portal(
    *, scope: PortalScope, profile_id: UUID | str
) -> RecurringProfile:
    return get_for_scope(autopay_profiles_for_portal(scope=scope), profile_id)


def hosted_fields_urls(*, scope: PortalScope, account: GatewayAccount | None) -> dict[str, str]:
    """Where the page embeds the gateway's own fields: card always, bank when allowed; in the
    page's language (`?lang=`, read by `gateways.base.use_requested_language`)."""
    if account is None:
        return {}
    gateway = registry.gateway_for(account)
    urls = {MethodKind.CARD.value: gateway.hosted_fields_url(kind=MethodKind.CARD)}
    if scope.contact.allow_bank_debit and MethodKind.BANK in gateway.method_kinds:
        urls[MethodKind.BANK.value] = gateway.hosted_fields_url(kind=MethodKind.BANK)
    language = urlencode({"lang": get_language() or ""})
    return {kind: f"{url}{'&' if '?' in url else '?'}{language}" for kind, url in urls.items()}


def saved_methods_for_portal(*, scope: PortalScope) -> QuerySet[SavedMethod]:
    # A document link pays with a new card only: the customer's saved ones are not its to use.
    methods = scope.nothing_for_link(
        SavedMethod.objects.filter(organisation=scope.organisation, contact=scope.contact)
    )
    if not scope.contact.allow_bank_debit:
        methods = methods.exclude(kind=MethodKind.BANK)
    return methods.select_related("gateway_account").order_by("-is_default", "-created_at")


def saved_method_get_for_portal(*, scope: PortalScope, method_id: UUID | str) -> SavedMethod:
    return get_for_scope(saved_methods_for_portal(scope=scope), method_id)


def checkout_get_for_portal(*, scope: PortalScope, checkout_id: UUID | str) -> Checkout:
    checkouts = Checkout.objects.filter(
        organisation=scope.organisation, contact=scope.contact
    ).select_related("payment", "saved_method")
    if scope.is_link:
        checkouts = scope.only_document(checkouts, "items__invoice__public_id").filter(
            person=scope.person
        )
    return get_for_scope(checkouts, checkout_id)


def checkout_items(*, checkout: Checkout) -> list[CheckoutItem]:
    return list(checkout.items.select_related("invoice").order_by("invoice__due_date", "pk"))


def is_expired(method: SavedMethod, today: datetime.date) -> bool:
    if not method.exp_year or not method.exp_month:
        return False
    return (method.exp_year, method.exp_month) < (today.year, today.month)


class Customer(Protocol):
    """Whose checkouts: a portal scope, or a customer's autopay."""

    @property
    def organisation(self) -> Organisation: ...

    @property
    def contact(self) -> Contact: ...


def checkout_by_key(*, scope: Customer, key: str) -> Checkout | None:
    """The checkout this customer already made with `key` (a double click, a replayed POST,
    autopay run twice). A key is the customer's own: another customer's same key is no match."""
    if not key:
        return None
    return Checkout.objects.filter(
        organisation=scope.organisation, contact=scope.contact, idempotency_key=key[:80]
    ).first()
