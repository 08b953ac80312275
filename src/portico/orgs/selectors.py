"""Reads about an organisation that every layer above may need."""

from __future__ import annotations

from uuid import UUID

from portico.core.tenancy import get_for_scope
from portico.orgs.models import Organisation, PortalPreferences, Tax


def preferences_of(organisation: Organisation) -> PortalPreferences:
    """Saved preferences, or the defaults for an organisation that never saved any."""
    try:
        return organisation.portal_preferences
    except PortalPreferences.DoesNotExist:
        return PortalPreferences(organisation=organisation)


def tax_get_for_staff(*, organisation: Organisation, tax_id: UUID | str) -> Tax:
    """One of the organisation's taxes; another organisation's is the same 404 as a missing one."""
    return get_for_scope(
        Tax.objects.filter(organisation=organisation), tax_id, message="Not found."
    )
