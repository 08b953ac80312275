"""Invoices, estimates, sales orders and payments as the customer sees them in the portal."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from pydantic import Field

from portico.activity import portal_actions
from portico.activity import services as activity_services
from portico.activity.mail import language_for
from portico.api.auth import PortalToken, portal_caller
from portico.api.pagination import Paged, answer
from portico.api.portal.common import (
    InvoiceListParams,
    ListParams,
    list_query,
    origin_of,
    portal_throttle,
)
from portico.api.schemas import (
    DocumentOut,
    Error,
    EstimateDetail,
    EstimateOut,
    Input,
    InvoiceDetail,
    InvoiceOut,
    MultiLine,
    PaymentOut,
    SingleLine,
    detail_extra,
    document_out,
    estimate_out,
    invoice_out,
    payment_out,
)
from portico.contacts.scope import Module
from portico.documents import pdf, responses
from portico.documents.kinds import kind_of
from portico.payments import portal_selectors as payment_selectors
from portico.sales import portal_selectors as selectors

router = Router(tags=["portal: documents"], auth=PortalToken())
ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}
# What a call that counts against an abuse limit may also answer (`portal_throttle`).
LIMITED: dict[int, Any] = {**ERRORS, 429: Error}


@router.get("/{org}/invoices", response={200: Paged[InvoiceOut], **ERRORS})
def invoice_list(
    request: HttpRequest, org: str, params: Query[InvoiceListParams]
) -> dict[str, Any]:
    scope = portal_caller(request, org, Module.INVOICES).scope
    page = selectors.invoice_list_for_portal(scope=scope, query=list_query(params, params.kind))
    return answer(page, invoice_out)


@router.get("/{org}/invoices/{invoice_id}", response={200: InvoiceDetail, **ERRORS})
def invoice_detail(request: HttpRequest, org: str, invoice_id: str) -> dict[str, Any]:
    scope = portal_caller(request, org, Module.INVOICES).scope
    invoice = selectors.invoice_get_for_portal(scope=scope, invoice_id=invoice_id)
    activity_services.document_mark_viewed(scope=scope, document=invoice, origin=origin_of(request))
    return {**invoice_out(invoice), **detail_extra(invoice)}


@router.get(
    "/{org}/invoices/{invoice_id}/pdf",
    response={200: bytes, **LIMITED},
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
)
def invoice_pdf(request: HttpRequest, org: str, invoice_id: str) -> HttpResponse:
    portal_throttle(request, "pdf")
    scope = portal_caller(request, org, Module.INVOICES).scope
    invoice = selectors.invoice_get_for_portal(scope=scope, invoice_id=invoice_id)
    kind = kind_of(invoice)
    # In the reader's language, as the portal's page gives it.
    language = language_for(
        organisation=scope.organisation, contact=scope.contact, person=scope.person
    )
    return responses.pdf_response(
        pdf.document_pdf(invoice, kind, language), name=pdf.filename_for(kind, invoice.number)
    )


@router.get("/{org}/estimates", response={200: Paged[EstimateOut], **ERRORS})
def estimate_list(request: HttpRequest, org: str, params: Query[ListParams]) -> dict[str, Any]:
    scope = portal_caller(request, org, Module.ESTIMATES).scope
    page = selectors.estimate_list_for_portal(scope=scope, query=list_query(params))
    return answer(page, estimate_out)


@router.get("/{org}/estimates/{estimate_id}", response={200: EstimateDetail, **ERRORS})
def estimate_detail(request: HttpRequest, org: str, estimate_id: str) -> dict[str, Any]:
    scope = portal_caller(request, org, Module.ESTIMATES).scope
    estimate = selectors.estimate_get_for_portal(scope=scope, estimate_id=estimate_id)
    activity_services.document_mark_viewed(
        scope=scope, document=estimate, origin=origin_of(request)
    )
    return {**estimate_out(estimate), **detail_extra(estimate)}


class AcceptIn(Input):
    signed_name: SingleLine = Field(min_length=1, max_length=200)


class DeclineIn(Input):
    reason: MultiLine = Field("", max_length=2000)


@router.post("/{org}/estimates/{estimate_id}/accept", response={200: EstimateOut, **ERRORS})
def estimate_accept(
    request: HttpRequest, org: str, estimate_id: str, payload: AcceptIn
) -> dict[str, Any]:
    scope = portal_caller(request, org, Module.ESTIMATES).scope
    estimate = selectors.estimate_get_for_portal(scope=scope, estimate_id=estimate_id)
    portal_actions.estimate_accept_from_portal(
        scope=scope, estimate=estimate, signed_name=payload.signed_name, origin=origin_of(request)
    )
    return estimate_out(selectors.estimate_get_for_portal(scope=scope, estimate_id=estimate_id))


@router.post("/{org}/estimates/{estimate_id}/decline", response={200: EstimateOut, **ERRORS})
def estimate_decline(
    request: HttpRequest, org: str, estimate_id: str, payload: DeclineIn
) -> dict[str, Any]:
    scope = portal_caller(request, org, Module.ESTIMATES).scope
    estimate = selectors.estimate_get_for_portal(scope=scope, estimate_id=estimate_id)
    portal_actions.estimate_decline_from_portal(
        scope=scope, estimate=estimate, reason=payload.reason, origin=origin_of(request)
    )
    return estimate_out(selectors.estimate_get_for_portal(scope=scope, estimate_id=estimate_id))


@router.get("/{org}/sales-orders", response={200: Paged[DocumentOut], **ERRORS})
def sales_order_list(request: HttpRequest, org: str, params: Query[ListParams]) -> dict[str, Any]:
    scope = portal_caller(request, org, Module.SALES_ORDERS).scope
    page = selectors.sales_order_list_for_portal(scope=scope, query=list_query(params))
    return answer(page, document_out)


@router.get("/{org}/sales-orders/{sales_order_id}", response={200: DocumentOut, **ERRORS})
def sales_order_detail(request: HttpRequest, org: str, sales_order_id: str) -> dict[str, Any]:
    scope = portal_caller(request, org, Module.SALES_ORDERS).scope
    order = selectors.sales_order_get_for_portal(scope=scope, sales_order_id=sales_order_id)
    return document_out(order)


@router.get("/{org}/payments", response={200: Paged[PaymentOut], **ERRORS})
def payment_list(request: HttpRequest, org: str, params: Query[ListParams]) -> dict[str, Any]:
    scope = portal_caller(request, org, Module.PAYMENTS).scope
    page = payment_selectors.payment_list_for_portal(scope=scope, query=list_query(params))
    return answer(page, payment_out)


@router.get("/{org}/payments/{payment_id}", response={200: PaymentOut, **ERRORS})
def payment_detail(request: HttpRequest, org: str, payment_id: str) -> dict[str, Any]:
    scope = portal_caller(request, org, Module.PAYMENTS).scope
    return payment_out(payment_selectors.payment_get_for_portal(scope=scope, payment_id=payment_id))
