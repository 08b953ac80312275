"""Estimates, sales orders and credit notes for the business."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Status
from pydantic import Field

from portico.api.books.common import ERRORS, organisation_of, principal, send_document
from portico.api.books.invoices import LineIn, lines_in
from portico.api.idempotency import idempotent
from portico.api.pagination import Paged, PageParams, answer, paginate
from portico.api.schemas import (
    DocumentOut,
    EstimateDetail,
    EstimateOut,
    Input,
    MultiLine,
    SingleLine,
    detail_extra,
    document_out,
    estimate_out,
)
from portico.contacts import selectors as contact_selectors
from portico.payments import credit_notes
from portico.sales import selectors, services
from portico.sales.models import CreditNote, Estimate, SalesOrder

router = Router(tags=["books: estimates, sales orders, credit notes"])


class DocumentListParams(PageParams):
    status: SingleLine = Field("", max_length=20)
    contact: UUID | None = None


class DocumentIn(Input):
    contact: UUID
    lines: list[LineIn] = Field(min_length=1, max_length=200)
    issue_date: datetime.date
    notes: MultiLine = Field("", max_length=4000)
    terms: MultiLine = Field("", max_length=4000)


class EstimateIn(DocumentIn):
    expiry_date: datetime.date | None = None
    reference: SingleLine = Field("", max_length=100)


class SalesOrderIn(DocumentIn):
    expected_shipment_date: datetime.date | None = None
    reference: SingleLine = Field("", max_length=100)


class CreditNoteIn(DocumentIn):
    reason: SingleLine = Field("", max_length=200)


class DocumentDetail(DocumentOut):
    subtotal: str
    tax_total: str
    notes: str
    terms: str
    lines: list[Any]


def _list(request: HttpRequest, model: Any, params: DocumentListParams, out: Any) -> dict[str, Any]:
    organisation = organisation_of(request)
    documents = selectors.documents_for_staff(
        model=model, organisation=organisation, status=params.status
    )
    if params.contact is not None:
        contact = contact_selectors.contact_get_for_staff(
            organisation=organisation, contact_id=params.contact
        )
        documents = documents.filter(contact=contact)
    if params.updated_since is not None:
        documents = documents.filter(updated_at__gte=params.updated_since)
    return answer(paginate(documents.order_by("-issue_date", "-id"), params), out)


def _get(request: HttpRequest, model: Any, document_id: str) -> Any:
    return selectors.document_get_for_staff(
        model=model, organisation=organisation_of(request), document_id=document_id
    )


def _detail(document: Any, out: Any) -> dict[str, Any]:
    return {**out(document), **detail_extra(document)}


# --- estimates -------------------------------------------------------------------------------


@router.get("/estimates", response={200: Paged[EstimateOut], **ERRORS})
def estimate_list(request: HttpRequest, params: Query[DocumentListParams]) -> dict[str, Any]:
    return _list(request, Estimate, params, estimate_out)


@router.post("/estimates", response={201: EstimateDetail, **ERRORS})
@idempotent(principal)
def estimate_create(request: HttpRequest, payload: EstimateIn) -> Status[Any]:
    organisation = organisation_of(request)
    contact = contact_selectors.contact_get_for_staff(
        organisation=organisation, contact_id=payload.contact
    )
    estimate = services.estimate_create(
        contact=contact,
        lines=lines_in(organisation, contact, payload.lines),
        issue_date=payload.issue_date,
        expiry_date=payload.expiry_date,
        notes=payload.notes,
        terms=payload.terms,
        reference=payload.reference,
    )
    return Status(201, _detail(_get(request, Estimate, str(estimate.public_id)), estimate_out))


@router.get("/estimates/{estimate_id}", response={200: EstimateDetail, **ERRORS})
def estimate_detail(request: HttpRequest, estimate_id: str) -> dict[str, Any]:
    return _detail(_get(request, Estimate, estimate_id), estimate_out)


@router.post("/estimates/{estimate_id}/send", response={200: EstimateOut, **ERRORS})
def estimate_send(request: HttpRequest, estimate_id: str) -> dict[str, Any]:
    return estimate_out(send_document(request, _get(request, Estimate, estimate_id)))


# --- sales orders ----------------------------------------------------------------------------


@router.get("/sales-orders", response={200: Paged[DocumentOut], **ERRORS})
def sales_order_list(request: HttpRequest, params: Query[DocumentListParams]) -> dict[str, Any]:
    return _list(request, SalesOrder, params, document_out)


@router.post("/sales-orders", response={201: DocumentDetail, **ERRORS})
@idempotent(principal)
def sales_order_create(request: HttpRequest, payload: SalesOrderIn) -> Status[Any]:
    organisation = organisation_of(request)
    contact = contact_selectors.contact_get_for_staff(
        organisation=organisation, contact_id=payload.contact
    )
    order = services.sales_order_create(
        contact=contact,
        lines=lines_in(organisation, contact, payload.lines),
        issue_date=payload.issue_date,
        expected_shipment_date=payload.expected_shipment_date,
        notes=payload.notes,
        terms=payload.terms,
        reference=payload.reference,
    )
    return Status(201, _detail(_get(request, SalesOrder, str(order.public_id)), document_out))


@router.get("/sales-orders/{sales_order_id}", response={200: DocumentDetail, **ERRORS})
def sales_order_detail(request: HttpRequest, sales_order_id: str) -> dict[str, Any]:
    return _detail(_get(request, SalesOrder, sales_order_id), document_out)


@router.post("/sales-orders/{sales_order_id}/confirm", response={200: DocumentOut, **ERRORS})
def sales_order_confirm(request: HttpRequest, sales_order_id: str) -> dict[str, Any]:
    order = services.sales_order_confirm(sales_order=_get(request, SalesOrder, sales_order_id))
    return document_out(order)


@router.post("/sales-orders/{sales_order_id}/cancel", response={200: DocumentOut, **ERRORS})
def sales_order_cancel(request: HttpRequest, sales_order_id: str) -> dict[str, Any]:
    order = services.sales_order_cancel(sales_order=_get(request, SalesOrder, sales_order_id))
    return document_out(order)


# --- credit notes ----------------------------------------------------------------------------


@router.get("/credit-notes", response={200: Paged[DocumentOut], **ERRORS})
def credit_note_list(request: HttpRequest, params: Query[DocumentListParams]) -> dict[str, Any]:
    return _list(request, CreditNote, params, document_out)


@router.post("/credit-notes", response={201: DocumentDetail, **ERRORS})
@idempotent(principal)
def credit_note_create(request: HttpRequest, payload: CreditNoteIn) -> Status[Any]:
    organisation = organisation_of(request)
    contact = contact_selectors.contact_get_for_staff(
        organisation=organisation, contact_id=payload.contact
    )
    note = services.credit_note_create(
        contact=contact,
        lines=lines_in(organisation, contact, payload.lines),
        issue_date=payload.issue_date,
        reason=payload.reason,
        notes=payload.notes,
        terms=payload.terms,
    )
    return Status(201, _detail(_get(request, CreditNote, str(note.public_id)), document_out))


@router.get("/credit-notes/{credit_note_id}", response={200: DocumentDetail, **ERRORS})
def credit_note_detail(request: HttpRequest, credit_note_id: str) -> dict[str, Any]:
    return _detail(_get(request, CreditNote, credit_note_id), document_out)


@router.post("/credit-notes/{credit_note_id}/open", response={200: DocumentOut, **ERRORS})
def credit_note_open(request: HttpRequest, credit_note_id: str) -> dict[str, Any]:
    note = credit_notes.credit_note_open(credit_note=_get(request, CreditNote, credit_note_id))
    return document_out(note)


@router.post("/credit-notes/{credit_note_id}/void", response={200: DocumentOut, **ERRORS})
def credit_note_void(request: HttpRequest, credit_note_id: str) -> dict[str, Any]:
    note = credit_notes.credit_note_void(credit_note=_get(request, CreditNote, credit_note_id))
    return document_out(note)
