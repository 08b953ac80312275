"""A portal that changed its address answers its old one with a permanent redirect."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponsePermanentRedirect
from django.urls import reverse

from portico.portal.selectors import PortalMoved


class PortalAddressMiddleware:
    """Turns `PortalMoved` (raised where every portal request resolves its organisation) into
    a redirect from /portal/<old>/<rest> to /portal/<new>/<rest>, the query string kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseBase | None:
        if not isinstance(exception, PortalMoved):
            return None
        old_root = reverse("portal:home", kwargs={"org_slug": exception.old_slug})
        new_root = reverse("portal:home", kwargs={"org_slug": exception.new_slug})
        if not request.path.startswith(old_root):
            return None
        location = new_root + request.path.removeprefix(old_root)
        query = request.META.get("QUERY_STRING", "")
        if query:
            location = f"{location}?{query}"
        response = HttpResponsePermanentRedirect(location)
        if request.method not in ("GET", "HEAD"):
            # 308 keeps the method and body, where a 301 would turn a POST into a GET.
            response.status_code = 308
        return response
