from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from portico.activity.templatetags.portal_pages import badge
from portico.contacts.scope import PortalScope
from portico.portal import scoping
from portico.portal.scoping import MenuItem

register = template.Library()


@register.simple_tag
def menu_active(request: HttpRequest, url: str, home_url: str) -> bool:
    """The section `url` holds the current page (home only matches itself)."""
    if url == home_url:
        return request.path == url
    return request.path == url or request.path.startswith(url + "/")


@register.simple_tag
def portal_menu(scope: PortalScope) -> list[tuple[MenuItem, str]]:
    """The sections `scope`'s person may open, as (item, url) in menu order."""
    return scoping.menu_for(scope)


@register.simple_tag
def portal_url(name: str, org_slug: str) -> str:
    """`{% url 'portal:<name>' org_slug=… %}` for the addresses that take only the portal's
    slug, reversed once per portal instead of on every page (`scoping.portal_address`)."""
    return scoping.portal_address(f"portal:{name}", org_slug)


@register.filter
def state_of(states: Mapping[int, str] | None, pk: int) -> str:
    """The payment state of the document with primary key `pk` ("" when none is known)."""
    return (states or {}).get(pk, "")


@register.simple_tag
def invoice_status(invoice: Any, states: Mapping[int, str] | None) -> SafeString:
    """An invoice's status badge: its payment being settled first, then overdue, then its
    status ("Unpaid" while sent or viewed). Python, not an included template: list pages draw
    one per row."""
    state = (states or {}).get(invoice.pk, "")
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


@register.simple_tag
def estimate_status(estimate: Any) -> SafeString:
    """An estimate's status badge ("Awaiting answer" while sent or viewed)."""
    awaiting = estimate.status in ("sent", "viewed")
    label = _("Awaiting answer") if awaiting else estimate.get_status_display()
    return format_html('<span class="badge {}">{}</span>', badge(estimate.status), label)
