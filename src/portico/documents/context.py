"""What a document template needs: the document, its lines and totals, what was paid and
credited, the balance, a status stamp, the organisation's branding and the reader's language."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portico.core.timezones import first_language
from portico.documents.kinds import DocumentKind, kind_of
from portico.orgs.models import Organisation
from portico.orgs.selectors import preferences_of
from portico.payments.models import CreditApplication, Payment, PaymentAllocation
from portico.sales import services as sales_services
from portico.sales.models import CreditNote, Estimate, Invoice, SalesOrder

ZERO = Decimal(0)

STAMPS: dict[tuple[type[Any], str], Any] = {
    (Invoice, Invoice.Status.PAID): _("Paid"),
    (Invoice, Invoice.Status.VOID): pgettext_lazy("invoice status", "Void"),
    (Invoice, Invoice.Status.PARTIALLY_PAID): _("Partially paid"),
    (Estimate, Estimate.Status.ACCEPTED): _("Accepted"),
    (Estimate, Estimate.Status.DECLINED): _("Declined"),
    (Estimate, Estimate.Status.EXPIRED): _("Expired"),
    (Estimate, Estimate.Status.INVOICED): _("Invoiced"),
    (SalesOrder, SalesOrder.Status.CONFIRMED): _("Confirmed"),
    (SalesOrder, SalesOrder.Status.FULFILLED): _("Fulfilled"),
    (SalesOrder, SalesOrder.Status.CANCELLED): _("Cancelled"),
    (CreditNote, CreditNote.Status.CLOSED): _("Closed"),
    (CreditNote, CreditNote.Status.VOID): pgettext_lazy("credit note status", "Void"),
}


@dataclass(frozen=True)
class Applied:
    """A payment or credit applied to a document, or a document a payment settled."""

    date: datetime.date
    label: str
    reference: str
    amount: Decimal


def language_of(contact: Any) -> str:
    """The customer's language, else the organisation's (a code Portico does not speak skipped)."""
    return first_language(contact.language, contact.organisation.language)


def stamp_for(document: Any) -> str:
    status = getattr(document, "status", "")
    if isinstance(document, Invoice) and document.is_overdue:
        return str(_("Overdue"))
    label = STAMPS.get((type(document), status))
    return str(label) if label else ""


def branding(organisation: Organisation) -> dict[str, Any]:
    preferences = preferences_of(organisation)
    return {
        "organisation": organisation,
        "organisation_address": organisation.address_lines,
        "logo_url": organisation.logo_url,
        "brand_colour": preferences.brand_colour,
        "paper": organisation.paper_size,
    }


def _invoice_applied(invoice: Invoice) -> tuple[list[Applied], list[Applied]]:
    payments = [
        Applied(a.payment.date, str(a.payment.get_mode_display()), a.payment.number, a.amount)
        for a in PaymentAllocation.objects.filter(invoice=invoice)
        .select_related("payment")
        .order_by("payment__date", "id")
    ]
    credits = [
        Applied(c.date, str(c.credit.get_kind_display()), c.credit.source_label, c.amount)
        for c in CreditApplication.objects.filter(
            organisation_id=invoice.organisation_id, invoice=invoice
        )
        .select_related("credit__credit_note", "credit__payment", "credit__retainer_invoice")
        .order_by("date", "id")
    ]
    return payments, credits


def _credit_note_applied(note: CreditNote) -> tuple[list[Applied], Decimal]:
    credit = getattr(note, "credit", None) if note.pk else None
    if credit is None:
        return [], note.total if note.status == CreditNote.Status.OPEN else ZERO
    applied = [
        Applied(a.date, str(_("Applied to invoice")), a.invoice.number, a.amount)
        for a in credit.applications.select_related("invoice").order_by("date", "id")
    ]
    return applied, credit.remaining


def _payment_applied(payment: Payment) -> tuple[list[Applied], Decimal]:
    settled = [
        Applied(a.invoice.issue_date, str(a.invoice.get_kind_display()), a.invoice.number, a.amount)
        for a in payment.allocations.select_related("invoice").order_by("invoice__issue_date", "id")
    ]
    unused = payment.amount - sum((row.amount for row in settled), ZERO)
    return settled, unused


def document_context(
    document: Any, kind: DocumentKind | None = None, language: str | None = None
) -> dict[str, Any]:
    """Everything a document template renders, without request-specific parts, in `language`
    (the reader's: a portal person's), else the customer's (`language_of`)."""
    kind = kind or kind_of(document)
    contact = document.contact
    language = first_language(language, contact.language, contact.organisation.language)
    context: dict[str, Any] = {
        **branding(document.organisation),
        "kind": kind,
        "title": kind.title,
        "document": document,
        "number": document.number,
        "contact": contact,
        "billing_address": contact.address_lines("billing"),
        "shipping_address": contact.address_lines("shipping"),
        "currency": document.currency,
        "language": language,
        "stamp": stamp_for(document),
        "payments": [],
        "credits": [],
        "applied": [],
        "balance": None,
    }
    if isinstance(document, Payment):
        applied, unused = _payment_applied(document)
        context.update(applied=applied, unused=unused)
        return context
    context["lines"] = list(document.lines.select_related("tax", "item"))
    context["totals"] = sales_services.document_totals(document=document)
    if isinstance(document, Invoice):
        payments, credits = _invoice_applied(document)
        context.update(
            payments=payments,
            credits=credits,
            balance=document.balance_due,
            balance_label=_("Balance due"),
        )
    elif isinstance(document, CreditNote):
        applied, remaining = _credit_note_applied(document)
        context.update(applied=applied, balance=remaining, balance_label=_("Credit remaining"))
    return context


def statement_context(
    statement: Any, organisation: Organisation, language: str | None = None
) -> dict[str, Any]:
    contact = statement.contact
    language = first_language(language, contact.language, organisation.language)
    return {
        **branding(organisation),
        "title": _("Statement of accounts"),
        "statement": statement,
        "number": f"{statement.start:%Y-%m-%d} – {statement.end:%Y-%m-%d}",
        "contact": contact,
        "billing_address": contact.address_lines("billing"),
        "shipping_address": [],
        "currency": statement.currency,
        "language": language,
        "stamp": "",
        "balance": statement.closing_balance,
    }
