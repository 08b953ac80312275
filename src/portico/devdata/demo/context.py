"""What the demo steps share: the demo organisation's natural keys and the running context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from portico.accounts.models import User
from portico.orgs.models import Organisation

DEMO_SLUG = "demo"
DEMO_OWNER_EMAIL = "owner@demo.portico.test"
DEMO_PASSWORD = "portico-demo-2026"  # noqa: S105 — printed by `make demo` on purpose


@dataclass
class DemoContext:
    say: Callable[[str], None]
    organisation: Organisation | None = None
    owner: User | None = None
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    """(what, where, who) lines for the summary."""
    extra: dict[str, Any] = field(default_factory=dict)
