"""Opening a credit note gives the customer credit; voiding an unused one takes it back."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portico.contacts import document_links
from portico.core.errors import DomainError
from portico.payments.models import CustomerCredit
from portico.sales import ledger, transitions
from portico.sales.models import CreditNote

Status = CreditNote.Status


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
        raise DomainError(_("A credit note needs a positive total."), code="non_positive_amount")
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
    ledger.record(ledger.credit_note_opened(note))
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
    document_links.links_revoke_for_document(document_id=note.public_id)
    if credit is not None:
        credit.remaining = Decimal(0)
        credit.save(update_fields=["remaining", "updated_at"])
        ledger.record(
            ledger.credit_note_voided(note, credit=credit.amount, date=date or timezone.localdate())
        )
    return note
