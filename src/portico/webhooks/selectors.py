"""An organisation's webhook endpoints and deliveries, as the back office and the Books API
read them (another organisation's rows are never found)."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from portico.core.tenancy import get_for_scope
from portico.orgs.models import Organisation
from portico.webhooks.models import WebhookDelivery, WebhookEndpoint


def endpoints_for_staff(*, organisation: Organisation) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(organisation=organisation)


def endpoint_get_for_staff(
    *, organisation: Organisation, endpoint_id: UUID | str
) -> WebhookEndpoint:
    return get_for_scope(
        endpoints_for_staff(organisation=organisation), endpoint_id, message="Not found."
    )


def deliveries_for_staff(*, organisation: Organisation) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(organisation=organisation).select_related("endpoint")


def delivery_get_for_staff(
    *, organisation: Organisation, delivery_id: UUID | str
) -> WebhookDelivery:
    return get_for_scope(
        deliveries_for_staff(organisation=organisation), delivery_id, message="Not found."
    )
