"""Helpers shared by the document pages: totals from prefetched lines, comment URLs, files."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Model
from django.template.defaultfilters import floatformat
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portico.contacts.scope import PortalScope
from portico.core import formats
from portico.core import uploads as core_uploads
from portico.core.addresses import address, fixed
from portico.core.prepared import Read
from portico.documents import links, uploads
from portico.documents import selectors as document_selectors
from portico.documents.kinds import kind_of
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


@dataclass(frozen=True)
class ItemTotals:
    """The items card's totals, formatted ("" for no discount)."""

    subtotal: str
    discount: str
    taxes: tuple[tuple[str, str], ...]
    """(label, amount) per tax: "VAT (19%)", "$19.00"."""
    total: str


@functools.lru_cache(maxsize=1024)
def _number(value: Decimal, places: str, language: str | None) -> str:
    """`floatformat` in `language` (12 us a call): quantities, rates and discounts repeat from
    line to line and from page to page."""
    return floatformat(value, places)


def items_of(document: Any) -> dict[str, Any]:
    """The items card (`_lines.html`) from the lines the selector already read (no query):
    each line's and each total's cells formatted once in Python, not by a filter per cell."""
    currency = document.currency
    language = get_language()
    lines = list(document.lines.all())
    for line in lines:
        tax = line.tax if line.tax_id else None
        line.tax_text = f"{tax.name} {_number(tax.rate, '-3', language)}%" if tax else ""
        line.discount_text = (
            _("%(discount)s%% off") % {"discount": _number(line.discount_percent, "-2", language)}
            if line.discount_percent
            else ""
        )
        line.quantity_text = _number(line.quantity, "-4", language)
        line.rate_text = formats.format_money(line.rate, currency)
        line.amount_text = formats.format_money(line.amount, currency)
    totals = _totals_of(rows=lines, currency=currency, discount=document.discount)
    return {
        "lines": lines,
        "totals": ItemTotals(
            subtotal=formats.format_money(totals.subtotal, currency),
            discount=formats.format_money(totals.discount, currency) if totals.discount else "",
            taxes=tuple(
                (
                    f"{tax.name} ({_number(tax.rate, '-3', language)}%)",
                    formats.format_money(tax.amount, currency),
                )
                for tax in totals.taxes
            ),
            total=formats.format_money(document.total, currency),
        ),
    }


def _url(table: dict[type[Model], tuple[str, str]], scope: PortalScope, target: Model) -> str:
    name, kwarg = table[type(target)]
    public_id = target.public_id  # type: ignore[attr-defined]
    return address(name, public_id, keyword=kwarg, org_slug=scope.organisation.slug)


def comment_url(scope: PortalScope, target: Model) -> str:
    return _url(COMMENT_URLS, scope, target)


def detail_url(scope: PortalScope, target: Model) -> str:
    return _url(DETAIL_URLS, scope, target)


def pay_url(scope: PortalScope, invoices: list[Invoice]) -> str:
    """Where "Pay now" leads: the online-payment page for the payable ones among `invoices`."""
    payable = [i for i in invoices if i.status in Invoice.PAYABLE_STATUSES and i.balance_due > 0]
    if not payable and invoices:
        return ""
    url = fixed("portal:checkout", org_slug=scope.organisation.slug)
    query = urlencode([("invoice", str(i.public_id)) for i in payable])
    # No invoice named ("Pay all"): every open invoice is chosen, whatever was chosen before.
    return f"{url}?{query}" if query else f"{url}?all=1"


def document_links(scope: PortalScope, document: Any) -> dict[str, str]:
    """Print view, PDF and forward URLs of `document`, or none for a kind without a print view."""
    try:
        return links.portal_links(scope, document)
    except LookupError:
        return {}


def files_read(scope: PortalScope, document: Any) -> Read[dict[str, Any]]:
    """The page's "Files" card: the files shown in the portal (one query, read with the page's
    others) and, where the customer may attach files to this kind of document, where the upload
    form posts."""
    kind = kind_of(document)
    upload_url = ""
    if uploads.portal_upload_allowed(kind):
        upload_url = address(
            "portal:document_upload",
            document.public_id,
            org_slug=scope.organisation.slug,
            kind=kind.slug,
        )
    upload_help = _(
        "PDF, PNG, JPEG, GIF, text, CSV, Word (.docx) or Excel (.xlsx), up to {mb} MB."
    ).format(mb=core_uploads.MAX_BYTES // (1024 * 1024))
    return document_selectors.document_files_read(scope=scope, document=document).then(
        lambda files: {"upload_help": upload_help, "files": files, "upload_url": upload_url}
    )
