from __future__ import annotations

from collections.abc import Mapping

from django import template
from django.http import HttpRequest

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


@register.filter
def state_of(states: Mapping[int, str] | None, pk: int) -> str:
    """The payment state of the document with primary key `pk` ("" when none is known)."""
    return (states or {}).get(pk, "")
