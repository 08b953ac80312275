"""The document kinds that print, download and forward, keyed by the slug used in URLs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portico.payments.models import Payment
from portico.sales.models import CreditNote, Estimate, Invoice, SalesOrder


@dataclass(frozen=True)
class DocumentKind:
    slug: str
    model: type[models.Model]
    title: Promise
    template: str
    module: str
    """The portal section (`portico.contacts.scope.Module`) a person needs to see it."""
    only: dict[str, Any] = field(default_factory=dict)
    """Fixed filters: an invoice URL never reaches a retainer invoice and back."""
    hidden_in_portal: Q = field(default_factory=Q)
    """Rows the portal never shows (drafts, documents voided before they were sent)."""
    attachments: bool = True
    select_related: tuple[str, ...] = ("contact", "organisation")

    @property
    def attachment_field(self) -> str:
        fields: dict[type[models.Model], str] = {
            Estimate: "estimate",
            Invoice: "invoice",
            SalesOrder: "sales_order",
            CreditNote: "credit_note",
        }
        return fields.get(self.model, "")


KINDS: dict[str, DocumentKind] = {
    kind.slug: kind
    for kind in (
        DocumentKind(
            "estimate",
            Estimate,
            _("Estimate"),
            "documents/estimate.html",
            "estimates",
            hidden_in_portal=Estimate.PORTAL_HIDDEN,
        ),
        DocumentKind(
            "invoice",
            Invoice,
            _("Invoice"),
            "documents/invoice.html",
            "invoices",
            only={"kind": Invoice.Kind.REGULAR},
            hidden_in_portal=Invoice.PORTAL_HIDDEN,
        ),
        DocumentKind(
            "retainer-invoice",
            Invoice,
            _("Retainer invoice"),
            "documents/retainer_invoice.html",
            "invoices",
            only={"kind": Invoice.Kind.RETAINER},
            hidden_in_portal=Invoice.PORTAL_HIDDEN,
        ),
        DocumentKind(
            "sales-order",
            SalesOrder,
            _("Sales order"),
            "documents/sales_order.html",
            "sales_orders",
            hidden_in_portal=SalesOrder.PORTAL_HIDDEN,
        ),
        DocumentKind(
            "credit-note",
            CreditNote,
            _("Credit note"),
            "documents/credit_note.html",
            "invoices",
            hidden_in_portal=CreditNote.PORTAL_HIDDEN,
        ),
        DocumentKind(
            "payment",
            Payment,
            _("Payment receipt"),
            "documents/payment_receipt.html",
            "payments",
            attachments=False,
        ),
    )
}


def kind_named(slug: str) -> DocumentKind:
    """The kind for a URL slug; an unknown one is a 404 like any missing page."""
    try:
        return KINDS[slug]
    except KeyError:
        raise Http404("No such document.") from None


def kind_of(document: models.Model) -> DocumentKind:
    """The kind of a stored document (an invoice's own kind decides regular or retainer)."""
    if isinstance(document, Invoice) and document.kind == Invoice.Kind.RETAINER:
        return KINDS["retainer-invoice"]
    for kind in KINDS.values():
        if isinstance(document, kind.model) and not kind.only:
            return kind
        if isinstance(document, kind.model) and all(
            getattr(document, name) == value for name, value in kind.only.items()
        ):
            return kind
    raise LookupError(f"{type(document).__name__} is not a printable document")
