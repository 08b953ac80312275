"""Reads about customers for the business's side, scoped to the organisation first."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from portico.contacts.models import Contact, ContactPerson, DetailsChangeItem
from portico.orgs.models import Organisation


def details_changes_to_review(*, organisation: Organisation) -> QuerySet[DetailsChangeItem]:
    """Changes customers made to their details in the portal, waiting for the business."""
    return DetailsChangeItem.objects.filter(
        organisation=organisation, status=DetailsChangeItem.Status.PENDING
    )


def customers(*, organisation: Organisation) -> QuerySet[Contact]:
    return Contact.objects.filter(organisation=organisation, is_deleted=False)


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
