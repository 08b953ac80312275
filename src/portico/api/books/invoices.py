"""Invoices and retainer invoices for the business; payments recorded offline."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Status
from pydantic import Field

from portico.api.books.common import ERRORS, organisation_of, principal, send_document
from portico.api.errors import ApiError
from portico.api.idempotency import idempotent
from portico.api.pagination import Paged, PageParams, answer, paginate
from portico.api.schemas import (
    Input,
    InvoiceDetail,
    InvoiceOut,
    MultiLine,
    PaymentOut,
    SingleLine,
    detail_extra,
    invoice_out,
    payment_out,
)
from portico.contacts import selectors as contact_selectors
from portico.core.money import parse_amount
from portico.orgs import selectors as org_selectors
from portico.payments import services as payment_services
from portico.payments.models import PaymentMode
from portico.sales import selectors, services
from portico.sales.models import Invoice
from portico.sales.services.common import LineInput

router = Router(tags=["books: invoices"])
SORTS = {
    "-date": ("-issue_date", "-id"),
    "date": ("issue_date", "id"),
    "due": ("due_date", "id"),
    "-due": ("-due_date", "-id"),
    "number": ("number",),
    "-number": ("-number",),
}


class InvoiceListParams(PageParams):
    status: str = Field("", pattern="^(|" + "|".join(Invoice.Status.values) + ")$")
    kind: str = Field("", pattern="^(|regular|retainer)$")
    contact: UUID | None = None
    sort: str = Field("-date", pattern="^(" + "|".join(s.replace("-", "-") for s in SORTS) + ")$")


class LineIn(Input):
    description: SingleLine = Field("", max_length=500)
    quantity: SingleLine = Field("1", max_length=30)
    rate: SingleLine = Field(max_length=30)
    discount_percent: SingleLine = Field("0", max_length=10)
    tax: UUID | None = None


class InvoiceIn(Input):
    contact: UUID
    lines: list[LineIn] = Field(min_length=1, max_length=200)
    issue_date: datetime.date
    due_date: datetime.date | None = None
    kind: str = Field("regular", pattern="^(regular|retainer)$")
    notes: MultiLine = Field("", max_length=4000)
    terms: MultiLine = Field("", max_length=4000)
    reference: SingleLine = Field("", max_length=100)
    allow_partial_payment: bool = True


def _decimal(value: str, field: str) -> Decimal:
    try:
        return Decimal(value.strip())
    except ArithmeticError:
        raise ApiError(
            422, "validation_error", "The request is not valid.", {field: "Not a number."}
        ) from None


def lines_in(organisation: Any, contact: Any, lines: list[LineIn]) -> list[LineInput]:
    """The request's lines as the sales services take them (amounts by `parse_amount`)."""
    parsed = []
    for index, line in enumerate(lines):
        tax = None
        if line.tax is not None:
            tax = org_selectors.tax_get_for_staff(organisation=organisation, tax_id=line.tax)
        parsed.append(
            LineInput(
                description=line.description,
                quantity=_decimal(line.quantity, f"lines.{index}.quantity"),
                rate=parse_amount(line.rate, contact.currency, field=f"lines.{index}.rate"),
                discount_percent=_decimal(line.discount_percent, f"lines.{index}.discount_percent"),
                tax=tax,
            )
        )
    return parsed


def _list(request: HttpRequest, params: InvoiceListParams, kind: str) -> dict[str, Any]:
    organisation = organisation_of(request)
    invoices = selectors.invoices_for_staff(
        organisation=organisation, status=params.status, kind=kind or params.kind
    )
    if params.contact is not None:
        contact = contact_selectors.contact_get_for_staff(
            organisation=organisation, contact_id=params.contact
        )
        invoices = invoices.filter(contact=contact)
    if params.updated_since is not None:
        invoices = invoices.filter(updated_at__gte=params.updated_since)
    return answer(paginate(invoices.order_by(*SORTS[params.sort]), params), invoice_out)


