"""Reads of sales documents, each scoped to its principal first."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from portico.core.tenancy import get_for_scope
from portico.orgs.models import Organisation
from portico.sales.models import Attachment, Invoice


def attachment_get_for_staff(*, organisation: Organisation, attachment_id: UUID) -> Attachment:
    attachment = Attachment.objects.filter(
        organisation=organisation, public_id=attachment_id
    ).first()
    if attachment is None:
        raise Http404("No such attachment.")
    return attachment


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
