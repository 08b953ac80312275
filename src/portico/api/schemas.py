"""Shapes shared by both routers. Money is a decimal string beside its currency code."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from django.core.exceptions import ValidationError
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from portico.core import text
from portico.core.money import quantize


def _single_line(value: str) -> str:
    try:
        return text.clean_single_line(value)
    except ValidationError:
        raise PydanticCustomError("line_break", "Use a single line here.") from None


# Every free string of a request body or query is one of these three (tests/security walks them).
SingleLine = Annotated[
    str, AfterValidator(_single_line), Field(json_schema_extra={"x-text": "single-line"})
]
"""One line of typed text: invisible formatting removed, a line break a 422 naming the field."""
MultiLine = Annotated[str, Field(json_schema_extra={"x-text": "multi-line"})]
"""Free text that may span lines (notes, messages, reasons); shown isolated, never as markup."""
Secret = Annotated[str, Field(json_schema_extra={"format": "password", "writeOnly": True})]
"""A password: taken exactly as typed."""


class Input(Schema):
    """Every request body: an unknown field is a 422 naming it, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, str]


class Error(Schema):
    error: ErrorBody


def money(amount: Decimal | None, currency: str) -> str:
    return str(quantize(amount or Decimal(0), currency))


class DocumentOut(Schema):
    id: UUID
    number: str
    status: str
    currency: str
    issue_date: datetime.date
    total: str
    updated_at: datetime.datetime


class InvoiceOut(DocumentOut):
    kind: str
    due_date: datetime.date | None
    balance_due: str


class EstimateOut(DocumentOut):
    expiry_date: datetime.date | None


class LineOut(Schema):
    description: str
    quantity: str
    rate: str
    discount_percent: str
    tax: str | None
    amount: str


class InvoiceDetail(InvoiceOut):
    subtotal: str
    tax_total: str
    notes: str
    terms: str
    lines: list[LineOut]


class EstimateDetail(EstimateOut):
    subtotal: str
    tax_total: str
    notes: str
    terms: str
    lines: list[LineOut]


def document_out(document: Any) -> dict[str, Any]:
    return {
        "id": document.public_id,
        "number": document.number,
        "status": document.status,
        "currency": document.currency,
        "issue_date": document.issue_date,
        "total": money(document.total, document.currency),
        "updated_at": document.updated_at,
    }


def invoice_out(invoice: Any) -> dict[str, Any]:
    return {
        **document_out(invoice),
        "kind": invoice.kind,
        "due_date": invoice.due_date,
        "balance_due": money(invoice.balance_due, invoice.currency),
    }


def estimate_out(estimate: Any) -> dict[str, Any]:
    return {**document_out(estimate), "expiry_date": estimate.expiry_date}


def lines_out(document: Any) -> list[dict[str, Any]]:
    return [
        {
            "description": line.description,
            "quantity": str(line.quantity),
            "rate": str(line.rate),
            "discount_percent": str(line.discount_percent),
            "tax": line.tax.name if line.tax_id else None,
            "amount": money(line.amount, document.currency),
        }
        for line in document.lines.all()
    ]


def detail_extra(document: Any) -> dict[str, Any]:
    return {
        "subtotal": money(document.subtotal, document.currency),
        "tax_total": money(document.tax_total, document.currency),
        "notes": document.notes,
        "terms": document.terms,
        "lines": lines_out(document),
    }


class PaymentOut(Schema):
    id: UUID
    number: str
    date: datetime.date
    amount: str
    currency: str
    mode: str
    reference: str
    source: str
    updated_at: datetime.datetime


def payment_out(payment: Any) -> dict[str, Any]:
    return {
        "id": payment.public_id,
        "number": payment.number,
        "date": payment.date,
        "amount": money(payment.amount, payment.currency),
        "currency": payment.currency,
        "mode": payment.mode,
        "reference": payment.reference,
        "source": payment.source,
        "updated_at": payment.updated_at,
    }
