from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from portico.accounts.models import Membership, User
from portico.contacts.models import Contact, ContactPerson
from portico.orgs.models import Organisation, Tax

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "customers": Contact.objects.count(),
        "persons": ContactPerson.objects.count(),
        "taxes": Tax.objects.count(),
    }


def test_demo_creates_demo_studio_and_prints_the_logins() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    organisation = Organisation.objects.get(slug="demo")
    assert organisation.name == "Demo Studio"
    assert Tax.objects.get(organisation=organisation, is_default=True)
    assert Contact.objects.filter(organisation=organisation).count() >= 12
    assert Membership.objects.get(organisation=organisation).role == Membership.Role.OWNER
    assert "owner@demo.portico.test" in out.getvalue()
    assert "/admin/" in out.getvalue()


def test_demo_twice_neither_fails_nor_duplicates() -> None:
    call_command("demo", stdout=StringIO())
    first = counts()
    call_command("demo", stdout=StringIO())
    assert counts() == first
