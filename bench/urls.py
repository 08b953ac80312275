"""Portico's URLs and `/bench/ping`.

The ping page is Portico's floor for a logged-in page: the same middleware and session
as every page (default deny, so it needs a login), a one-line template with the user's email,
and only the session and user queries.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from portico import urls as root

_PAGE = engines["django"].from_string(
    "<!doctype html><title>ping</title><p>Logged in as {{ request.user.email }}</p>"
)


def ping(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_PAGE.render({}, request))


@login_required
def bare_page(request: HttpRequest) -> HttpResponse:
    """The same page for `bench.bare`'s handler, where no middleware requires the login."""
    return ping(request)


urlpatterns = [
    path("bench/ping", ping, name="bench_ping"),
    # Only through `bench.bare`'s handler (Django's default middleware); see bench/bare.py.
    path("bench/bare", bare_page, name="bench_bare"),
    *root.urlpatterns,
]
