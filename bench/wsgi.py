"""The benchmark's WSGI application: Portico, except `/bench/bare`, which a handler with
Django's default middleware answers (`bench.bare`), so both floors are served by one server."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
portico = get_wsgi_application()

from bench import bare  # noqa: E402 — after Django is set up

bare_handler = bare.handler(WSGIHandler)


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("PATH_INFO") == bare.PATH:
        return bare_handler(environ, start_response)
    return portico(environ, start_response)
