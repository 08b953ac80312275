"""The dashboard: what is owed, what awaits an answer, the last payment, who is who.

The portal shell's home view renders `portal/pages/home.html` with `dashboard_context`.
"""

from __future__ import annotations

from portico.contacts.scope import Module, PortalScope
from portico.payments import portal_selectors as payment_selectors
from portico.portal import scoping
from portico.portal.pages import documents
from portico.sales import portal_selectors as selectors


def dashboard_context(scope: PortalScope) -> dict[str, object]:
    """The dashboard's figures (four queries whatever the customer's history)."""
    billing = scope.sees_billing
    paying = billing and scope.allows(Module.PAYMENTS)
    figures = payment_selectors.home_figures_for_portal(scope=scope) if billing else None
    return {
        "figures": figures,
        "last_payment": payment_selectors.last_payment_for_portal(scope=scope) if billing else None,
        "persons": selectors.contact_persons_for_portal(scope=scope),
        "pay_all_url": (
            documents.pay_url(scope, []) if figures and figures.outstanding_count else ""
        ),
        "can_see": {item.module: url for item, url in scoping.menu_for(scope)},
        "confirming": (
            payment_selectors.invoices_being_confirmed_for_portal(scope=scope) if paying else 0
        ),
    }
