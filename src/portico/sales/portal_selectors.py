"""Sales documents as one customer sees them in the portal.

Every function takes the `PortalScope` and filters by organisation and customer first, then by
what the portal may show (no drafts, no invoice voided before it was sent). A foreign, hidden,
missing or malformed id raises `Http404` alike. Lists paginate in the database; sums are SQL.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Left, Right
from django.db.models.lookups import Exact
from django.utils import timezone

from portico.contacts.scope import SAMPLE_PUBLIC_ID, PortalScope, ScopedQuery
from portico.core import prepared
from portico.sales.models import (
    AccountCount,
    Estimate,
    EstimateLine,
    EstimateRevision,
    Invoice,
    InvoiceLine,
    SalesOrder,
    SalesOrderLine,
)

PAGE_SIZE = 25
ZERO = Decimal(0)
AMOUNT = DecimalField(max_digits=18, decimal_places=4)
EstimateStatus = Estimate.Status
InvoiceStatus = Invoice.Status
OrderStatus = SalesOrder.Status


@dataclass(frozen=True)
class ListQuery:
    """A list's filter, sort and page as read from the query string (bookmarkable)."""

    status: str = ""
    sort: str = ""
    page: int = 1
    kind: str = ""
    per_page: int = PAGE_SIZE
    updated_since: datetime.datetime | None = None
    """Only rows changed at or after this time (the API's `?updated_since=`)."""


def since(queryset: QuerySet[Any], query: ListQuery) -> QuerySet[Any]:
    if query.updated_since is None:
        return queryset
    return queryset.filter(updated_at__gte=query.updated_since)


def money_sum(field: str, condition: Q | None = None) -> Coalesce:
    return Coalesce(Sum(field, filter=condition), Value(ZERO), output_field=AMOUNT)


