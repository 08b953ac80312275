"""The gateways' webhook receiver: verified by signature, each event handled once."""

from __future__ import annotations

import logging
from uuid import UUID

from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portico.activity import services as activity_services
from portico.activity.models import Notification
from portico.core import formats
from portico.core import text as typed
from portico.orgs.models import GatewayAccount
from portico.payments import services as payment_services
from portico.payments.checkout import services as checkout_services
from portico.payments.gateways import registry
from portico.payments.gateways.base import ChargeResult, GatewayError, WebhookEvent
from portico.payments.models import Checkout, WebhookEventReceipt

logger = logging.getLogger(__name__)

REFUND_EVENTS = frozenset({"charge.refunded"})


# What the business is told of a refund made at the payment service (per reader's language).
REFUNDED_UNBOOKED = gettext_lazy(
    "%(amount)s of the online payment %(reference)s (%(payment)s) by %(customer)s is "
    "refunded at the payment service. %(unbooked)s of it is not in the books: the "
    "customer has no credit left to refund. Issue a credit note for it and refund "
    "its credit."
)
REFUNDED_BOOKED = gettext_lazy(
    "%(amount)s of the online payment %(reference)s (%(payment)s) by %(customer)s is "
    "refunded at the payment service, and booked as a refund of the customer's credit."
)


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
    if not event.transaction_id:
        logger.info("webhook %s: %s is not an event Portico settles", event.event_id, event.type)
        return True
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
        logger.warning(
            "webhook %s (%s): no checkout of this account for %s; nothing changed",
            event.event_id,
            event.type,
            event.transaction_id,
        )
        return True
    if event.type in REFUND_EVENTS:
        _refund_book(checkout=checkout, event=event)
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


def _refund_book(*, checkout: Checkout, event: WebhookEvent) -> None:
    """A refund made at the gateway (its dashboard): booked against the customer's credit by
    `payment_refunded_at_gateway`; the business is told, and told what is left to book."""
    payment = checkout.payment
    if checkout.state != Checkout.State.SUCCEEDED or payment is None:
        logger.warning(
            "webhook %s: refund of checkout %s that did not succeed; nothing booked",
            event.event_id,
            checkout.public_id,
        )
        return
    if event.currency != payment.currency or event.amount > payment.amount:
        logger.error(
            "webhook %s: a refund of %s %s reported for payment %s of %s %s; refused, "
            "nothing booked",
            event.event_id,
            event.amount,
            event.currency,
            payment.number,
            payment.amount,
            payment.currency,
        )
        return
    unbooked = payment_services.payment_refunded_at_gateway(
        payment=payment, refunded=event.amount, date=timezone.localdate()
    )

    def text() -> str:
        return typed.fill(
            str(REFUNDED_UNBOOKED if unbooked else REFUNDED_BOOKED),
            {
                "reference": event.transaction_id,
                "customer": checkout.contact.display_name,
                "payment": payment.number,
            },
            words={
                "amount": formats.format_money(event.amount, event.currency),
                "unbooked": formats.format_money(unbooked, event.currency),
            },
        )

    activity_services.notification_create(
        organisation=checkout.organisation,
        kind=Notification.Kind.PAYMENT_REFUNDED,
        event_key=f"gateway_refund:{event.event_id}",
        text=text,
        contact=checkout.contact,
        payment=payment,
    )


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
    if account is None or kind not in registry.kinds():
        return HttpResponse("unknown account", status=404, content_type="text/plain")
    return _receive(request, account)


@csrf_exempt  # Stripe cannot send a CSRF token; the signature authenticates the request
@login_not_required
@require_POST
def receive_stripe(request: HttpRequest, account_id: UUID) -> HttpResponse:
    account = GatewayAccount.objects.filter(
        kind="stripe", public_id=account_id, is_active=True
    ).first()
    if account is None:
        logger.warning("stripe webhook for an unknown account %s", account_id)
        return HttpResponse("unknown account", status=400, content_type="text/plain")
    return _receive(request, account)


def _receive(request: HttpRequest, account: GatewayAccount) -> HttpResponse:
    try:
        event = registry.gateway_for(account).verify_webhook(request.body, request.headers)
    except GatewayError as exc:
        return HttpResponse(exc.code, status=400, content_type="text/plain")
    handled = webhook_handle(account=account, event=event)
    return HttpResponse("ok" if handled else "duplicate", content_type="text/plain")
