"""`/api/v1/`: every API view is public to Django's login middleware; the API checks its own
credentials (an API key or a portal token) on each operation."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver

from portico.api.main import api


def _public(patterns: list[Any]) -> list[Any]:
    for entry in patterns:
        if isinstance(entry, URLPattern):
            entry.callback = login_not_required(entry.callback)
        elif isinstance(entry, URLResolver):
            _public(entry.url_patterns)
    return patterns


patterns, app_name, namespace = api.urls
urlpatterns: list[URLPattern | URLResolver] = _public(list(patterns))
