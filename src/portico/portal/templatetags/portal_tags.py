from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from uuid import UUID

from django import template
from django.template import Context
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_bidi

from portico.contacts.scope import PortalScope
from portico.core.addresses import address
from portico.core.kept import Kept
from portico.orgs.models import Organisation
from portico.portal import scoping
from portico.portal.pages import badges

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_chrome(context: Context, scope: PortalScope) -> SafeString:
    """The frame around a page's content (`partials/chrome.html`): skip link, header, sidebar.
    For every person of one portal it differs only in the person's and customer's names, the
    sidebar (`_nav`) and the logout form's CSRF token: it is rendered once per portal (its
    name and logo), language and switch link with markers in their places, kept in pieces,
    and each request joins the pieces around its own values, escaped. The kept render sees
    only its key and the markers, never the scope. A staff preview or a document-link visit
    (a banner of their own) renders in full."""
    request = context["request"]
    organisation = scope.organisation
    switch = getattr(request, "portal_customer_count", 0) > 1
    values: dict[str, Any] = {
        "contact_name": scope.contact.display_name,
        "person_name": scope.person.full_name,
        "nav": _nav(request.path, scope) if not scope.is_link else "",
        "csrf_token": context.get("csrf_token", ""),
    }
    if scope.preview or scope.is_link:
        full = {"scope": scope, "request": request, "organisation": organisation, "switch": switch}
        full.update(values)
        return mark_safe(render_to_string(CHROME, full))
    pieces = _marked(
        get_language(),
        organisation,
        organisation.name,
        organisation.logo.name if organisation.logo else "",
        switch=switch,
    )
    return mark_safe(
        "".join(
            piece if at % 2 == 0 else conditional_escape(str(values[piece]))
            for at, piece in enumerate(pieces)
        )
    )


CHROME = "portal/partials/chrome.html"
MARKER = "\ue000"
"""Around a value's name in the kept render (a private-use character no one types)."""
MARKED = re.compile(f"{MARKER}(\\w+){MARKER}")


@lru_cache(maxsize=1024)
def _marked(
    language: str | None, organisation: Organisation, name: str, logo: str, *, switch: bool
) -> tuple[str, ...]:
    """The frame of `organisation` (equal by primary key: its name and logo are in the key)
    rendered in `language` with a marker for each person's value, split around them: text,
    value name, text, value name, …, text."""
    names = ("contact_name", "person_name", "nav", "csrf_token")
    markers = {name: mark_safe(f"{MARKER}{name}{MARKER}") for name in names}
    html = render_to_string(CHROME, {"organisation": organisation, "switch": switch, **markers})
    return tuple(MARKED.split(html))


def _nav(path: str, scope: PortalScope) -> SafeString:
    """The sidebar's sections (`partials/menu.html`), the current one marked: rendered once per
    menu, language and current section, then kept (everything it shows is in the key)."""
    home_url = scoping.portal_address("portal:home", scope.organisation.slug)
    menu = [
        (item, url, path == url if url == home_url else path == url or path.startswith(url + "/"))
        for item, url in scoping.menu_for(scope)
    ]
    key = (get_language(), tuple((url, active) for _, url, active in menu))
    return _NAVS.get(key, lambda: render_to_string("portal/partials/menu.html", {"menu": menu}))


@register.simple_tag
def portal_head(organisation: Organisation) -> str:
    """The page head's styles and scripts (`partials/head.html`): the same for every page of
    one portal in one script direction, so rendered once and kept."""
    brand_css = scoping.portal_address("portal:brand_css", organisation.slug)
    key = (brand_css, get_language_bidi())
    return _HEADS.get(
        key,
        lambda: render_to_string("portal/partials/head.html", {"organisation": organisation}),
    )


@register.simple_tag(takes_context=True)
def list_controls(context: Context) -> str:
    """A list's filter, kind and sort controls (`pages/_controls.html`): the same for every
    view of one address in one language (the list's fixed choices and the query string, no
    customer data), so rendered once and kept."""
    request = context["request"]
    key = (context["list_id"], request.get_full_path(), get_language())
    return _CONTROLS.get(
        key,
        lambda: render_to_string(
            "portal/pages/_controls.html",
            {name: context.get(name) for name in ("list_id", "filters", "sorts", "kinds", "query")},
            request,
        ),
    )


@register.simple_tag(takes_context=True)
def list_pages(context: Context) -> str:
    """A list's pagination (`pages/_pagination.html`): all it shows follows from the address,
    the page's number, the list's total and page size, so rendered once per those and the
    language, then kept."""
    request, page = context["request"], context["page"]
    paginator = page.paginator
    key = (request.get_full_path(), page.number, paginator.count, paginator.per_page)
    return _PAGES.get(
        (*key, get_language()),
        lambda: render_to_string("portal/pages/_pagination.html", {"page": page}, request),
    )


class FixedNode(template.Node):
    def __init__(self, name: str, nodelist: template.NodeList) -> None:
        self.name, self.nodelist = name, nodelist

    def render(self, context: Context) -> str:
        return _FIXED.get((self.name, get_language()), lambda: self.nodelist.render(context))


@register.tag
def fixed(parser: template.base.Parser, token: template.base.Token) -> FixedNode:
    """`{% fixed "name" %}…{% endfixed %}`: markup that shows nothing but fixed text in the
    reader's language (a table's headings), rendered once per name and language, then kept.
    A variable inside would be kept with its first value: none belongs there."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("{% fixed %} takes one quoted name")
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    return FixedNode(bits[1][1:-1], nodelist)


_NAVS = Kept()
_HEADS = Kept()
_CONTROLS = Kept()
_PAGES = Kept()
_FIXED = Kept()


@register.simple_tag
def portal_url(name: str, org_slug: str, **public_id: UUID) -> str:
    """`{% url 'portal:<name>' org_slug=… %}`, reversed once per portal instead of on every
    page (`scoping.portal_address`); with one object's public id (`invoice_id=…`), reversed
    once per URL name and the id put in its place (`core.addresses.address`)."""
    if not public_id:
        return scoping.portal_address(f"portal:{name}", org_slug)
    ((keyword, value),) = public_id.items()
    return address(f"portal:{name}", value, keyword=keyword, org_slug=org_slug)


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
