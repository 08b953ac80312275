"""Stripe's hosted fields, served by Portico: a page that embeds Stripe Elements (Stripe.js),
confirms a SetupIntent in the browser (3-D Secure included) and posts the parent page only the
PaymentMethod id, brand, last four and expiry. Card numbers go from Stripe.js to Stripe alone.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_POST

from portico.core import ratelimit
from portico.core.client_ip import client_ip
from portico.orgs.models import GatewayAccount
from portico.payments.gateways import registry
from portico.payments.gateways.base import GatewayError, use_requested_language
from portico.payments.gateways.stripe.adapter import StripeGateway, stripe_csp


def _gateway(account_id: UUID) -> StripeGateway:
    account = GatewayAccount.objects.filter(
        public_id=account_id, kind=StripeGateway.kind, is_active=True
    ).first()
    if account is None:
        raise Http404
    gateway = registry.gateway_for(account)
    assert isinstance(gateway, StripeGateway)
    return gateway


def _error(exc: GatewayError) -> JsonResponse:
    return JsonResponse({"error": {"code": exc.code, "message": exc.message}}, status=400)


def _payload(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@login_not_required
@xframe_options_sameorigin
@ensure_csrf_cookie
@never_cache
@require_GET
def hosted_fields(request: HttpRequest, account_id: UUID) -> HttpResponse:
    gateway = _gateway(account_id)
    use_requested_language(request)
    response = render(
        request,
        "stripe_gateway/hosted_fields.html",
        {
            "publishable_key": gateway.config.publishable_key,
            "stripe_js_url": settings.STRIPE_JS_URL,
            "account_id": account_id,
            "parent_origin": settings.SITE_URL,
        },
    )
    response._csp_update = stripe_csp()  # type: ignore[attr-defined]
    return response


def _over_limit(request: HttpRequest, account_id: UUID) -> bool:
    """Card testers use open card forms to try stolen numbers: a few setups per hour and IP."""
    return not ratelimit.hit("card-setup", f"{account_id}:{client_ip(request)}")


# Public like the page that calls it (a gateway's endpoint, no portal session), but CSRF-checked:
# only the hosted-fields page of this site can ask for a SetupIntent.
@login_not_required
@never_cache
@require_POST
def setup_intent(request: HttpRequest, account_id: UUID) -> JsonResponse:
    gateway = _gateway(account_id)
    if _over_limit(request, account_id):
        return JsonResponse(
            {
                "error": {
                    "code": "too_many_attempts",
                    "message": str(_("Too many cards tried. Please wait an hour and try again.")),
                }
            },
            status=429,
        )
    try:
        client_secret = gateway.setup_intent_create()
    except GatewayError as exc:
        return _error(exc)
    return JsonResponse({"client_secret": client_secret}, status=201)


@login_not_required
@never_cache
@require_POST
def payment_method(request: HttpRequest, account_id: UUID) -> JsonResponse:
    gateway = _gateway(account_id)
    setup_intent_id = str(_payload(request).get("setup_intent") or "")
    if not setup_intent_id.startswith("seti_"):
        return JsonResponse({"error": {"code": "token_invalid", "message": ""}}, status=400)
    try:
        method = gateway.setup_intent_method(setup_intent_id=setup_intent_id)
    except GatewayError as exc:
        return _error(exc)
    return JsonResponse(
        {
            "token": method.reference,
            "kind": method.kind,
            "brand": method.brand,
            "last4": method.last4,
            "exp_month": method.exp_month,
            "exp_year": method.exp_year,
        },
        status=201,
    )
