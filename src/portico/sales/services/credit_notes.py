"""Credit notes: create, open (the customer gains credit), void."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from portico.contacts.models import Contact
from portico.core.errors import DomainError
from portico.core.tenancy import ensure_same_organisation
from portico.payments import ledger
from portico.payments.models import CustomerCredit
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
        raise DomainError("That invoice belongs to another customer.", code="foreign_invoice")
    return document_new(  # type: ignore[no-any-return]
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


def _lock(note: CreditNote) -> CreditNote:
    return (
        CreditNote.objects.select_for_update(of=("self",)).select_related("contact").get(pk=note.pk)
    )


@transaction.atomic
def credit_note_open(*, credit_note: CreditNote) -> CreditNote:
    """Issue the credit note: its total becomes credit the customer can spend or get back."""
    note = _lock(credit_note)
    transitions.move(note, Status.OPEN)
    if note.total <= 0:
        raise DomainError("A credit note needs a positive total.", code="non_positive_amount")
    note.save(update_fields=["status", "updated_at"])
    CustomerCredit.objects.create(
        organisation_id=note.organisation_id,
        contact=note.contact,
        kind=CustomerCredit.Kind.CREDIT_NOTE,
        date=note.issue_date,
        currency=note.currency,
        amount=note.total,
        remaining=note.total,
        credit_note=note,
    )
    ledger.post(
        contact=note.contact,
        date=note.issue_date,
        kind=ledger.Kind.CREDIT_NOTE,
        credit=note.total,
        reference=note.number,
        description=f"Credit note {note.number}",
        credit_note=note,
    )
    return note


@transaction.atomic
def credit_note_void(*, credit_note: CreditNote, date: datetime.date | None = None) -> CreditNote:
    """Cancel a credit note none of whose credit was used."""
    note = _lock(credit_note)
    credit = CustomerCredit.objects.select_for_update().filter(credit_note=note).first()
    if credit is not None and credit.remaining != credit.amount:
        raise DomainError(
            "Credit from this note was already applied or refunded.", code="credit_used"
        )
    transitions.move(note, Status.VOID)
    note.save(update_fields=["status", "updated_at"])
    if credit is not None:
        credit.remaining = Decimal(0)
        credit.save(update_fields=["remaining", "updated_at"])
        ledger.post(
            contact=note.contact,
            date=date or timezone.localdate(),
            kind=ledger.Kind.REVERSAL,
            credit=-credit.amount,
            reference=note.number,
            description=f"Credit note {note.number} voided",
            credit_note=note,
        )
    return note


def credit_note_close_if_spent(*, credit_note: CreditNote, remaining: Decimal) -> None:
    """Called by the credit services once the note's credit is used up."""
    if remaining == 0 and credit_note.status == Status.OPEN:
        transitions.move(credit_note, Status.CLOSED)
        credit_note.save(update_fields=["status", "updated_at"])
