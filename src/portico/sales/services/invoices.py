"""Invoices (regular and retainer): create, update, send, view, void, settle."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portico.contacts import document_links
from portico.contacts.models import Contact
from portico.core import events
from portico.core.errors import DomainError
from portico.core.hooks import Hook
from portico.sales import ledger, transitions
from portico.sales.models import Estimate, Invoice, InvoiceLine, RecurringProfile, SalesOrder
from portico.sales.services.common import (
    LineInput,
    default_due_date,
    document_edit,
    document_new,
)

Status = Invoice.Status


# Projects builds on sales: it registers (AppConfig.ready) that time billed on a voided invoice
# may be billed again.
invoice_voided: Hook[Invoice] = Hook("invoice voided")


def _check_dates(issue_date: datetime.date, due_date: datetime.date | None) -> None:
    if due_date is not None and due_date < issue_date:
        raise DomainError(_("The due date is before the invoice date."), code="due_before_issue")


@transaction.atomic
def invoice_create(
    *,
    contact: Contact,
    lines: Sequence[LineInput],
    issue_date: datetime.date,
    due_date: datetime.date | None = None,
    kind: str = "regular",
    notes: str = "",
    terms: str = "",
    allow_partial_payment: bool = True,
    discount: Decimal = Decimal(0),
    reference: str = "",
    estimate: Estimate | None = None,
    sales_order: SalesOrder | None = None,
    recurring_profile: RecurringProfile | None = None,
    recurring_period: datetime.date | None = None,
) -> Invoice:
    """A draft invoice in the customer's currency, numbered INV-/RET- by kind."""
    if kind not in Invoice.Kind.values:
        raise DomainError(f"Unknown invoice kind {kind!r}.", code="invalid_kind", field="kind")
    if due_date is None:
        due_date = default_due_date(contact, issue_date)
    _check_dates(issue_date, due_date)
    invoice: Invoice = document_new(
        model=Invoice,
        line_model=InvoiceLine,
        contact=contact,
        lines=lines,
        discount=discount,
        kind=kind,
        issue_date=issue_date,
        due_date=due_date,
        notes=notes,
        terms=terms,
        allow_partial_payment=allow_partial_payment,
        reference=reference,
        estimate=estimate,
        sales_order=sales_order,
        recurring_profile=recurring_profile,
        recurring_period=recurring_period,
    )
    invoice.balance_due = invoice.total
    invoice.save(update_fields=["balance_due"])
    return invoice


def _lock(invoice: Invoice) -> Invoice:
    return (
        Invoice.objects.select_for_update(of=("self",)).select_related("contact").get(pk=invoice.pk)
    )


@transaction.atomic
def invoice_update(
    *,
    invoice: Invoice,
    lines: Sequence[LineInput] | None = None,
    issue_date: datetime.date | None = None,
    due_date: datetime.date | None = None,
    notes: str | None = None,
    terms: str | None = None,
    discount: Decimal | None = None,
    allow_partial_payment: bool | None = None,
) -> Invoice:
    """Edit a draft; an issued invoice is voided and replaced instead."""
    invoice = _lock(invoice)
    if invoice.status != Status.DRAFT:
        raise DomainError(_("Only a draft invoice can be edited."), code="not_draft")
    _check_dates(issue_date or invoice.issue_date, due_date or invoice.due_date)
    document_edit(
        document=invoice,
        line_model=InvoiceLine,
        lines=lines,
        discount=discount,
        issue_date=issue_date,
        due_date=due_date,
        notes=notes,
        terms=terms,
        allow_partial_payment=allow_partial_payment,
    )
    invoice.balance_due = invoice.total
    invoice.save()
    return invoice


@transaction.atomic
def invoice_send(*, invoice: Invoice, when: datetime.datetime | None = None) -> Invoice:
    """Issue the invoice: from now on the customer owes it (a retainer only asks for a deposit)."""
    invoice = _lock(invoice)
    transitions.move(invoice, Status.SENT)
    invoice.sent_at = when or timezone.now()
    invoice.save(update_fields=["status", "sent_at", "updated_at"])
    if invoice.kind == Invoice.Kind.REGULAR:
        ledger.record(ledger.invoice_issued(invoice))
    events.emit(
        organisation_id=invoice.organisation_id,
        type="invoice.sent",
        data=events.object_data("invoice", invoice, kind=invoice.kind),
    )
    return invoice


@transaction.atomic
def invoice_mark_viewed(*, invoice: Invoice, when: datetime.datetime | None = None) -> Invoice:
    """The customer opened it in the portal: keep the first time; sent → viewed."""
    invoice = _lock(invoice)
    if invoice.first_viewed_at is None:
        invoice.first_viewed_at = when or timezone.now()
    if invoice.status == Status.SENT:
        transitions.move(invoice, Status.VIEWED)
    invoice.save(update_fields=["status", "first_viewed_at", "updated_at"])
    return invoice


@transaction.atomic
def invoice_void(*, invoice: Invoice, date: datetime.date | None = None) -> Invoice:
    """Cancel an invoice nothing was paid on; an issued one is reversed in the ledger."""
    invoice = _lock(invoice)
    if invoice.status in Invoice.OPEN_STATUSES and invoice.balance_due != invoice.total:
        raise DomainError(
            "Payments or credits were applied to this invoice; it cannot be voided.",
            code="invoice_has_payments",
        )
    was_issued = invoice.status in Invoice.OPEN_STATUSES
    transitions.move(invoice, Status.VOID)
    invoice.balance_due = Decimal(0)
    invoice.save(update_fields=["status", "balance_due", "updated_at"])
    if was_issued and invoice.kind == Invoice.Kind.REGULAR:
        ledger.record(ledger.invoice_voided(invoice, date=date or timezone.localdate()))
    document_links.links_revoke_for_document(document_id=invoice.public_id)
    invoice_voided(invoice)
    events.emit(
        organisation_id=invoice.organisation_id,
        type="invoice.voided",
        data=events.object_data("invoice", invoice, kind=invoice.kind),
    )
    return invoice


def invoice_reduce_balance(*, invoice: Invoice, amount: Decimal) -> None:
    """Settle `amount` of an invoice the caller has locked (payments and credits call this)."""
    if invoice.status not in Invoice.PAYABLE_STATUSES:
        raise DomainError(
            f"Invoice {invoice.number} is {invoice.get_status_display().lower()}; "
            "it cannot be paid.",
            code=f"invoice_{invoice.status}",
        )
    if amount <= 0:
        raise DomainError(_("An amount to apply must be positive."), code="non_positive_amount")
    if amount > invoice.balance_due:
        raise DomainError(
            f"{amount} is more than the {invoice.balance_due} due on invoice {invoice.number}.",
            code="over_allocation",
        )
    if not invoice.allow_partial_payment and amount != invoice.balance_due:
        raise DomainError(
            f"Invoice {invoice.number} must be paid in full.", code="partial_payment_not_allowed"
        )
    invoice.balance_due -= amount
    target = Status.PAID if invoice.balance_due == 0 else Status.PARTIALLY_PAID
    if invoice.status != target:
        transitions.move(invoice, target)
    invoice.save(update_fields=["balance_due", "status", "updated_at"])
