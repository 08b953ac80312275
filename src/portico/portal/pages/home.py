"""The dashboard: what is owed, what awaits an answer, the last payment, who is who."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portico.payments import portal_selectors as payment_selectors
from portico.portal.pages import common, documents
from portico.portal.scoping import Module, PortalScope, portal_view
from portico.sales import portal_selectors as selectors


def dashboard_context(scope: PortalScope) -> dict[str, object]:
    """The dashboard's figures (three queries whatever the customer's history)."""
    billing = scope.sees_billing
    figures = selectors.home_figures_for_portal(scope=scope) if billing else None
    return {
        "figures": figures,
        "last_payment": payment_selectors.last_payment_for_portal(scope=scope) if billing else None,
        "persons": selectors.contact_persons_for_portal(scope=scope),
        "pay_all_url": (
            documents.pay_url(scope, []) if figures and figures.outstanding_count else ""
        ),
        "can_see": {item.module: url for item, url in scope.menu},
    }


@portal_view(module=Module.HOME)
@require_GET
def home(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    context = common.page_context(scope, **dashboard_context(scope))
    return render(request, "portal/pages/home.html", context)
