"""Abuse limits: the one home of every "enough for now" (password resets, messages, comments,
uploads, PDFs, checkouts, forwards, document links, card forms).

Each rule is named in `settings.RATE_LIMITS` (allowed count, window in seconds) and counted per
key (a person, an IP address, a link) in a fixed window in the `limits` cache: Redis when
REDIS_URL is set, so every node and worker shares one count; otherwise a file-based cache under
the var directory, which every worker process on the machine shares (never per-process memory,
which would allow N workers N times the limit).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string

from portico.core.client_ip import client_ip

LIMITS_CACHE = "limits"

Response = TypeVar("Response", bound=HttpResponseBase)


def take(key: str, *, limit: int, window_seconds: int, count: int = 1) -> bool:
    """Spend `count` of the allowance under `key`; False once more than `limit` were spent
    in the current window (the refused attempt counts too, so hammering never resets it)."""
    cache = caches[LIMITS_CACHE]
    full_key = f"ratelimit:{key}"
    cache.add(full_key, 0, timeout=window_seconds)
    try:
        used = cache.incr(full_key, count)
    except ValueError:  # expired between add and incr
        cache.set(full_key, count, timeout=window_seconds)
        used = count
    return used <= limit


def hit(rule: str, *keys: str, count: int = 1) -> bool:
    """Count one use of `rule` against each key; False when any key is over its allowance."""
    limit, window_seconds = settings.RATE_LIMITS[rule]
    return all(
        take(f"{rule}:{key}", limit=limit, window_seconds=window_seconds, count=count)
        for key in keys
    )


def request_keys(request: HttpRequest) -> list[str]:
    """Per IP address, and per signed-in person when there is one."""
    keys = [f"ip:{client_ip(request) or 'unknown'}"]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        keys.append(f"user:{user.pk}")
    return keys


def retry_after(response: Response, rule: str) -> Response:
    """`response` (a 429) with `Retry-After`: the rule's window."""
    response["Retry-After"] = str(settings.RATE_LIMITS[rule][1])
    return response


def too_many(request: HttpRequest, rule: str) -> HttpResponse:
    """The 429 page: plain, translated, with `Retry-After` (the rule's window)."""
    page = HttpResponse(render_to_string("core/rate_limited.html", request=request), status=429)
    return retry_after(page, rule)


def limited(
    rule: str, *, methods: tuple[str, ...] = ("POST",)
) -> Callable[[Callable[..., Response]], Callable[..., Response | HttpResponse]]:
    """A view decorator: `methods` requests count against `rule` per IP and per person."""

    def decorate(view: Callable[..., Response]) -> Callable[..., Response | HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Response | HttpResponse:
            if request.method in methods and not hit(rule, *request_keys(request)):
                return too_many(request, rule)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
