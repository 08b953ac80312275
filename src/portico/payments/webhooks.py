"""The gateways' webhook receiver: verified by signature, each event handled once."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portico.orgs.models import GatewayAccount
from portico.payments.checkout import services as checkout_services
from portico.payments.gateways import registry
from portico.payments.gateways.base import ChargeResult, GatewayError, WebhookEvent
from portico.payments.models import Checkout, WebhookEventReceipt

logger = logging.getLogger(__name__)


@transaction.atomic
def webhook_handle(*, account: GatewayAccount, event: WebhookEvent) -> bool:
    """Post one verified event; False when this event id was handled before (a replay)."""
    try:
        with transaction.atomic():
            WebhookEventReceipt.objects.create(
                organisation_id=account.organisation_id,
                gateway_account=account,
                event_id=event.event_id,
                event_type=event.type[:60],
                transaction_id=event.transaction_id[:100],
            )
    except IntegrityError:
        return False
    checkout = Checkout.objects.filter(
        gateway_account=account, gateway_transaction_id=event.transaction_id
    ).first()
    if checkout is None:
        key = event.idempotency_key.removeprefix("checkout:")
        checkout = (
            Checkout.objects.filter(gateway_account=account, public_id__iexact=key).first()
            if _is_uuid(key)
            else None
        )
    if checkout is None:
        logger.info("webhook %s: no checkout for %s", event.event_id, event.transaction_id)
        return True
    checkout_services.checkout_settle(
        checkout_id=checkout.pk,
        result=ChargeResult(
            transaction_id=event.transaction_id,
            status=event.status,
            amount=event.amount,
            currency=event.currency,
            idempotency_key=event.idempotency_key,
            method_kind=checkout.method_kind,
            brand=checkout.brand,
            last4=checkout.last4,
            decline_code=event.decline_code,
            error=event.error,
            message=event.message,
        ),
    )
    return True


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@csrf_exempt  # a gateway cannot send a CSRF token; the signature authenticates the request
@login_not_required
@require_POST
def receive(request: HttpRequest, kind: str, account_key: str) -> HttpResponse:
    account = GatewayAccount.objects.filter(
        kind=kind, publishable_key=account_key, is_active=True
    ).first()
    if account is None:
        return HttpResponse("unknown account", status=404, content_type="text/plain")
    try:
        event = registry.gateway_for(account).verify_webhook(request.body, request.headers)
    except GatewayError as exc:
        return HttpResponse(exc.code, status=400, content_type="text/plain")
    handled = webhook_handle(account=account, event=event)
    return HttpResponse("ok" if handled else "duplicate", content_type="text/plain")