def paginate(queryset: QuerySet[Any], page: int, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(queryset, per_page).get_page(page)


@dataclass(frozen=True)
class KeptCount:
    """A list's total from the customer's kept counts of `kind` (`sales.counts`, keyed "state"
    or "group:state", the group being the list's `kind` filter): `statuses` maps each status
    filter to its states (None: all of them); a filter not there is counted in SQL."""

    kind: str
    statuses: dict[str, frozenset[str] | None]

    def keys(self, query: ListQuery) -> Q | None:
        """Which of the kept counts add up to the list's total (None: the filter is not kept)."""
        if query.status not in self.statuses:
            return None
        wanted = self.statuses[query.status]
        keys = Q()
        if wanted is not None:
            keys &= reduce(or_, (Q(key=s) | _key_is(Right, f":{s}") for s in sorted(wanted)))
        if query.kind:
            keys &= _key_is(Left, f"{query.kind}:")
        return keys


def _key_is(end: type[Left] | type[Right], text: str) -> Q:
    """The key starts (`Left`) or ends (`Right`) with `text`, compared without LIKE: SQLite
    prepares a statement again on every run when a LIKE pattern is a parameter (its LIKE
    optimisation depends on the value), and the home page's one statement took twice as long
    for it."""
    return Q(Exact(end("key", len(text)), Value(text)))


TOTAL = "portal_total"
"""The list's total, read by the page query itself (`PreparedList`): on every row."""


class PreparedList:
    """A portal list (filter, sort, page) read in one query, built and compiled once per
    variant (`ScopedQuery`), not on every request: the page's rows, each with the list's total
    (`TOTAL`, a subquery), so a page within the list needs no count of its own; a page past the
    end counts, then reads the last page. `build(scope, query)` is the list's queryset; `dated`:
    it reads today's date (overdue), so the day is part of the variant. The API's
    `updated_since` (a time, not a variant) takes the ordinary path. `counted`: the total read
    from the customer's kept counts, not counted over their history, when the filter allows.
    `decorate(scope, rows)`: what the page's rows carry besides (an annotation of a layer
    above), not counted."""

    def __init__(
        self,
        build: Callable[[PortalScope, ListQuery], QuerySet[Any]],
        *,
        dated: bool = False,
        counted: KeptCount | None = None,
        decorate: Callable[[PortalScope, QuerySet[Any]], QuerySet[Any]] | None = None,
    ) -> None:
        self.build = build
        self.dated = dated
        self.counted = counted
        self.decorate = decorate
        self._count: ScopedQuery[dict[str, Any]] = ScopedQuery(self._count_query)
        self._rows: ScopedQuery[Any] = ScopedQuery(self._page_query)

    def decorated(
        self, decorate: Callable[[PortalScope, QuerySet[Any]], QuerySet[Any]]
    ) -> PreparedList:
        """The same list, its page's rows passed through `decorate` too."""
        found = copy.copy(self)
        found.decorate = decorate
        found._count = ScopedQuery(found._count_query)
        found._rows = ScopedQuery(found._page_query)
        return found

    def total(self, scope: PortalScope, query: ListQuery) -> QuerySet[Any]:
        """The list's total as a one-row `n`: the kept counts' sum, or a count in SQL."""
        counted = None if scope.is_link else self.counted
        keys = counted.keys(query) if counted is not None else None
        if counted is not None and keys is not None:
            kept = AccountCount.objects.filter(
                organisation=scope.organisation, contact=scope.contact, kind=counted.kind
            ).filter(keys)
            return kept.order_by().values("contact").annotate(n=Sum("n")).values("n")
        rows = self.build(scope, query).order_by()
        return rows.values("organisation").annotate(n=Count("pk")).values("n")

    def _count_query(self, scope: PortalScope, shape: tuple[Any, ...]) -> QuerySet[Any]:
        ((query, _today),) = shape
        return self.total(scope, query)

    def _page(self, scope: PortalScope, query: ListQuery, start: int, stop: int) -> QuerySet[Any]:
        """The rows from `start` to `stop` (a subclass may page otherwise)."""
        return self.build(scope, query)[start:stop]

    def _page_query(self, scope: PortalScope, shape: tuple[Any, ...]) -> QuerySet[Any]:
        (query, _today), start, stop = shape
        rows = self._page(scope, query, start, stop)
        total = Subquery(self.total(scope, query), output_field=IntegerField())
        rows = rows.annotate(**{TOTAL: Coalesce(total, Value(0))})
        return self.decorate(scope, rows) if self.decorate is not None else rows

    def page(self, *, scope: PortalScope, query: ListQuery) -> Page:
        if query.updated_since is not None:
            rows = self.build(scope, query)
            if self.decorate is not None:
                rows = self.decorate(scope, rows)
            return paginate(rows, query.page, query.per_page)
        variant = (replace(query, page=1), timezone.localdate() if self.dated else None)
        prepared: Any = _PreparedRows(self, scope, variant, query)
        return Paginator(prepared, query.per_page).get_page(query.page)


class _PreparedRows:
    """What the paginator counts and slices: the requested page, read first with the list's
    total on each row; a separate count only when that page is empty (past the end)."""

    def __init__(
        self, prepared: PreparedList, scope: PortalScope, variant: tuple[Any, ...], query: ListQuery
    ):
        self.prepared, self.scope, self.variant = prepared, scope, variant
        self.start = (max(query.page, 1) - 1) * query.per_page
        self.stop = self.start + query.per_page
        self.found: list[Any] | None = None
        self.total: int | None = None

    def _slice(self, start: int, stop: int) -> list[Any]:
        return self.prepared._rows.rows(self.scope, shape=(self.variant, start, stop))

    def count(self) -> int:
        if self.total is None:
            self.found = self._slice(self.start, self.stop)
            if self.found:
                self.total = int(getattr(self.found[0], TOTAL))
            elif self.start == 0:
                self.total = 0
            else:
                row = self.prepared._count.first(self.scope, shape=(self.variant,))
                self.total = int(row["n"] or 0) if row else 0
        return self.total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Any]:
        if self.found is not None and index.start == self.start:
            return self.found[: index.stop - index.start]
        return self._slice(index.start, index.stop)


def sort_by(queryset: QuerySet[Any], sort: str, sorts: dict[str, tuple[str, ...]]) -> QuerySet:
    default = next(iter(sorts))
    return queryset.order_by(*sorts.get(sort, sorts[default]))


# --- estimates ---------------------------------------------------------------------------------

