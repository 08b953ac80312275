"""Payments made: every payment of the customer, and one payment as a receipt."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from portico.contacts.scope import Module, PortalScope
from portico.core import formats
from portico.payments import portal_selectors as selectors
from portico.portal.pages import common, documents
from portico.portal.scoping import portal_view

FILTERS = (
    common.Choice("", _("All payments")),
    common.Choice("invoice", _("Invoice payments")),
    common.Choice("online", _("Paid online")),
    common.Choice("offline", _("Recorded by the business")),
)
SORTS = (
    common.Choice("-date", _("Newest first")),
    common.Choice("date", _("Oldest first")),
    common.Choice("-amount", _("Amount, highest first")),
    common.Choice("amount", _("Amount, lowest first")),
)


@portal_view(module=Module.PAYMENTS)
@require_GET
def payment_list(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    query = common.list_query(
        request, statuses=[c.value for c in FILTERS], sorts=[c.value for c in SORTS]
    )
    page = selectors.payment_list_for_portal(scope=scope, query=query)
    page.object_list = common.with_urls(scope, page, "payment_detail", "payment_id")
    for payment in page.object_list:  # each row's cells formatted once, in Python
        payment.day = formats.format_date(payment.date)
        payment.amount_text = formats.format_money(payment.amount, payment.currency)
    return common.render_list(
        request,
        title=_("Payments"),
        partial="portal/pages/payments/_list.html",
        target="payment-list",
        context=common.page_context(scope, page=page, query=query, filters=FILTERS, sorts=SORTS),
    )


@portal_view(module=Module.PAYMENTS)
@require_GET
def payment_detail(request: HttpRequest, scope: PortalScope, payment_id: UUID) -> HttpResponse:
    payment = selectors.payment_get_for_portal(scope=scope, payment_id=payment_id)
    context = common.page_context(
        scope,
        payment=payment,
        method=selectors.payment_method_for_portal(payment=payment),
        links=documents.document_links(scope, payment),
        unapplied=payment.amount - sum(a.amount for a in payment.allocations.all()),
    )
    return render(request, "portal/pages/payments/detail.html", context)
