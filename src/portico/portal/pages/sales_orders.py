"""Sales orders (when the business shows them): the list and one order with its invoices."""

from __future__ import annotations

import functools
from html import escape
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from portico.activity import selectors as activity_selectors
from portico.activity import services as activity_services
from portico.contacts.scope import Module, PortalScope
from portico.core import formats
from portico.core.prepared import read_together
from portico.portal.pages import badges, common, documents
from portico.portal.pages.forms import CommentForm
from portico.portal.scoping import portal_view
from portico.sales import portal_selectors as selectors
from portico.sales.models import SalesOrder

FILTERS = (
    common.Choice("", _("All")),
    common.Choice("confirmed", _("Confirmed")),
    common.Choice("fulfilled", _("Fulfilled")),
    common.Choice("cancelled", _("Cancelled")),
)
SORTS = (
    common.Choice("-date", _("Newest first")),
    common.Choice("date", _("Oldest first")),
    common.Choice("-amount", _("Amount, highest first")),
    common.Choice("amount", _("Amount, lowest first")),
    common.Choice("number", _("Number")),
)


@portal_view(module=Module.SALES_ORDERS)
@require_GET
def sales_order_list(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    query = common.list_query(
        request, statuses=[c.value for c in FILTERS], sorts=[c.value for c in SORTS]
    )
    page = selectors.sales_order_list_shown_for_portal(scope=scope, query=query)
    page.object_list = common.with_urls(scope, page, "sales_order_detail", "sales_order_id")
    rows = _rows(page.object_list)
    return common.render_list(
        request,
        title=_("Sales orders"),
        partial="portal/pages/sales_orders/_list.html",
        target="sales-order-list",
        context=common.page_context(
            scope, page=page, rows=rows, query=query, filters=FILTERS, sorts=SORTS
        ),
    )


def _rows(orders: list[Any]) -> SafeString:
    """The table's rows as HTML, built in Python with each cell formatted once (dates and
    statuses repeat: each is formatted once per page)."""
    language = get_language()
    day = functools.cache(lambda value: formats.format_date(value, language) if value else "—")
    status = badges.status_badges(SalesOrder.Status.choices)
    rows = []
    for order in orders:
        rows.append(
            "\n    <tr>\n"
            f'      <td><a class="fw-semibold text-nowrap" hx-boost="false" '
            f'href="{escape(order.portal_url)}">{escape(order.number)}</a></td>\n'
            f'      <td class="d-none d-sm-table-cell">{day(order.issue_date)}</td>\n'
            f'      <td class="d-none d-md-table-cell">{day(order.expected_shipment_date)}</td>\n'
            f"      <td>{status(order.status)}</td>\n"
            f'      <td class="text-end">'
            f"{formats.money_formatter(order.currency, language)(order.total)}</td>\n"
            "    </tr>\n  "
        )
    return mark_safe("".join(rows))  # every value above escaped or formatted (no markup)


@portal_view(module=Module.SALES_ORDERS, link=True)
@require_GET
def sales_order_detail(
    request: HttpRequest, scope: PortalScope, sales_order_id: UUID
) -> HttpResponse:
    order = selectors.sales_order_find_for_portal(scope=scope, sales_order_id=sales_order_id)
    activity_services.document_mark_viewed(
        scope=scope, document=order, origin=common.origin_of(request)
    )
    # The rest of the page in one round trip.
    _lines, _invoices, comments, files = read_together(
        selectors.lines_read(scope=scope, document=order),
        selectors.order_invoices_read(scope=scope, order=order),
        activity_selectors.comments_read(scope=scope, target=order),
        documents.files_read(scope, order),
    )
    context = common.page_context(
        scope,
        order=order,
        **documents.items_of(order),
        comments=comments,
        comment_form=CommentForm(),
        comment_url=documents.comment_url(scope, order),
        links=documents.document_links(scope, order),
        **files,
    )
    return render(request, "portal/pages/sales_orders/detail.html", context)
