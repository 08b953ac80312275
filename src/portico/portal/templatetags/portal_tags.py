from __future__ import annotations

from django import template
from django.http import HttpRequest

register = template.Library()


@register.simple_tag
def menu_active(request: HttpRequest, url: str, home_url: str) -> bool:
    """The section `url` holds the current page (home only matches itself)."""
    if url == home_url:
        return request.path == url
    return request.path == url or request.path.startswith(url + "/")