ESTIMATE_FILTERS: dict[str, Q] = {
    "": Q(),
    "awaiting": Q(status__in=(EstimateStatus.SENT, EstimateStatus.VIEWED)),
    "accepted": Q(status=EstimateStatus.ACCEPTED),
    "declined": Q(status=EstimateStatus.DECLINED),
    "expired": Q(status=EstimateStatus.EXPIRED),
    "invoiced": Q(status=EstimateStatus.INVOICED),
}
DOCUMENT_SORTS: dict[str, tuple[str, ...]] = {
    "-date": ("-issue_date", "-id"),
    "date": ("issue_date", "id"),
    "-amount": ("-total", "-id"),
    "amount": ("total", "id"),
    "-number": ("-number",),
    "number": ("number",),
}
ESTIMATE_SORTS = {**DOCUMENT_SORTS, "expiry": ("expiry_date", "id")}


def estimates_for_portal(*, scope: PortalScope) -> QuerySet[Estimate]:
    return scope.only_document(
        Estimate.objects.filter(organisation=scope.organisation, contact=scope.contact).exclude(
            Estimate.PORTAL_HIDDEN
        )
    )


def estimate_list_for_portal(*, scope: PortalScope, query: ListQuery) -> Page:
    return _ESTIMATE_LIST.page(scope=scope, query=query)


def estimate_list_shown_for_portal(*, scope: PortalScope, query: ListQuery) -> Page:
    """The estimate list's page with only the columns the portal's list shows."""
    return _ESTIMATE_LIST_SHOWN.page(scope=scope, query=query)


def _estimate_list(scope: PortalScope, query: ListQuery) -> QuerySet[Estimate]:
    estimates = estimates_for_portal(scope=scope).filter(ESTIMATE_FILTERS.get(query.status, Q()))
    return sort_by(since(estimates, query), query.sort, ESTIMATE_SORTS)


_ESTIMATE_LIST = PreparedList(
    _estimate_list,
    counted=KeptCount(
        Estimate.DOCUMENT_KIND,
        {
            "": None,
            "awaiting": frozenset({EstimateStatus.SENT, EstimateStatus.VIEWED}),
            **{s: frozenset({s}) for s in ("accepted", "declined", "expired", "invoiced")},
        },
    ),
)


def estimates_awaiting_count(*, scope: PortalScope) -> QuerySet[Any]:
    """How many estimates await the customer's answer, as a one-row `n` to read in another
    query: the estimate list's own total for its "awaiting" filter (the kept counts)."""
    return _ESTIMATE_LIST.total(scope, ListQuery(status="awaiting"))


_ESTIMATE_LIST_SHOWN = _ESTIMATE_LIST.decorated(
    lambda scope, rows: rows.only(
        "public_id", "number", "currency", "issue_date", "expiry_date", "status", "total"
    )
)


def estimate_revisions_for_portal(*, scope: PortalScope, estimate: Estimate) -> list[Any]:
    """The earlier revisions of an estimate the customer may see, newest first (one prepared
    query)."""
    return estimate_revisions_read(scope=scope, estimate=estimate).run()


_REVISIONS: ScopedQuery[EstimateRevision] = ScopedQuery(
    lambda scope, estimate_id: EstimateRevision.objects.filter(
        scope.holds(Estimate, estimate_id), organisation=scope.organisation, estimate_id=estimate_id
    ).order_by("-revision"),
    estimate_id=-90_206,
)


def estimate_get_for_portal(*, scope: PortalScope, estimate_id: UUID | str) -> Estimate:
    """One estimate with its lines (and their taxes) and its portal signature, if any: two
    prepared queries (`estimate.lines.all()` runs none)."""
    estimate = estimate_find_for_portal(scope=scope, estimate_id=estimate_id)
    lines_read(scope=scope, document=estimate).run()
    return estimate


def estimate_find_for_portal(*, scope: PortalScope, estimate_id: UUID | str) -> Estimate:
    """One estimate with its portal signature, if any, without its lines (`lines_read`): one
    prepared query."""
    return _ESTIMATE.get(scope, estimate_id)


def estimate_revisions_read(*, scope: PortalScope, estimate: Estimate) -> prepared.Read[list[Any]]:
    return prepared.Read(_REVISIONS.bound(scope, estimate_id=estimate.pk), list)


_ESTIMATE: ScopedQuery[Estimate] = ScopedQuery(
    lambda scope, public_id: (
        estimates_for_portal(scope=scope)
        .filter(public_id=public_id)
        .select_related("portal_acceptance")
    ),
    public_id=SAMPLE_PUBLIC_ID,
)


