"""`portico demo`: a realistic organisation to look around in. Safe to run again.

Each app contributes one step, in order; a step finds what an earlier run made
(by natural keys) instead of making it twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
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


def steps() -> list[Callable[[DemoContext], None]]:
    from portico.activity import demo as activity_demo
    from portico.contacts import demo as contacts_demo
    from portico.contacts import self_service_demo
    from portico.documents import demo as documents_demo
    from portico.orgs import demo as orgs_demo
    from portico.payments import checkout_demo
    from portico.payments import demo as payments_demo
    from portico.payments.gateways.sandbox import demo as sandbox_demo
    from portico.portal import demo as portal_demo
    from portico.projects import demo as projects_demo
    from portico.sales import demo as sales_demo

    return [
        orgs_demo.load,
        sandbox_demo.load,
        contacts_demo.load,
        sales_demo.load,
        payments_demo.load,
        portal_demo.load,
        self_service_demo.load,
        projects_demo.load,
        activity_demo.load,
        documents_demo.load,
        checkout_demo.load,
    ]


def load(say: Callable[[str], None]) -> DemoContext:
    context = DemoContext(say=say)
    for step in steps():
        step(context)
    context.logins.insert(
        0, ("Back office", f"{settings.SITE_URL}/admin/", f"{DEMO_OWNER_EMAIL} / {DEMO_PASSWORD}")
    )
    return context
