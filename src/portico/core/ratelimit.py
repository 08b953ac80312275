"""Counters in the Django cache that say "enough for now" (forwards, link opens, link renewals).

One rule for every limit: a fixed window per key, counted with `cache.incr` so that nodes
sharing the cache (Redis when scaled out) share the count.
"""

from __future__ import annotations

from django.core.cache import cache


def take(key: str, *, limit: int, window_seconds: int, count: int = 1) -> bool:
    """Spend `count` of the allowance under `key`; False once more than `limit` were spent
    in the current window (the refused attempt counts too, so hammering never resets it)."""
    full_key = f"ratelimit:{key}"
    cache.add(full_key, 0, timeout=window_seconds)
    try:
        used = cache.incr(full_key, count)
    except ValueError:  # expired between add and incr
        cache.set(full_key, count, timeout=window_seconds)
        used = count
    return used <= limit
