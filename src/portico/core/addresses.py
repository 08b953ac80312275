"""Addresses of one object among many, reversed once per URL name and fixed arguments.

Django's `reverse` resolves the URLconf on every call, which costs more than a page's row or
card that shows the address. `address(url_name, public_id, keyword=…, **fixed)` reverses the
address once with a marker in place of the public id (per URLconf and script prefix), then
puts each object's public id where the marker was.
"""

from __future__ import annotations

import functools
from uuid import UUID

from django.urls import get_script_prefix, get_urlconf, reverse

MARKER = "00000000-0000-4000-8000-000000000000"


def address(
    url_name: str, public_id: UUID | str, *, keyword: str = "public_id", **fixed: str
) -> str:
    """`reverse(url_name, kwargs={keyword: public_id, **fixed})`."""
    head, tail = parts(url_name, keyword=keyword, **fixed)
    return f"{head}{public_id}{tail}"


def parts(url_name: str, *, keyword: str = "public_id", **fixed: str) -> tuple[str, str]:
    """The address before and after the public id (for a list of many rows)."""
    return _parts(
        url_name, keyword, tuple(sorted(fixed.items())), get_urlconf(), get_script_prefix()
    )


@functools.lru_cache(maxsize=4096)
def _parts(
    url_name: str, keyword: str, fixed: tuple[tuple[str, str], ...], urlconf: object, prefix: str
) -> tuple[str, str]:
    reversed_ = reverse(url_name, kwargs={**dict(fixed), keyword: MARKER})
    head, _marker, tail = reversed_.partition(MARKER)
    return head, tail


def fixed(url_name: str, **kwargs: str) -> str:
    """`reverse(url_name, kwargs=kwargs)` for an address without an object's id (a menu's, a
    shell's, a middleware's), reversed once per URLconf, script prefix and arguments."""
    return _fixed(url_name, tuple(sorted(kwargs.items())), get_urlconf(), get_script_prefix())


@functools.lru_cache(maxsize=4096)
def _fixed(url_name: str, kwargs: tuple[tuple[str, str], ...], urlconf: object, prefix: str) -> str:
    return reverse(url_name, kwargs=dict(kwargs) or None)


def fixed_many(url_names: tuple[str, ...], **kwargs: str) -> tuple[str, ...]:
    """`fixed` for several URL names with the same arguments (a menu's), found at the cost of
    one."""
    return _fixed_many(url_names, tuple(sorted(kwargs.items())), get_urlconf(), get_script_prefix())


@functools.lru_cache(maxsize=1024)
def _fixed_many(
    url_names: tuple[str, ...], kwargs: tuple[tuple[str, str], ...], urlconf: object, prefix: str
) -> tuple[str, ...]:
    return tuple(_fixed(name, kwargs, urlconf, prefix) for name in url_names)
