"""Reads about an organisation that every layer above may need."""

from __future__ import annotations

from portico.orgs.models import Organisation, PortalPreferences


def preferences_of(organisation: Organisation) -> PortalPreferences:
    """Saved preferences, or the defaults for an organisation that never saved any."""
    try:
        return organisation.portal_preferences
    except PortalPreferences.DoesNotExist:
        return PortalPreferences(organisation=organisation)
