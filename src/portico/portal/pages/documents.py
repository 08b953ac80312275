"""Helpers shared by the document pages: totals from prefetched lines, comment URLs."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Model
from django.urls import reverse

from portico.contacts.scope import PortalScope
from portico.core import money
from portico.documents import links
from portico.projects.models import TimesheetApproval
from portico.sales.models import Estimate, Invoice, SalesOrder
from portico.sales.services.common import totals_of as _totals_of

COMMENT_URLS: dict[type[Model], tuple[str, str]] = {
    Estimate: ("portal:estimate_comment", "estimate_id"),
    Invoice: ("portal:invoice_comment", "invoice_id"),
    SalesOrder: ("portal:sales_order_comment", "sales_order_id"),
    TimesheetApproval: ("portal:timesheet_comment", "approval_id"),
}
DETAIL_URLS: dict[type[Model], tuple[str, str]] = {
    Estimate: ("portal:estimate_detail", "estimate_id"),
    Invoice: ("portal:invoice_detail", "invoice_id"),
    SalesOrder: ("portal:sales_order_detail", "sales_order_id"),
    TimesheetApproval: ("portal:timesheet_detail", "approval_id"),
}


def totals_of(document: Any) -> money.Totals:
    """The per-tax breakdown, from the lines the selector already prefetched (no query)."""
    return _totals_of(
        rows=list(document.lines.all()), currency=document.currency, discount=document.discount
    )


def _url(table: dict[type[Model], tuple[str, str]], scope: PortalScope, target: Model) -> str:
    name, kwarg = table[type(target)]
    return reverse(
        name,
        kwargs={"org_slug": scope.organisation.slug, kwarg: target.public_id},  # type: ignore[attr-defined]
    )


def comment_url(scope: PortalScope, target: Model) -> str:
    return _url(COMMENT_URLS, scope, target)


def detail_url(scope: PortalScope, target: Model) -> str:
    return _url(DETAIL_URLS, scope, target)


def pay_url(scope: PortalScope, invoices: list[Invoice]) -> str:
    """Where "Pay now" leads: the online-payment page for the payable ones among `invoices`."""
    payable = [i for i in invoices if i.status in Invoice.PAYABLE_STATUSES and i.balance_due > 0]
    if not payable and invoices:
        return ""
    url = reverse("portal:checkout", kwargs={"org_slug": scope.organisation.slug})
    query = urlencode([("invoice", str(i.public_id)) for i in payable])
    # No invoice named ("Pay all"): every open invoice is chosen, whatever was chosen before.
    return f"{url}?{query}" if query else f"{url}?all=1"


def document_links(scope: PortalScope, document: Any) -> dict[str, str]:
    """Print view, PDF and forward URLs of `document`, or none for a kind without a print view."""
    try:
        return links.portal_links(scope, document)
    except LookupError:
        return {}
