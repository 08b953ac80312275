"""Reads of sales documents, each scoped to its principal first."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from django.db.models import Count, DecimalField, Model, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from portico.core.tenancy import get_for_scope
from portico.orgs.models import Organisation
from portico.sales.models import Invoice

AMOUNT = DecimalField(max_digits=18, decimal_places=4)
M = TypeVar("M", bound=Model)


# --- receivables (the back office's dashboard) ----------------------------------------------

AGING_BUCKETS: tuple[str, ...] = ("current", "1-30", "31-60", "61-90", "90+")
"""Days past the due date; `current` is not yet due (or has no due date)."""

DUE_SOON_DAYS = 30


def receivable_conditions(today: datetime.date) -> dict[str, Q]:
    """Each receivables figure as a condition on open invoices with a balance (see
    `receivables_open`): the dashboard sums by them and the invoice list filters by them,
    so a figure and the list it links to always agree."""
    overdue = Q(due_date__lt=today)
    return {
        "outstanding": Q(),
        "overdue": overdue,
        "due_soon": Q(due_date__gte=today, due_date__lte=today + timedelta(days=DUE_SOON_DAYS)),
        "current": Q(due_date__isnull=True) | Q(due_date__gte=today),
        "1-30": overdue & Q(due_date__gte=today - timedelta(days=30)),
        "31-60": Q(
            due_date__lt=today - timedelta(days=30), due_date__gte=today - timedelta(days=60)
        ),
        "61-90": Q(
            due_date__lt=today - timedelta(days=60), due_date__gte=today - timedelta(days=90)
        ),
        "90+": Q(due_date__lt=today - timedelta(days=90)),
    }


def receivables_open(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Issued invoices the customer still owes something on (regular and retainer)."""
    return queryset.filter(status__in=Invoice.OPEN_STATUSES, balance_due__gt=0)


@dataclass(frozen=True)
class Receivables:
    """What one currency's customers owe, from one row of `receivables_by_currency`."""

    currency: str
    amounts: dict[str, Decimal]
    counts: dict[str, int]


def receivables_by_currency(
    *, organisation: Organisation, today: datetime.date | None = None
) -> list[Receivables]:
    """Outstanding, overdue, due soon and the aging buckets per currency: one aggregate query
    with conditional sums, whatever the number of invoices. Currencies are never added up."""
    today = today or timezone.localdate()
    conditions = receivable_conditions(today)
    aggregates: dict[str, Any] = {}
    for index, condition in enumerate(conditions.values()):
        aggregates[f"amount_{index}"] = Coalesce(
            Sum("balance_due", filter=condition), Value(Decimal(0)), output_field=AMOUNT
        )
        aggregates[f"count_{index}"] = Count("pk", filter=condition)
    rows: Any = (
        receivables_open(Invoice.objects.filter(organisation=organisation))
        .order_by()
        .values("currency")
        .annotate(**aggregates)
        .order_by("currency")
    )
    return [
        Receivables(
            currency=row["currency"],
            amounts={name: row[f"amount_{i}"] for i, name in enumerate(conditions)},
            counts={name: row[f"count_{i}"] for i, name in enumerate(conditions)},
        )
        for row in rows
    ]


def invoices_sent(*, organisation: Organisation) -> QuerySet[Invoice]:
    """Invoices that went to a customer (sent or marked as sent) at least once."""
    return Invoice.objects.filter(organisation=organisation, sent_at__isnull=False)


def invoices_for_staff(
    *, organisation: Organisation, status: str = "", kind: str = ""
) -> QuerySet[Invoice]:
    invoices = Invoice.objects.filter(organisation=organisation).select_related("contact")
    if status:
        invoices = invoices.filter(status=status)
    if kind:
        invoices = invoices.filter(kind=kind)
    return invoices


def invoice_get_for_staff(*, organisation: Organisation, invoice_id: UUID | str) -> Invoice:
    invoices = Invoice.objects.filter(organisation=organisation).prefetch_related("lines__tax")
    return get_for_scope(invoices.select_related("contact"), invoice_id, message="Not found.")


def documents_for_staff(
    *, model: type[M], organisation: Organisation, status: str = ""
) -> QuerySet[M]:
    """Estimates, sales orders or credit notes of one organisation (optionally of one status)."""
    documents = model._default_manager.filter(organisation=organisation).select_related("contact")
    return documents.filter(status=status) if status else documents


def document_get_for_staff(
    *, model: type[M], organisation: Organisation, document_id: UUID | str
) -> M:
    documents = model._default_manager.filter(organisation=organisation)
    documents = documents.select_related("contact").prefetch_related("lines__tax")
    return get_for_scope(documents, document_id, message="Not found.")
