"""Credit notes as documents: create, and close once their credit is spent. Opening and voiding
one moves customer credit: `portico.payments.credit_notes`."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from portico.contacts.models import Contact
from portico.core.errors import DomainError
from portico.core.tenancy import ensure_same_organisation
from portico.sales import transitions
from portico.sales.models import CreditNote, CreditNoteLine, Invoice
from portico.sales.services.common import LineInput, document_new

Status = CreditNote.Status


@transaction.atomic
def credit_note_create(
    *,
    contact: Contact,
    lines: Sequence[LineInput],
    issue_date: datetime.date,
    invoice: Invoice | None = None,
    reason: str = "",
    notes: str = "",
    terms: str = "",
    discount: Decimal = Decimal(0),
) -> CreditNote:
    ensure_same_organisation(contact, invoice)
    if invoice is not None and invoice.contact_id != contact.pk:
        raise DomainError(_("That invoice belongs to another customer."), code="foreign_invoice")
    return document_new(
        model=CreditNote,
        line_model=CreditNoteLine,
        contact=contact,
        lines=lines,
        discount=discount,
        issue_date=issue_date,
        invoice=invoice,
        reason=reason,
        notes=notes,
        terms=terms,
    )


def credit_note_close_if_spent(*, credit_note: CreditNote, remaining: Decimal) -> None:
    """Called by the credit services once the note's credit is used up."""
    if remaining == 0 and credit_note.status == Status.OPEN:
        transitions.move(credit_note, Status.CLOSED)
        credit_note.save(update_fields=["status", "updated_at"])
