"""A bare Django logged-in page, measured beside `/bench/ping` in the same run: Django's default
middleware (as `startproject` writes it) and database sessions only, the same one-line template,
the same user and database. It is the floor `/bench/ping` (Portico's whole middleware and
session) is compared with.

`/bench/bare` is in `bench.urls`; a request reaches it through a handler built here with the
bare middleware (`bench.wsgi` routes it there; `bench.measure` uses a test-client handler).
"""

from __future__ import annotations

from typing import TypeVar

from django.core.handlers.base import BaseHandler
from django.test.utils import override_settings

PATH = "/bench/bare"
LABEL = "Bare Django logged-in page (/bench/bare)"
# Django 5.2's `startproject` settings.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
SESSION_ENGINE = "django.contrib.sessions.backends.db"

H = TypeVar("H", bound=BaseHandler)


def handler(handler_class: type[H]) -> H:
    """A handler of `handler_class` whose middleware is the bare list (loaded once, here)."""
    bare = handler_class()
    with override_settings(MIDDLEWARE=MIDDLEWARE, SESSION_ENGINE=SESSION_ENGINE):
        bare.load_middleware()
    return bare


def share_session(session_key: str) -> None:
    """Copy Portico's session (`accounts.Session`) into Django's own session table under the
    same key, so the bare page's database sessions find the same login with the same cookie.
    Both stores are Django's `SessionStore` classes: the same signing salt reads the data."""
    from django.contrib.sessions.models import Session as DjangoSession

    from portico.accounts.models import Session

    row = Session.objects.get(session_key=session_key)
    DjangoSession.objects.update_or_create(
        session_key=session_key,
        defaults={"session_data": row.session_data, "expire_date": row.expire_date},
    )
