"""Content Security Policy: strict everywhere we write the pages, looser in the admin (and for
the API docs' styles). Private caching of signed-in pages. The branded 503 while the database
is unreachable."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from csp.constants import SELF, UNSAFE_EVAL, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.core.signals import got_request_exception
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from portico.core import addresses

# django-unfold's admin is built on Alpine.js and inline styles; our own pages are not.
ADMIN_POLICY = {
    "script-src": [SELF, UNSAFE_INLINE, UNSAFE_EVAL],
    "style-src": [SELF, UNSAFE_INLINE],
}
# Swagger UI (the API docs, served locally) sets inline styles; its scripts are files.
API_DOCS_POLICY = {"style-src": [SELF, UNSAFE_INLINE]}


ADMIN_SHELL = "_portico_admin_shell"


R = TypeVar("R", bound=HttpResponseBase)


def in_admin_shell(response: R) -> R:
    """Mark a staff page drawn in the admin's shell outside /admin/ (the Send form): it gets
    the admin's looser policy, which Unfold's Alpine.js needs."""
    setattr(response, ADMIN_SHELL, True)
    return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path.startswith(addresses.fixed("admin:index")) or getattr(
            response, ADMIN_SHELL, False
        ):
            parts.replace = {**(parts.replace or {}), **ADMIN_POLICY}
            parts.nonce = None
        elif request.path == addresses.fixed("api:openapi-view"):
            parts.replace = {**(parts.replace or {}), **API_DOCS_POLICY}
        return parts


LOGGED_OUT = "_portico_logged_out"
# The session cookie is already replaced by logout; the browser's copies of pages go too.
CLEAR_ON_LOGOUT = '"cache", "storage"'


def _mark_logged_out(sender: object, request: HttpRequest | None = None, **_: object) -> None:
    if request is not None:
        setattr(request, LOGGED_OUT, True)


user_logged_out.connect(_mark_logged_out, dispatch_uid="portico-clear-site-data")


class PrivateResponseMiddleware:
    """A page answered to a signed-in person (portal or back office) is `private, no-store`
    unless its view chose its own caching: a shared proxy or the browser's back button never
    shows one person's invoices to the next. Logging out also sends `Clear-Site-Data`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if getattr(request, LOGGED_OUT, False):
            response["Clear-Site-Data"] = CLEAR_ON_LOGOUT
            add_never_cache_headers(response)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """The branded "back in a moment" page, rendered without the request (no session, no user,
    no context processor), so it needs nothing from the database."""
    response = HttpResponse(
        render_to_string("core/unavailable.html", {"static_url": settings.STATIC_URL}),
        status=503,
    )
    response["Retry-After"] = "30"
    add_never_cache_headers(response)
    return response


def _flag_database_errors(sender: object, request: HttpRequest | None = None, **_: object) -> None:
    """`got_request_exception`: remember that the request failed for want of a database, so the
    outermost middleware answers 503 even when a middleware, not the view, raised."""
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        request._database_unavailable = True  # type: ignore[attr-defined]


got_request_exception.connect(_flag_database_errors, dispatch_uid="portico-database-unavailable")


class DatabaseUnavailableMiddleware:
    """First in MIDDLEWARE: while the database is unreachable every page answers a branded 503
    instead of a bare 500; Django's connection health checks reconnect once it is back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            response = self.get_response(request)
        except DATABASE_ERRORS:
            return database_unavailable(request)
        if getattr(request, "_database_unavailable", False):
            return database_unavailable(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request)
        return None


class HeadAsGetMiddleware:
    """`HEAD` answers exactly as `GET` would, without the body (RFC 9110 §9.3.2), on every page
    in one place: the request runs as a GET (views decorated `require_GET` or checking the
    method see a GET), then the body is dropped and `Content-Length` says what GET would send.
    A POST-only view still answers 405."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if response.streaming:
            response.streaming_content = iter(())  # type: ignore[attr-defined]
        else:
            response = _without_body(response)
        return response


def _without_body(response: R) -> R:
    content = response.content  # type: ignore[attr-defined]
    if not response.has_header("Content-Length"):
        response["Content-Length"] = str(len(content))
    response.content = b""  # type: ignore[attr-defined]
    return response
