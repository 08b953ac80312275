"""Reads for documents: every lookup names its principal and filters by it first.

The portal reads through a `PortalScope` (organisation, then customer, then the kind's own
visibility rule); the back office through the staff member's organisation. A foreign or
missing id is the same 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.db import models
from django.db.models import QuerySet
from django.http import Http404

from portico.contacts.models import Contact
from portico.contacts.scope import Module, PortalScope, ScopedQuery
from portico.core.prepared import Bound, Read
from portico.core.tenancy import get_for_scope
from portico.documents.kinds import DocumentKind, kind_of
from portico.orgs.models import Organisation
from portico.payments import portal_selectors as payments_portal
from portico.payments.models import Payment
from portico.projects import selectors as project_selectors
from portico.sales import portal_selectors as sales_portal
from portico.sales.models import Attachment, Estimate, Invoice, SalesOrder


def _rows(kind: DocumentKind, organisation: Organisation) -> models.QuerySet[Any]:
    manager: Any = kind.model._default_manager
    return manager.filter(organisation=organisation, **kind.only).select_related(
        *kind.select_related
    )


def _portal_rows(scope: PortalScope, kind: DocumentKind) -> models.QuerySet[Any]:
    """The portal pages' own visibility rule where they have one, so both agree."""
    shared: dict[type[models.Model], Callable[..., models.QuerySet[Any]]] = {
        Estimate: sales_portal.estimates_for_portal,
        Invoice: sales_portal.invoices_for_portal,
        SalesOrder: sales_portal.sales_orders_for_portal,
        Payment: payments_portal.payments_for_portal,
    }
    rows = scope.only_document(_rows(kind, scope.organisation).filter(contact=scope.contact))
    base = shared.get(kind.model)
    if base is not None:
        return rows & base(scope=scope).filter(**kind.only)
    return rows.exclude(kind.hidden_in_portal)


def document_get_for_portal(*, scope: PortalScope, kind: DocumentKind, public_id: UUID) -> Any:
    """One document of the scope's customer that the portal may show; anything else is 404."""
    if not scope.allows(kind.module):
        raise Http404("No such document.")
    return get_for_scope(_portal_rows(scope, kind), public_id)


def document_get_for_staff(
    *, organisation: Organisation, kind: DocumentKind, public_id: UUID
) -> Any:
    return get_for_scope(_rows(kind, organisation), public_id)


def attachments_for_portal(*, scope: PortalScope, kind: DocumentKind, document: Any) -> list[Any]:
    """Files on a document the portal may list: only those marked *show in portal*."""
    if not kind.attachment_field:
        return []
    return list(
        Attachment.objects.filter(
            organisation=scope.organisation,
            show_in_portal=True,
            **{kind.attachment_field: document},
        ).order_by("created_at", "id")
    )


def document_files_for_portal(*, scope: PortalScope, document: Any) -> list[Attachment]:
    """The files a document's portal page lists, in one query whatever their number: those
    marked *show in portal*, without the ones posted with a comment (the thread shows them)."""
    return document_files_read(scope=scope, document=document).run()


def document_files_read(*, scope: PortalScope, document: Any) -> Read[list[Attachment]]:
    """`document_files_for_portal`, to read with the page's other queries."""
    try:
        kind = kind_of(document)
    except LookupError:
        kind = None
    if kind is None or not kind.attachment_field:
        return Read(Bound(None, ()), list)
    return Read(
        _DOCUMENT_FILES.bound(
            scope, shape=(kind.attachment_field, kind.model), document_id=document.pk
        ),
        list,
    )


def _document_files(
    scope: PortalScope, shape: tuple[str, type[models.Model]], document_id: int
) -> QuerySet[Attachment]:
    field, model = shape
    return Attachment.objects.filter(
        scope.holds(model, document_id),
        organisation=scope.organisation,
        show_in_portal=True,
        comment__isnull=True,
        **{f"{field}_id": document_id},
    ).order_by("created_at", "id")


_DOCUMENT_FILES: ScopedQuery[Attachment] = ScopedQuery(_document_files, document_id=-90_204)


def attachments_for_staff(
    *, organisation: Organisation, kind: DocumentKind, document: Any
) -> list[Any]:
    if not kind.attachment_field:
        return []
    return list(
        Attachment.objects.filter(
            organisation=organisation, **{kind.attachment_field: document}
        ).order_by("created_at", "id")
    )


def attachment_get_for_portal(*, scope: PortalScope, public_id: UUID) -> Attachment:
    """A file shown in the portal on a document (or timesheet approval) of the scope's
    customer that the portal shows this person; anything else is the same 404."""
    from portico.documents.kinds import KINDS

    found = get_for_scope(
        Attachment.objects.filter(organisation=scope.organisation, show_in_portal=True),
        public_id,
    )
    if found.approval_id is not None:
        _approval_for_portal(scope, found.approval_id)
        return found
    for kind in KINDS.values():
        document = getattr(found, kind.attachment_field, None) if kind.attachment_field else None
        if document is None or not isinstance(document, kind.model):
            continue
        if any(getattr(document, name) != value for name, value in kind.only.items()):
            continue
        # The document must itself pass the portal's rules for this person.
        document_get_for_portal(scope=scope, kind=kind, public_id=document.public_id)  # type: ignore[attr-defined]
        return found
    raise Http404("No such file.")


def _approval_for_portal(scope: PortalScope, approval_pk: int) -> None:
    """The approval passes the timesheet pages' own rules for this person, or 404."""

    if not scope.allows(Module.TIMESHEETS):
        raise Http404("No such file.")
    visible = project_selectors.approval_list_for_contact(
        organisation=scope.organisation, contact=scope.contact
    )
    if not visible.filter(pk=approval_pk).exists():
        raise Http404("No such file.")


def attachment_get_for_staff(*, organisation: Organisation, public_id: UUID) -> Attachment:
    return get_for_scope(Attachment.objects.filter(organisation=organisation), public_id)


def contact_get_for_staff(*, organisation: Organisation, public_id: UUID) -> Contact:
    """A customer of the staff member's organisation (for statements); anything else 404."""
    return get_for_scope(Contact.objects.filter(organisation=organisation), public_id)
