"""Portico's URLs and `/bench/ping`: the framework's floor for a logged-in page.

The ping page goes through the same middleware and session as every page (default deny, so
it needs a login) and renders a one-line template with the user's email: the session and the
user are its only queries.
"""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

_PAGE = engines["django"].from_string(
    "<!doctype html><title>ping</title><p>Logged in as {{ request.user.email }}</p>"
)


def ping(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_PAGE.render({}, request))


urlpatterns = [
    path("bench/ping", ping, name="bench_ping"),
    path("", include("portico.urls")),
]
