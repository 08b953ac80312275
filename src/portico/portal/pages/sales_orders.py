"""Sales orders (when the business shows them): the list and one order with its invoices."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from portico.activity import selectors as activity_selectors
from portico.activity import services as activity_services
from portico.contacts.scope import Module, PortalScope
from portico.portal.pages import common, documents
from portico.portal.pages.forms import CommentForm
from portico.portal.scoping import portal_view
from portico.sales import portal_selectors as selectors

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
    page = selectors.sales_order_list_for_portal(scope=scope, query=query)
    return common.render_list(
        request,
        title=_("Sales orders"),
        partial="portal/pages/sales_orders/_list.html",
        target="sales-order-list",
        context=common.page_context(scope, page=page, query=query, filters=FILTERS, sorts=SORTS),
    )


@portal_view(module=Module.SALES_ORDERS, link=True)
@require_GET
def sales_order_detail(
    request: HttpRequest, scope: PortalScope, sales_order_id: UUID
) -> HttpResponse:
    order = selectors.sales_order_get_for_portal(scope=scope, sales_order_id=sales_order_id)
    activity_services.document_mark_viewed(
        scope=scope, document=order, origin=common.origin_of(request)
    )
    context = common.page_context(
        scope,
        order=order,
        **documents.items_of(order),
        comments=activity_selectors.comments_for_portal(scope=scope, target=order),
        comment_form=CommentForm(),
        comment_url=documents.comment_url(scope, order),
        links=documents.document_links(scope, order),
        **documents.files_of(scope, order),
    )
    return render(request, "portal/pages/sales_orders/detail.html", context)