def _lines(model: type[EstimateLine | InvoiceLine | SalesOrderLine]) -> ScopedQuery[Any]:
    """A document's lines with their taxes and items, the document found in the scope."""
    return ScopedQuery(
        lambda scope, document_id: model.objects.filter(
            scope.holds(model.document.field.related_model, document_id), document_id=document_id
        ).select_related("tax", "item"),
        document_id=SAMPLE_DOCUMENT_ID,
    )


SAMPLE_DOCUMENT_ID = -90_201
_ESTIMATE_LINES = _lines(EstimateLine)


# --- invoices ----------------------------------------------------------------------------------

OPEN = Q(status__in=Invoice.OPEN_STATUSES, balance_due__gt=0)


def _invoice_filters(today: datetime.date) -> dict[str, Q]:
    return {
        "": Q(),
        "outstanding": OPEN,
        "overdue": OPEN & Q(due_date__lt=today),
        "partially_paid": Q(status=InvoiceStatus.PARTIALLY_PAID),
        "paid": Q(status=InvoiceStatus.PAID),
        "void": Q(status=InvoiceStatus.VOID),
    }


INVOICE_FILTER_NAMES = ("", "outstanding", "overdue", "partially_paid", "paid")
INVOICE_KINDS = {"": Q(), "regular": Q(kind="regular"), "retainer": Q(kind="retainer")}
INVOICE_SORTS = {**DOCUMENT_SORTS, "-due": ("-due_date", "-id"), "due": ("due_date", "id")}


def invoices_for_portal(*, scope: PortalScope) -> QuerySet[Invoice]:
    return scope.only_document(
        Invoice.objects.filter(organisation=scope.organisation, contact=scope.contact).exclude(
            Invoice.PORTAL_HIDDEN
        )
    )


def invoice_list_for_portal(*, scope: PortalScope, query: ListQuery) -> Page:
    return INVOICE_LIST.page(scope=scope, query=query)


def invoice_rows_for_portal(*, scope: PortalScope, query: ListQuery) -> QuerySet[Invoice]:
    """The invoice list's rows as a queryset, filtered and sorted, not paged (to EXPLAIN)."""
    return _invoice_list(scope, query)


def _invoice_list(scope: PortalScope, query: ListQuery) -> QuerySet[Invoice]:
    filters = _invoice_filters(timezone.localdate())
    invoices = invoices_for_portal(scope=scope).filter(
        filters.get(query.status, Q()), INVOICE_KINDS.get(query.kind, Q())
    )
    return sort_by(since(invoices, query), query.sort, INVOICE_SORTS)


# Outstanding and overdue are counted in SQL over the open items' index (overdue moves with the
# date); the other filters from the kept counts.
INVOICE_LIST = PreparedList(
    _invoice_list,
    dated=True,
    counted=KeptCount(
        Invoice.DOCUMENT_KIND,
        {"": None, **{s: frozenset({s}) for s in ("partially_paid", "paid", "void")}},
    ),
)


def invoice_get_for_portal(*, scope: PortalScope, invoice_id: UUID | str) -> Invoice:
    """One invoice with its lines (and their taxes) and its sales order: two prepared queries
    (`invoice.lines.all()` runs none)."""
    invoice = invoice_find_for_portal(scope=scope, invoice_id=invoice_id)
    lines_read(scope=scope, document=invoice).run()
    return invoice


def invoice_find_for_portal(*, scope: PortalScope, invoice_id: UUID | str) -> Invoice:
    """One invoice with its sales order, without its lines (`lines_read`): one prepared
    query."""
    return _INVOICE.get(scope, invoice_id)


def lines_read(
    *, scope: PortalScope, document: Estimate | Invoice | SalesOrder
) -> prepared.Read[list[Any]]:
    """A document's lines with their taxes and items, given to `document.lines.all()` (which
    then runs no query) when read."""
    query = _LINES[type(document)].bound(scope, document_id=document.pk)

    def attached(rows: list[Any]) -> list[Any]:
        prepared.attach(document, "lines", rows)
        return rows

    return prepared.Read(query, attached)


_INVOICE: ScopedQuery[Invoice] = ScopedQuery(
    lambda scope, public_id: (
        invoices_for_portal(scope=scope).filter(public_id=public_id).select_related("sales_order")
    ),
    public_id=SAMPLE_PUBLIC_ID,
)
_INVOICE_LINES = _lines(InvoiceLine)


# --- sales orders ------------------------------------------------------------------------------

