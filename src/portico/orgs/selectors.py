"""Reads about an organisation that every layer above may need."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from portico.core.tenancy import get_for_scope
from portico.orgs.models import GatewayAccount, Organisation, PortalPreferences, Tax


def preferences_of(organisation: Organisation) -> PortalPreferences:
    """Saved preferences, or the defaults for an organisation that never saved any."""
    try:
        return organisation.portal_preferences
    except PortalPreferences.DoesNotExist:
        return PortalPreferences(organisation=organisation)


def language_of_organisation(*, slug: str) -> str:
    """The language of the organisation at this portal address ("" for no such organisation)."""
    return str(
        Organisation.objects.filter(slug=slug).values_list("language", flat=True).first() or ""
    )


def default_tax(*, organisation: Organisation) -> QuerySet[Tax]:
    return Tax.objects.filter(organisation=organisation, is_default=True)


def gateways_active(*, organisation: Organisation) -> QuerySet[GatewayAccount]:
    return GatewayAccount.objects.filter(organisation=organisation, is_active=True)


def portal_branded(*, organisation: Organisation) -> QuerySet[PortalPreferences]:
    """Preferences the business made its own: a brand colour of its choice or a banner."""
    default_colour = PortalPreferences._meta.get_field("brand_colour").default
    return PortalPreferences.objects.filter(organisation=organisation).exclude(
        brand_colour__iexact=default_colour, banner_text=""
    )


def business_details_complete(organisation: Organisation) -> bool:
    """Enough for a document's letterhead: an address, a country and a logo."""
    return bool(
        organisation.street and organisation.city and organisation.country and organisation.logo
    )


def tax_get_for_staff(*, organisation: Organisation, tax_id: UUID | str) -> Tax:
    """One of the organisation's taxes; another organisation's is the same 404 as a missing one."""
    return get_for_scope(
        Tax.objects.filter(organisation=organisation), tax_id, message="Not found."
    )
