"""What every section's views share: list query strings, htmx partials, errors, origin."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from portico.activity.services import Origin
from portico.contacts.scope import PortalScope
from portico.core import addresses
from portico.core.errors import DomainError
from portico.portal.scoping import client_ip
from portico.sales.portal_selectors import ListQuery

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise


Label = Union[str, "StrPromise"]


@dataclass(frozen=True)
class Choice:
    value: str
    label: Label


def list_query(
    request: HttpRequest,
    *,
    statuses: Iterable[str],
    sorts: Iterable[str],
    kinds: Iterable[str] = ("",),
) -> ListQuery:
    """Filter, sort and page from the query string; unknown values fall back to the default."""
    status = request.GET.get("status", "")
    sort = request.GET.get("sort", "")
    kind = request.GET.get("kind", "")
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    return ListQuery(
        status=status if status in set(statuses) else "",
        sort=sort if sort in set(sorts) else "",
        kind=kind if kind in set(kinds) else "",
        page=page,
    )


def render_list(
    request: HttpRequest,
    *,
    title: Label,
    partial: str,
    target: str,
    context: Mapping[str, Any],
) -> HttpResponse:
    """The whole page, or only the list when htmx asks to swap `#target`."""
    htmx = getattr(request, "htmx", None)
    chosen = partial if htmx and htmx.target == target else "portal/pages/list.html"
    context = {**context, "list_id": target, "title": title, "partial": partial}
    response = render(request, chosen, context)
    response["Vary"] = "HX-Request, HX-Target"
    return response


def origin_of(request: HttpRequest) -> Origin:
    return Origin(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:300])


def apply_error(form: forms.Form, error: DomainError) -> bool:
    """Put a service's refusal on the form field it names; False when it names none."""
    if error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
        return True
    return False


def refuse(request: HttpRequest, error: DomainError, to: str) -> HttpResponse:
    messages.error(request, error.message)
    return HttpResponseRedirect(to)


def with_urls(scope: PortalScope, rows: Iterable[Any], url_name: str, keyword: str) -> list[Any]:
    """Each row with its page's address as `row.portal_url`: reversed once for the list, the
    row's public id put in its place (a `{% url %}` per row costs more than the row)."""
    head, tail = addresses.parts(
        f"portal:{url_name}", keyword=keyword, org_slug=scope.organisation.slug
    )
    rows = list(rows)
    for row in rows:
        row.portal_url = f"{head}{row.public_id}{tail}"
    return rows


def page_context(scope: PortalScope, **extra: Any) -> dict[str, Any]:
    return {"scope": scope, **extra}
