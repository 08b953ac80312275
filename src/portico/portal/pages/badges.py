"""Status badges of the portal's documents, as HTML built once per row in Python (the lists
draw one per row; the document pages through `portal_tags`)."""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from portico.activity.templatetags.portal_pages import badge


def invoice_badge(invoice: Any, state: str) -> SafeString:
    """An invoice's badge: its payment being settled first (`state`, from the checkout), then
    overdue, then its status ("Unpaid" while sent or viewed)."""
    if state == "pending":
        return format_html(
            '<span class="badge text-bg-warning" data-payment-pending>{}</span>',
            _("Payment pending"),
        )
    if state:
        return format_html(
            '<span class="badge text-bg-info" data-payment-confirming>{}</span>',
            _("Payment being confirmed"),
        )
    if invoice.is_overdue:
        return format_html('<span class="badge {}">{}</span>', badge("overdue"), _("Overdue"))
    label = _("Unpaid") if invoice.status in ("viewed", "sent") else invoice.get_status_display()
    return format_html('<span class="badge {}">{}</span>', badge(invoice.status), label)


def estimate_badge(estimate: Any) -> SafeString:
    """An estimate's badge ("Awaiting answer" while sent or viewed)."""
    awaiting = estimate.status in ("sent", "viewed")
    label = _("Awaiting answer") if awaiting else estimate.get_status_display()
    return format_html('<span class="badge {}">{}</span>', badge(estimate.status), label)
