"""`portico demo`: a realistic organisation to look around in. Safe to run again.

Each app contributes one step (a module of this package), in order; a step finds what an
earlier run made (by natural keys) instead of making it twice.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from portico.devdata.demo import (
    activity,
    checkout,
    contacts,
    documents,
    orgs,
    payments,
    portal,
    projects,
    reminders,
    sales,
    sandbox,
    self_service,
)
from portico.devdata.demo.context import DEMO_OWNER_EMAIL, DEMO_PASSWORD, DEMO_SLUG, DemoContext

__all__ = ["DEMO_OWNER_EMAIL", "DEMO_PASSWORD", "DEMO_SLUG", "DemoContext", "load", "steps"]


def steps() -> list[Callable[[DemoContext], None]]:
    return [
        orgs.load,
        sandbox.load,
        contacts.load,
        sales.load,
        payments.load,
        portal.load,
        self_service.load,
        projects.load,
        activity.load,
        documents.load,
        checkout.load,
        reminders.load,
    ]


def load(say: Callable[[str], None]) -> DemoContext:
    context = DemoContext(say=say)
    for step in steps():
        step(context)
    context.logins.insert(
        0, ("Back office", f"{settings.SITE_URL}/admin/", f"{DEMO_OWNER_EMAIL} / {DEMO_PASSWORD}")
    )
    return context
