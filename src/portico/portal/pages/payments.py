"""Payments made: every payment of the customer, and one payment as a receipt."""

from __future__ import annotations

import functools
from html import escape
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from portico.contacts.scope import Module, PortalScope
from portico.core import formats
from portico.payments import portal_selectors as selectors
from portico.payments.models import Payment, PaymentMode
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
    page = selectors.payment_list_shown_for_portal(scope=scope, query=query)
    page.object_list = common.with_urls(scope, page, "payment_detail", "payment_id")
    rows = _rows(page.object_list)
    return common.render_list(
        request,
        title=_("Payments"),
        partial="portal/pages/payments/_list.html",
        target="payment-list",
        context=common.page_context(
            scope, page=page, rows=rows, query=query, filters=FILTERS, sorts=SORTS
        ),
    )


def _rows(payments: list[Any]) -> SafeString:
    """The table's rows as HTML, built in Python with each cell formatted once (dates and
    methods repeat: each is formatted once per page)."""
    language = get_language()
    day = functools.cache(lambda value: formats.format_date(value, language))
    modes = dict(PaymentMode.choices)
    mode = functools.cache(lambda value: escape(str(modes.get(value, value))))
    label = escape(gettext("online"))  # not in an f-string: the catalogs' extraction
    online = f' <span class="badge text-bg-light">{label}</span>'
    rows = []
    for payment in payments:
        rows.append(
            "\n    <tr>\n"
            f'      <td><a class="fw-semibold text-nowrap" hx-boost="false" '
            f'href="{escape(payment.portal_url)}">{escape(payment.number)}</a></td>\n'
            f"      <td>{day(payment.date)}</td>\n"
            f'      <td class="d-none d-sm-table-cell">{mode(payment.mode)}'
            f"{online if payment.source == Payment.Source.ONLINE else ''}</td>\n"
            f'      <td class="d-none d-md-table-cell text-break">'
            f"{escape(payment.reference) if payment.reference else '—'}</td>\n"
            f'      <td class="text-end">'
            f"{formats.money_formatter(payment.currency, language)(payment.amount)}</td>\n"
            "    </tr>\n  "
        )
    return mark_safe("".join(rows))  # every value above escaped or formatted (no markup)


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
