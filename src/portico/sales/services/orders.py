"""Sales orders: create, update, confirm, fulfil, cancel, convert to an invoice."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portico.contacts.models import Contact
from portico.core.errors import DomainError
from portico.sales import transitions
from portico.sales.models import Invoice, SalesOrder, SalesOrderLine
from portico.sales.services.common import LineInput, document_edit, document_new, lines_of
from portico.sales.services.invoices import invoice_create

Status = SalesOrder.Status


@transaction.atomic
def sales_order_create(
    *,
    contact: Contact,
    lines: Sequence[LineInput],
    issue_date: datetime.date,
    expected_shipment_date: datetime.date | None = None,
    notes: str = "",
    terms: str = "",
    discount: Decimal = Decimal(0),
    reference: str = "",
) -> SalesOrder:
    return document_new(
        model=SalesOrder,
        line_model=SalesOrderLine,
        contact=contact,
        lines=lines,
        discount=discount,
        issue_date=issue_date,
        expected_shipment_date=expected_shipment_date,
        notes=notes,
        terms=terms,
        reference=reference,
    )


def _lock(order: SalesOrder) -> SalesOrder:
    return (
        SalesOrder.objects.select_for_update(of=("self",))
        .select_related("contact")
        .get(pk=order.pk)
    )


@transaction.atomic
def sales_order_update(
    *,
    sales_order: SalesOrder,
    lines: Sequence[LineInput] | None = None,
    issue_date: datetime.date | None = None,
    expected_shipment_date: datetime.date | None = None,
    notes: str | None = None,
    terms: str | None = None,
    discount: Decimal | None = None,
) -> SalesOrder:
    order = _lock(sales_order)
    if order.status not in (Status.DRAFT, Status.CONFIRMED):
        raise DomainError(_("A closed sales order cannot be edited."), code="sales_order_closed")
    document_edit(
        document=order,
        line_model=SalesOrderLine,
        lines=lines,
        discount=discount,
        issue_date=issue_date,
        expected_shipment_date=expected_shipment_date,
        notes=notes,
        terms=terms,
    )
    order.save()
    return order


def _move(order: SalesOrder, target: str) -> SalesOrder:
    order = _lock(order)
    transitions.move(order, target)
    order.save(update_fields=["status", "updated_at"])
    return order


@transaction.atomic
def sales_order_confirm(*, sales_order: SalesOrder) -> SalesOrder:
    return _move(sales_order, Status.CONFIRMED)


@transaction.atomic
def sales_order_fulfil(*, sales_order: SalesOrder) -> SalesOrder:
    return _move(sales_order, Status.FULFILLED)


@transaction.atomic
def sales_order_cancel(*, sales_order: SalesOrder) -> SalesOrder:
    return _move(sales_order, Status.CANCELLED)


@transaction.atomic
def sales_order_convert_to_invoice(
    *,
    sales_order: SalesOrder,
    issue_date: datetime.date | None = None,
    due_date: datetime.date | None = None,
) -> Invoice:
    """A draft invoice with the order's lines, linked to it (confirmed or fulfilled orders)."""
    order = _lock(sales_order)
    if order.status not in (Status.CONFIRMED, Status.FULFILLED):
        raise DomainError(
            "Only a confirmed or fulfilled sales order can be invoiced.",
            code="sales_order_not_confirmed",
        )
    return invoice_create(
        contact=order.contact,
        lines=lines_of(order),
        issue_date=issue_date or timezone.localdate(),
        due_date=due_date,
        notes=order.notes,
        terms=order.terms,
        discount=order.discount,
        reference=order.number,
        sales_order=order,
    )
