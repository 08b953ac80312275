"""Invoices and retainer invoices: the list (filter, sort, page) and one invoice."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from html import escape
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from portico.activity import selectors as activity_selectors
from portico.activity import services as activity_services
from portico.contacts.scope import Module, PortalScope
from portico.core import formats
from portico.core.prepared import Read, read_together
from portico.payments import gateway_choice
from portico.payments import portal_selectors as payment_selectors
from portico.payments.checkout import selectors as checkout_selectors
from portico.portal.pages import badges, common, documents
from portico.portal.pages.forms import CommentForm
from portico.portal.scoping import portal_view
from portico.sales import portal_selectors as selectors
from portico.sales.models import Invoice

FILTERS = (
    common.Choice("", _("All")),
    common.Choice("outstanding", _("Outstanding")),
    common.Choice("overdue", _("Overdue")),
    common.Choice("partially_paid", _("Partially paid")),
    common.Choice("paid", _("Paid")),
)
KINDS = (
    common.Choice("", _("Invoices and retainers")),
    common.Choice("regular", _("Invoices")),
    common.Choice("retainer", _("Retainer invoices")),
)
SORTS = (
    common.Choice("-date", _("Newest first")),
    common.Choice("date", _("Oldest first")),
    common.Choice("due", _("Due date")),
    common.Choice("-due", _("Due date, latest first")),
    common.Choice("-amount", _("Amount, highest first")),
    common.Choice("amount", _("Amount, lowest first")),
    common.Choice("number", _("Number")),
    common.Choice("-number", _("Number, descending")),
)


@portal_view(module=Module.INVOICES)
@require_GET
def invoice_list(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    query = common.list_query(
        request,
        statuses=[c.value for c in FILTERS],
        sorts=[c.value for c in SORTS],
        kinds=[c.value for c in KINDS],
    )
    page = checkout_selectors.invoice_list_for_portal(scope=scope, query=query)
    page.object_list = common.with_urls(scope, page, "invoice_detail", "invoice_id")
    paying = scope.allows(Module.PAYMENTS)
    states = {i.pk: i.payment_state for i in page.object_list if paying and i.payment_state}
    rows = _rows(page.object_list, states)
    return common.render_list(
        request,
        title=_("Invoices"),
        partial="portal/pages/invoices/_list.html",
        target="invoice-list",
        context=common.page_context(
            scope, page=page, rows=rows, query=query, filters=FILTERS, sorts=SORTS, kinds=KINDS
        ),
    )


def _rows(invoices: list[Any], states: Mapping[int, str]) -> SafeString:
    """The table's rows as HTML, built in Python with each cell formatted once (the list draws
    25 rows of them): dates and badges repeat, so each is formatted once per page."""
    language = get_language()
    day = functools.cache(lambda value: formats.format_date(value, language))
    badge = functools.cache(badges.invoice_badge_of)
    label = escape(gettext("Retainer"))  # not in an f-string: the catalogs' extraction
    retainer = f'<div class="small text-body-secondary">{label}</div>'
    due = gettext("Due %(balance)s")
    today = timezone.localdate()
    rows = []
    for invoice in invoices:
        money = formats.money_formatter(invoice.currency, language)
        balance = money(invoice.balance_due)
        issued = day(invoice.issue_date)
        overdue = invoice.overdue_on(today)
        rows.append(
            "\n    <tr>\n"
            f'      <td><a class="fw-semibold text-nowrap" hx-boost="false" '
            f'href="{escape(invoice.portal_url)}">{escape(invoice.number)}</a>'
            f"{retainer if invoice.kind == 'retainer' else ''}"
            f'<div class="small text-body-secondary d-md-none">{issued}</div></td>\n'
            f'      <td class="d-none d-md-table-cell">{issued}</td>\n'
            f'      <td class="d-none d-sm-table-cell">'
            f"{day(invoice.due_date) if invoice.due_date else '—'}</td>\n"
            f"      <td>{badge(invoice.status, overdue, states.get(invoice.pk, ''))}</td>\n"
            f'      <td class="text-end">{money(invoice.total)}<div class="small '
            f'text-body-secondary d-sm-none">{escape(due % {"balance": balance})}</div></td>\n'
            f'      <td class="text-end d-none d-sm-table-cell">{balance}</td>\n'
            "    </tr>\n  "
        )
    return mark_safe("".join(rows))  # every value above escaped or formatted (no markup)


@portal_view(module=Module.INVOICES, link=True)
@require_GET
def invoice_detail(request: HttpRequest, scope: PortalScope, invoice_id: UUID) -> HttpResponse:
    invoice = selectors.invoice_find_for_portal(scope=scope, invoice_id=invoice_id)
    activity_services.document_mark_viewed(
        scope=scope, document=invoice, origin=common.origin_of(request)
    )
    open_balance = invoice.status in Invoice.PAYABLE_STATUSES and invoice.balance_due > 0
    # The rest of the page in one round trip. Only an open invoice can have a payment in
    # progress on it, or be paid online.
    reads: list[Read[Any]] = [
        selectors.lines_read(scope=scope, document=invoice),
        payment_selectors.invoice_applied_read(scope=scope, invoice=invoice),
        activity_selectors.comments_read(scope=scope, target=invoice),
        documents.files_read(scope, invoice),
    ]
    if open_balance:
        reads += [
            checkout_selectors.invoice_payment_state_read(scope=scope, invoice_id=invoice.pk),
            gateway_choice.invoice_offline_reason_read(
                organisation=scope.organisation, invoice=invoice
            ),
        ]
    _lines, applied, comments, files, *payable = read_together(*reads)
    states, offline = payable if open_balance else ({}, "")
    offered = open_balance and not offline
    context = common.page_context(
        scope,
        invoice=invoice,
        **documents.items_of(invoice),
        applied=applied,
        can_see_payments=scope.allows(Module.PAYMENTS) and not scope.is_link,
        comments=comments,
        comment_form=CommentForm(),
        comment_url=documents.comment_url(scope, invoice),
        links=documents.document_links(scope, invoice),
        **files,
        payment_states=states,
        payment_state=states.get(invoice.pk, ""),
        pay_url=documents.pay_url(scope, [invoice]) if offered else "",
        not_online=offline,
    )
    return render(request, "portal/pages/invoices/detail.html", context)
