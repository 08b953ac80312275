"""Customer A's person logged in to the portal, and the pages' URLs."""

from __future__ import annotations

import pytest
from django.test import Client

from portico.contacts.models import Contact, ContactPerson
from portico.contacts.scope import PortalScope
from portico.orgs.models import Organisation
from tests.portal.conftest import enable_with_password, portal_login


@pytest.fixture
def scope(org: Organisation, customer_a: Contact, active_person: ContactPerson) -> PortalScope:
    return PortalScope(org, customer_a, active_person)


def logged_in(person: ContactPerson, password: str) -> Client:
    client = Client(HTTP_USER_AGENT="pytest-portal")
    enable_with_password(person, password)
    response = portal_login(client, person.organisation, person.email, password)
    assert response.status_code == 302, response.content[:300]
    return client


def url(org: Organisation, path: str = "") -> str:
    return f"/portal/{org.slug}/{path}"
