"""Portal personas: customer A's person with an active login, and helpers to log in."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from portico.activity import invitations
from portico.contacts.models import ContactPerson
from portico.orgs.models import Organisation


def enable_with_password(
    person: ContactPerson, password: str, role: str | None = None
) -> ContactPerson:
    return invitations.portal_access_enable(person=person, password=password, role=role)


def portal_login(client: Client, org: Organisation, email: str, password: str, **extra: Any) -> Any:
    return client.post(f"/portal/{org.slug}/login", {"email": email, "password": password}, **extra)


def link_in_last_email(path_part: str) -> str:
    """The path of the link containing `path_part` in the newest email of the outbox."""
    message = mail.outbox[-1]
    found = re.search(
        r"https?://[^/\s]+(/portal/\S*" + re.escape(path_part) + r"\S*)", message.body
    )
    assert found, message.body
    return found.group(1)


@pytest.fixture
def active_person(customer_a_person: ContactPerson, password: str) -> ContactPerson:
    return enable_with_password(customer_a_person, password)


@pytest.fixture
def portal_client(active_person: ContactPerson, password: str) -> Client:
    client = Client()
    response = portal_login(client, active_person.organisation, active_person.email, password)
    assert response.status_code == 302, response.content[:500]
    return client
