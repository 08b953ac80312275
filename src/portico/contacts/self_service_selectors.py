"""Reads for the portal's self-service pages; each takes the portal scope (or its organisation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from portico.contacts.models import (
    ContactPerson,
    DetailsChangeItem,
    PendingEmailChange,
    Review,
    SelfServiceSettings,
)
from portico.contacts.scope import PortalScope
from portico.core.timezones import first_language

if TYPE_CHECKING:
    from portico.orgs.models import Organisation


def settings_of(organisation: Organisation) -> SelfServiceSettings:
    """Saved settings, or the defaults for an organisation that never saved any."""
    found = SelfServiceSettings.objects.filter(organisation=organisation).first()
    return found or SelfServiceSettings(organisation=organisation)


def persons_of_customer(*, scope: PortalScope) -> list[ContactPerson]:
    """The contact persons of the scope's customer, primary first."""
    return list(
        ContactPerson.objects.in_organisation(scope.organisation).filter(contact=scope.contact)
    )


def review_of(*, scope: PortalScope) -> Review | None:
    return Review.objects.filter(organisation=scope.organisation, person=scope.person).first()


def pending_changes_of(*, scope: PortalScope) -> list[DetailsChangeItem]:
    """The customer's company details changes still waiting for the business."""
    return list(
        DetailsChangeItem.objects.filter(
            organisation=scope.organisation,
            contact=scope.contact,
            status=DetailsChangeItem.Status.PENDING,
        ).order_by("created_at", "id")
    )


def pending_email_change_of(*, scope: PortalScope) -> PendingEmailChange | None:
    """The newest email change of this person whose link still works."""
    return (
        PendingEmailChange.objects.filter(
            organisation=scope.organisation,
            person=scope.person,
            token__used_at__isnull=True,
            token__revoked_at__isnull=True,
            token__expires_at__gt=timezone.now(),
        )
        .order_by("-created_at")
        .first()
    )


def language_for_user(*, user_id: int, org_slug: str) -> str:
    """The user's portal language at this organisation: their person's, else the customer's, else
    the organisation's ("" when the user is no person there)."""
    chain = (
        ContactPerson.objects.filter(user_id=user_id, organisation__slug=org_slug)
        .order_by("pk")
        .values_list("language", "contact__language", "organisation__language")
        .first()
    )
    return first_language(*chain) if chain else ""
