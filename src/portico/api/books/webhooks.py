"""Outgoing webhooks: the endpoints (the signing secret shown once) and the delivery log."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from portico.api.books.common import ERRORS, organisation_of, principal
from portico.api.idempotency import idempotent
from portico.api.pagination import Paged, PageParams, answer, paginate
from portico.api.schemas import Input, SingleLine
from portico.core.events import EVENT_TYPES
from portico.webhooks import selectors, services
from portico.webhooks.models import WebhookDelivery, WebhookEndpoint

router = Router(tags=["books: webhooks"])


class EndpointIn(Input):
    url: SingleLine = Field(min_length=1, max_length=500)
    events: list[SingleLine] = Field(
        min_length=1,
        max_length=len(EVENT_TYPES) + 1,
        description="Event types to send (see docs/api.md), or `*` for all.",
    )
    description: SingleLine = Field("", max_length=200)


class EndpointOut(Schema):
    id: UUID
    url: str
    description: str
    events: list[str]
    is_active: bool
    consecutive_failures: int
    disabled_at: datetime.datetime | None
    disabled_reason: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class EndpointCreated(EndpointOut):
    secret: str = Field(description="Signs every delivery; shown only in this answer.")


class AttemptOut(Schema):
    at: datetime.datetime
    status_code: int | None
    response_ms: int | None
    error: str


class DeliveryOut(Schema):
    id: UUID
    endpoint: UUID
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime.datetime | None
    last_status_code: int | None
    last_response_ms: int | None
    last_error: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class DeliveryDetail(DeliveryOut):
    payload: dict[str, Any]
    log: list[AttemptOut]


class DeliveryListParams(PageParams):
    status: str = Field("", pattern="^(|" + "|".join(WebhookDelivery.Status.values) + ")$")
    event_type: SingleLine = Field("", max_length=40)
    endpoint: UUID | None = None


def endpoint_out(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.public_id,
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "is_active": endpoint.is_active,
        "consecutive_failures": endpoint.consecutive_failures,
        "disabled_at": endpoint.disabled_at,
        "disabled_reason": endpoint.disabled_reason,
        "created_at": endpoint.created_at,
        "updated_at": endpoint.updated_at,
    }


def delivery_out(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": delivery.public_id,
        "endpoint": delivery.endpoint.public_id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "last_status_code": delivery.last_status_code,
        "last_response_ms": delivery.last_response_ms,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at,
        "updated_at": delivery.updated_at,
    }


def delivery_detail_out(delivery: WebhookDelivery) -> dict[str, Any]:
    log = [
        {"at": a.at, "status_code": a.status_code, "response_ms": a.response_ms, "error": a.error}
        for a in delivery.log.all()
    ]
    return {**delivery_out(delivery), "payload": delivery.payload, "log": log}


@router.get("/webhook-endpoints", response={200: Paged[EndpointOut], **ERRORS})
def endpoint_list(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    endpoints = selectors.endpoints_for_staff(organisation=organisation_of(request))
    if params.updated_since is not None:
        endpoints = endpoints.filter(updated_at__gte=params.updated_since)
    return answer(paginate(endpoints.order_by("-created_at", "-id"), params), endpoint_out)


@router.post(
    "/webhook-endpoints",
    response={201: EndpointCreated, **ERRORS},
    summary="Register an endpoint; the answer carries its signing secret, shown only here",
)
@idempotent(principal)
def endpoint_create(request: HttpRequest, payload: EndpointIn) -> Status[Any]:
    endpoint, secret = services.endpoint_create(
        organisation=organisation_of(request),
        url=payload.url,
        events=payload.events,
        description=payload.description,
    )
    return Status(201, {**endpoint_out(endpoint), "secret": secret})


@router.get("/webhook-endpoints/{endpoint_id}", response={200: EndpointOut, **ERRORS})
def endpoint_detail(request: HttpRequest, endpoint_id: str) -> dict[str, Any]:
    organisation = organisation_of(request)
    return endpoint_out(
        selectors.endpoint_get_for_staff(organisation=organisation, endpoint_id=endpoint_id)
    )


@router.post(
    "/webhook-endpoints/{endpoint_id}/enable",
    response={200: EndpointOut, **ERRORS},
    summary="Switch an endpoint back on (after it was switched off for failing)",
)
def endpoint_enable(request: HttpRequest, endpoint_id: str) -> dict[str, Any]:
    endpoint = selectors.endpoint_get_for_staff(
        organisation=organisation_of(request), endpoint_id=endpoint_id
    )
    return endpoint_out(services.endpoint_enable(endpoint=endpoint))


@router.delete("/webhook-endpoints/{endpoint_id}", response={204: None, **ERRORS})
def endpoint_delete(request: HttpRequest, endpoint_id: str) -> Status[None]:
    endpoint = selectors.endpoint_get_for_staff(
        organisation=organisation_of(request), endpoint_id=endpoint_id
    )
    services.endpoint_delete(endpoint=endpoint)
    return Status(204, None)


@router.get("/webhook-deliveries", response={200: Paged[DeliveryOut], **ERRORS})
def delivery_list(request: HttpRequest, params: Query[DeliveryListParams]) -> dict[str, Any]:
    deliveries = selectors.deliveries_for_staff(organisation=organisation_of(request))
    if params.status:
        deliveries = deliveries.filter(status=params.status)
    if params.event_type:
        deliveries = deliveries.filter(event_type=params.event_type)
    if params.endpoint is not None:
        deliveries = deliveries.filter(endpoint__public_id=params.endpoint)
    if params.updated_since is not None:
        deliveries = deliveries.filter(updated_at__gte=params.updated_since)
    return answer(paginate(deliveries.order_by("-created_at", "-id"), params), delivery_out)


@router.get("/webhook-deliveries/{delivery_id}", response={200: DeliveryDetail, **ERRORS})
def delivery_detail(request: HttpRequest, delivery_id: str) -> dict[str, Any]:
    organisation = organisation_of(request)
    return delivery_detail_out(
        selectors.delivery_get_for_staff(organisation=organisation, delivery_id=delivery_id)
    )


@router.post(
    "/webhook-deliveries/{delivery_id}/redeliver",
    response={200: DeliveryOut, **ERRORS},
    summary="Send a delivery again now, whatever its status",
)
def delivery_redeliver(request: HttpRequest, delivery_id: str) -> dict[str, Any]:
    delivery = selectors.delivery_get_for_staff(
        organisation=organisation_of(request), delivery_id=delivery_id
    )
    return delivery_out(services.delivery_redeliver(delivery=delivery))
