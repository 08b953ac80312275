"""A portal scope for customer A's active person, for calling the services directly."""

from __future__ import annotations

import pytest

from portico.contacts.models import ContactPerson
from portico.contacts.scope import PortalScope


@pytest.fixture
def scope(active_person: ContactPerson) -> PortalScope:
    person = ContactPerson.objects.select_related("contact", "organisation", "user").get(
        pk=active_person.pk
    )
    return PortalScope(person.organisation, person.contact, person)
