"""Calls from a lower layer up to a higher one, without importing it: the higher app registers a
handler from its `AppConfig.ready`, the lower one calls the hook inside its use case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Hook(Generic[T]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[Callable[[T], object]] = []

    def register(self, handler: Callable[[T], object]) -> None:
        """Add `handler` once; registering it again (a second `ready`) changes nothing."""
        if handler not in self._handlers:
            self._handlers.append(handler)

    def __call__(self, value: T) -> list[object]:
        """Call every handler in registration order; answers what each returned."""
        return [handler(value) for handler in self._handlers]
