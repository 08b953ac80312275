"""Portico's URLs, the portal's document pages, and `/bench/ping`.

The ping page is Portico's floor for a logged-in page: the same middleware and session
as every page (default deny, so it needs a login), a one-line template with the user's email,
and only the session and user queries.

Until `portico/portal/urls.py` includes the document pages (`portal.pages.urls`, and the PDFs
in `portal.documents.urls`), they are mounted here the way their own tests mount them
(tests/portal/pages/urls.py), so the benchmark measures the real pages, not the placeholders.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from portico import urls as root
from portico.portal import urls as portal_urls

PORTAL = "portal/<slug:org_slug>/"
_PAGE = engines["django"].from_string(
    "<!doctype html><title>ping</title><p>Logged in as {{ request.user.email }}</p>"
)


def ping(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_PAGE.render({}, request))


def _names(patterns: list[Any]) -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if getattr(pattern, "name", None):
            names.add(pattern.name)
        names |= _names(getattr(pattern, "url_patterns", []))
    return names


def _portal_patterns() -> list[Any]:
    patterns: list[Any] = list(portal_urls.urlpatterns)
    present = _names(patterns)
    try:
        from portico.portal.pages import urls as pages_urls

        if "invoice_detail" not in present:
            patterns = [*pages_urls.urlpatterns, *patterns]
    except ImportError:
        pass
    if "statement_pdf" not in present:
        try:
            import portico.portal.documents.urls  # noqa: F401

            patterns.append(path("documents/", include("portico.portal.documents.urls")))
        except ImportError:
            pass
    return patterns


@login_required
def bare_page(request: HttpRequest) -> HttpResponse:
    """The same page for `bench.bare`'s handler, where no middleware requires the login."""
    return ping(request)


urlpatterns = [
    path("bench/ping", ping, name="bench_ping"),
    # Only through `bench.bare`'s handler (Django's default middleware); see bench/bare.py.
    path("bench/bare", bare_page, name="bench_bare"),
    *[pattern for pattern in root.urlpatterns if str(pattern.pattern) != PORTAL],
    path(PORTAL, include((_portal_patterns(), "portal"))),
]