ORDER_FILTERS: dict[str, Q] = {
    "": Q(),
    "confirmed": Q(status=OrderStatus.CONFIRMED),
    "fulfilled": Q(status=OrderStatus.FULFILLED),
    "cancelled": Q(status=OrderStatus.CANCELLED),
}
ORDER_SORTS = DOCUMENT_SORTS


def sales_orders_for_portal(*, scope: PortalScope) -> QuerySet[SalesOrder]:
    return scope.only_document(
        SalesOrder.objects.filter(organisation=scope.organisation, contact=scope.contact).exclude(
            SalesOrder.PORTAL_HIDDEN
        )
    )


def sales_order_list_for_portal(*, scope: PortalScope, query: ListQuery) -> Page:
    return _ORDER_LIST.page(scope=scope, query=query)


def sales_order_list_shown_for_portal(*, scope: PortalScope, query: ListQuery) -> Page:
    """The sales order list's page with only the columns the portal's list shows."""
    return _ORDER_LIST_SHOWN.page(scope=scope, query=query)


def _sales_order_list(scope: PortalScope, query: ListQuery) -> QuerySet[SalesOrder]:
    orders = sales_orders_for_portal(scope=scope).filter(ORDER_FILTERS.get(query.status, Q()))
    return sort_by(since(orders, query), query.sort, ORDER_SORTS)


_ORDER_LIST = PreparedList(_sales_order_list)
_ORDER_LIST_SHOWN = _ORDER_LIST.decorated(
    lambda scope, rows: rows.only(
        "public_id", "number", "currency", "issue_date", "expected_shipment_date", "status", "total"
    )
)


def sales_order_get_for_portal(*, scope: PortalScope, sales_order_id: UUID | str) -> SalesOrder:
    """One order with its lines and the invoices the portal may show for it (as
    `order.portal_invoices`): three prepared queries, the last two in one round trip."""
    order = sales_order_find_for_portal(scope=scope, sales_order_id=sales_order_id)
    prepared.read_together(
        lines_read(scope=scope, document=order), order_invoices_read(scope=scope, order=order)
    )
    return order


def sales_order_find_for_portal(*, scope: PortalScope, sales_order_id: UUID | str) -> SalesOrder:
    """One order, without its lines (`lines_read`) or invoices (`order_invoices_read`): one
    prepared query."""
    return _SALES_ORDER.get(scope, sales_order_id)


def order_invoices_read(*, scope: PortalScope, order: SalesOrder) -> prepared.Read[list[Any]]:
    """The invoices of `order` the portal may show, oldest first, set as
    `order.portal_invoices` when read."""

    def attached(rows: list[Any]) -> list[Any]:
        order.portal_invoices = rows  # type: ignore[attr-defined]
        return rows

    return prepared.Read(_ORDER_INVOICES.bound(scope, sales_order_id=order.pk), attached)


_LINES: dict[type[Any], ScopedQuery[Any]] = {
    Estimate: _ESTIMATE_LINES,
    Invoice: _INVOICE_LINES,
    SalesOrder: _lines(SalesOrderLine),
}
_SALES_ORDER: ScopedQuery[SalesOrder] = ScopedQuery(
    lambda scope, public_id: sales_orders_for_portal(scope=scope).filter(public_id=public_id),
    public_id=SAMPLE_PUBLIC_ID,
)
_ORDER_INVOICES: ScopedQuery[Invoice] = ScopedQuery(
    lambda scope, sales_order_id: (
        invoices_for_portal(scope=scope)
        .filter(sales_order_id=sales_order_id)
        .order_by("issue_date", "id")
    ),
    sales_order_id=-90_208,
)


def contact_persons_for_portal(*, scope: PortalScope) -> list[Any]:
    """The customer's contact persons, for the account card on the dashboard."""
    return contact_persons_read(scope=scope).run()


def contact_persons_read(*, scope: PortalScope) -> prepared.Read[list[Any]]:
    return prepared.Read(_CONTACT_PERSONS.bound(scope), list)


def _contact_persons(scope: PortalScope) -> QuerySet[Any]:
    from portico.contacts.models import ContactPerson

    return (
        ContactPerson.objects.filter(organisation=scope.organisation, contact=scope.contact)
        .only("first_name", "last_name", "email", "phone", "is_primary", "contact_id")
        .order_by("-is_primary", "first_name", "pk")
    )


_CONTACT_PERSONS: ScopedQuery[Any] = ScopedQuery(_contact_persons)
