"""Status badges of the portal's documents, as HTML built once per row in Python (the lists
draw one per row; the document pages through `portal_tags`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from portico.activity.templatetags.portal_pages import badge
from portico.sales.models import Estimate, Invoice

INVOICE_LABELS = dict(Invoice.Status.choices)
ESTIMATE_LABELS = dict(Estimate.Status.choices)


def invoice_badge(invoice: Any, state: str) -> SafeString:
    """An invoice's badge: its payment being settled first (`state`, from the checkout), then
    overdue, then its status ("Unpaid" while sent or viewed)."""
    return invoice_badge_of(invoice.status, invoice.is_overdue, state)


def invoice_badge_of(status: str, overdue: bool, state: str) -> SafeString:
    """The badge of an invoice in `status`, `overdue` or not, with its checkout's `state`."""
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
    if overdue:
        return format_html('<span class="badge {}">{}</span>', badge("overdue"), _("Overdue"))
    label = _("Unpaid") if status in ("viewed", "sent") else INVOICE_LABELS.get(status, status)
    return format_html('<span class="badge {}">{}</span>', badge(status), label)


def estimate_badge(estimate: Any) -> SafeString:
    """An estimate's badge ("Awaiting answer" while sent or viewed)."""
    return estimate_badge_of(estimate.status)


def estimate_badge_of(status: str) -> SafeString:
    """The badge of an estimate in `status`."""
    awaiting = status in ("sent", "viewed")
    label = _("Awaiting answer") if awaiting else ESTIMATE_LABELS.get(status, status)
    return format_html('<span class="badge {}">{}</span>', badge(status), label)


def status_badges(choices: list[tuple[str, Any]]) -> Callable[[str], SafeString]:
    """A status's badge with its label from `choices` (a model's status choices), each built
    once by the function answered (one per page: a list's rows repeat their statuses)."""
    labels = dict(choices)
    return functools.cache(
        lambda status: format_html(
            '<span class="badge {}">{}</span>', badge(status), labels.get(status, status)
        )
    )
