"""The client's address: the one place that reads it (activity log, signatures, login throttling).

Behind `TRUSTED_PROXIES` proxies (nginx, a load balancer), REMOTE_ADDR is the nearest proxy and
the client is the address the outermost trusted proxy appended to X-Forwarded-For; what the
client itself wrote there further left is ignored, so it cannot pretend to be someone else.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = int(getattr(settings, "TRUSTED_PROXIES", 0))
    if proxies <= 0:
        return remote
    # python-ipware counts the proxies before the one that connected to us.
    found, _routable = get_client_ip(
        request,
        proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
        algorithm="modern",
    )
    return found or remote
