"""Rows of the online-payment back-office models, for `tests/tenancy/`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal

from django.db import models

from portico.orgs.models import Organisation
from portico.payments.models import Checkout, CheckoutSettings, SavedMethod, WebhookEventReceipt
from tests.gateways.factories import GatewayAccountFactory
from tests.sales import factories as make


def checkout(org: Organisation) -> Checkout:
    contact = make.customer(org)
    return Checkout.objects.create(
        organisation=org,
        contact=contact,
        gateway_account=GatewayAccountFactory(organisation=org),
        amount=Decimal("10.00"),
        currency=contact.currency,
        idempotency_key=uuid.uuid4().hex,
        state=Checkout.State.FAILED,
        error_code="CP3003",
    )


def saved_method(org: Organisation) -> SavedMethod:
    return SavedMethod.objects.create(
        organisation=org,
        contact=make.customer(org),
        gateway_account=GatewayAccountFactory(organisation=org),
        reference=f"pm_{uuid.uuid4().hex}",
        kind="card",
        brand="visa",
        last4="4242",
    )


def receipt(org: Organisation) -> WebhookEventReceipt:
    return WebhookEventReceipt.objects.create(
        organisation=org,
        gateway_account=GatewayAccountFactory(organisation=org),
        event_id=f"evt_{uuid.uuid4().hex}",
        event_type="charge.succeeded",
    )


ROWS: dict[type[models.Model], Callable[[Organisation], models.Model]] = {
    Checkout: checkout,
    SavedMethod: saved_method,
    WebhookEventReceipt: receipt,
    CheckoutSettings: lambda org: CheckoutSettings.objects.create(organisation=org),
}