@router.get("/invoices", response={200: Paged[InvoiceOut], **ERRORS})
def invoice_list(request: HttpRequest, params: Query[InvoiceListParams]) -> dict[str, Any]:
    return _list(request, params, "")


@router.get("/retainer-invoices", response={200: Paged[InvoiceOut], **ERRORS})
def retainer_list(request: HttpRequest, params: Query[InvoiceListParams]) -> dict[str, Any]:
    return _list(request, params, Invoice.Kind.RETAINER)


@router.post("/invoices", response={201: InvoiceDetail, **ERRORS})
@idempotent(principal)
def invoice_create(request: HttpRequest, payload: InvoiceIn) -> Status[Any]:
    organisation = organisation_of(request)
    contact = contact_selectors.contact_get_for_staff(
        organisation=organisation, contact_id=payload.contact
    )
    lines = lines_in(organisation, contact, payload.lines)
    invoice = services.invoice_create(
        contact=contact,
        lines=lines,
        issue_date=payload.issue_date,
        due_date=payload.due_date,
        kind=payload.kind,
        notes=payload.notes,
        terms=payload.terms,
        reference=payload.reference,
        allow_partial_payment=payload.allow_partial_payment,
    )
    invoice = selectors.invoice_get_for_staff(
        organisation=organisation, invoice_id=invoice.public_id
    )
    return Status(201, {**invoice_out(invoice), **detail_extra(invoice)})


@router.get("/invoices/{invoice_id}", response={200: InvoiceDetail, **ERRORS})
def invoice_detail(request: HttpRequest, invoice_id: str) -> dict[str, Any]:
    invoice = selectors.invoice_get_for_staff(
        organisation=organisation_of(request), invoice_id=invoice_id
    )
    return {**invoice_out(invoice), **detail_extra(invoice)}


@router.post("/invoices/{invoice_id}/send", response={200: InvoiceOut, **ERRORS})
def invoice_send(request: HttpRequest, invoice_id: str) -> dict[str, Any]:
    invoice = selectors.invoice_get_for_staff(
        organisation=organisation_of(request), invoice_id=invoice_id
    )
    return invoice_out(send_document(request, invoice))


@router.post("/invoices/{invoice_id}/void", response={200: InvoiceOut, **ERRORS})
def invoice_void(request: HttpRequest, invoice_id: str) -> dict[str, Any]:
    invoice = selectors.invoice_get_for_staff(
        organisation=organisation_of(request), invoice_id=invoice_id
    )
    return invoice_out(services.invoice_void(invoice=invoice))


class AllocationIn(Input):
    invoice: UUID
    amount: SingleLine = Field(max_length=30)


class PaymentIn(Input):
    contact: UUID
    amount: SingleLine = Field(max_length=30)
    date: datetime.date
    mode: str = Field(pattern="^(" + "|".join(PaymentMode.values) + ")$")
    reference: SingleLine = Field("", max_length=100)
    notes: MultiLine = Field("", max_length=4000)
    allocations: list[AllocationIn] = Field(default_factory=list, max_length=100)


@router.post("/payments", response={201: PaymentOut, **ERRORS}, tags=["books: payments"])
@idempotent(principal)
def payment_create(request: HttpRequest, payload: PaymentIn) -> Status[Any]:
    organisation = organisation_of(request)
    contact = contact_selectors.contact_get_for_staff(
        organisation=organisation, contact_id=payload.contact
    )
    allocations = []
    for index, part in enumerate(payload.allocations):
        invoice = selectors.invoice_get_for_staff(
            organisation=organisation, invoice_id=part.invoice
        )
        if invoice.contact_id != contact.pk:
            raise ApiError(404, "not_found", "Not found.")
        amount = parse_amount(part.amount, contact.currency, field=f"allocations.{index}.amount")
        allocations.append((invoice, amount))
    payment = payment_services.payment_record(
        contact=contact,
        amount=parse_amount(payload.amount, contact.currency),
        date=payload.date,
        mode=payload.mode,
        reference=payload.reference,
        notes=payload.notes,
        allocations=allocations,
    )
    return Status(201, payment_out(payment))
