"""Reads of customers for the business (staff, the dashboard, the Books API): always within
one organisation."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from portico.contacts.models import Contact, ContactPerson, DetailsChangeItem
from portico.core.tenancy import get_for_scope
from portico.orgs.models import Organisation


def contacts_for_staff(*, organisation: Organisation) -> QuerySet[Contact]:
    return Contact.objects.filter(organisation=organisation, is_deleted=False)


def contact_get_for_staff(*, organisation: Organisation, contact_id: UUID | str) -> Contact:
    """Missing, deleted, another organisation's and malformed ids raise the same 404."""
    return get_for_scope(
        contacts_for_staff(organisation=organisation), contact_id, message="Not found."
    )


def person_get_for_staff(*, organisation: Organisation, person_id: UUID | str) -> ContactPerson:
    persons = ContactPerson.objects.in_organisation(organisation).select_related("contact")
    return get_for_scope(persons, person_id, message="Not found.")


def persons_for_staff(
    *, organisation: Organisation, person_ids: list[UUID]
) -> QuerySet[ContactPerson]:
    return ContactPerson.objects.in_organisation(organisation).filter(public_id__in=person_ids)


def details_changes_to_review(*, organisation: Organisation) -> QuerySet[DetailsChangeItem]:
    """Changes customers made to their details in the portal, waiting for the business."""
    return DetailsChangeItem.objects.filter(
        organisation=organisation, status=DetailsChangeItem.Status.PENDING
    )


def persons_invited_to_portal(*, organisation: Organisation) -> QuerySet[ContactPerson]:
    """Contact persons who were invited to the portal (whether or not they came yet)."""
    return ContactPerson.objects.filter(
        organisation=organisation,
        contact__is_deleted=False,
        portal_status__in=[
            ContactPerson.PortalStatus.INVITED,
            ContactPerson.PortalStatus.ACTIVE,
        ],
    )


def person_for_staff_preview(
    *, user: Any, organisation: Organisation, person_id: object
) -> ContactPerson | None:
    """The person a staff member may preview the portal as: a member of `organisation`, and a
    portal-active person of a live customer of it. Anything else is None."""
    from portico.accounts.models import Membership

    if not isinstance(person_id, int) or not getattr(user, "is_authenticated", False):
        return None
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        return None
    return (
        ContactPerson.objects.in_organisation(organisation)
        .filter(
            pk=person_id,
            portal_status=ContactPerson.PortalStatus.ACTIVE,
            contact__is_deleted=False,
        )
        .select_related("contact")
        .first()
    )
