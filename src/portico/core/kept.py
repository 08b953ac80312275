"""Rendered fragments kept in the process: HTML that depends only on its key (every input it
shows is in the key), rendered once instead of on every view. Bounded: a full store starts
over, so a key space that keeps growing (addresses with their query strings) never outgrows
memory."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from django.utils.safestring import SafeString, mark_safe

SIZE = 1024


class Kept:
    def __init__(self, size: int = SIZE) -> None:
        self._found: dict[Hashable, SafeString] = {}
        self._size = size

    def get(self, key: Hashable, render: Callable[[], str]) -> SafeString:
        """The fragment kept under `key`, rendered by `render` the first time."""
        found = self._found.get(key)
        if found is None:
            if len(self._found) >= self._size:
                self._found.clear()
            found = self._found[key] = mark_safe(render())
        return found
