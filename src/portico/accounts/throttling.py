"""The name django-axes throttles by: the login email, lower-cased, whichever form sent it.

The portal authenticates with `email=`; the back office's login form with `username=`.
Without this, axes (which reads one configured key) would see no name for one of them and
throttle by IP address alone.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from portico.accounts.models import normalise_email


def login_name(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    source: Any = credentials if credentials else getattr(request, "POST", {})
    name = source.get("email") or source.get("username")
    return normalise_email(str(name)) if name else None
