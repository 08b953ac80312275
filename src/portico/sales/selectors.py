"""Reads of sales documents, each scoped to its principal first."""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from django.db.models import Model, QuerySet
from django.http import Http404

from portico.core.tenancy import get_for_scope
from portico.orgs.models import Organisation
from portico.sales.models import Attachment, Invoice

M = TypeVar("M", bound=Model)


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
