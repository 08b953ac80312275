from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.safestring import SafeString

from portico.contacts.scope import PortalScope
from portico.portal import scoping
from portico.portal.pages import badges
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
    """An invoice's status badge (`pages.badges.invoice_badge`)."""
    return badges.invoice_badge(invoice, (states or {}).get(invoice.pk, ""))


@register.simple_tag
def estimate_status(estimate: Any) -> SafeString:
    """An estimate's status badge (`pages.badges.estimate_badge`)."""
    return badges.estimate_badge(estimate)
