"""The dashboard: what is owed, what awaits an answer, the last payment, who is who.

The portal shell's home view renders `portal/pages/home.html` with `dashboard_context`.
"""

from __future__ import annotations

from typing import Any

from portico.contacts.scope import Module, PortalScope
from portico.core.addresses import address
from portico.core.prepared import Read, read_together
from portico.payments import portal_selectors as payment_selectors
from portico.portal import scoping
from portico.portal.pages import documents
from portico.sales import portal_selectors as selectors


def dashboard_context(scope: PortalScope) -> dict[str, object]:
    """The dashboard's figures, last payment, contact persons and payments being confirmed:
    one round trip whatever the customer's history (`prepared.read_together`)."""
    billing = scope.sees_billing
    paying = billing and scope.allows(Module.PAYMENTS)
    reads: list[Read[Any]] = [selectors.contact_persons_read(scope=scope)]
    if billing:
        reads += [
            payment_selectors.home_figures_read(scope=scope),
            payment_selectors.last_payment_read(scope=scope),
        ]
    if paying:
        reads.append(payment_selectors.being_confirmed_read(scope=scope))
    persons, *billed = read_together(*reads)
    figures, last_payment = billed[:2] if billing else (None, None)
    confirming = billed[2] if paying else 0
    can_see = {item.module: url for item, url in scoping.menu_for(scope)}
    return {
        "figures": figures,
        "last_payment": last_payment,
        "receipt_url": (
            address(
                "portal:payment_detail",
                last_payment.public_id,
                keyword="payment_id",
                org_slug=scope.organisation.slug,
            )
            if last_payment and Module.PAYMENTS in can_see
            else ""
        ),
        "persons": persons,
        "pay_all_url": (
            documents.pay_url(scope, []) if figures and figures.outstanding_count else ""
        ),
        "can_see": can_see,
        "confirming": confirming,
    }
