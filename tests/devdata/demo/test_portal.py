"""`portico demo` opens the portal for Acme's and Blue Harbor's people and prints the logins."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from portico.contacts.models import ContactPerson
from portico.devdata.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
Status = ContactPerson.PortalStatus


def test_the_demo_has_portal_logins_on_both_sides_of_the_wall() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    call_command("demo", stdout=StringIO())  # safe to run twice

    person = {p.email: p for p in ContactPerson.objects.filter(organisation__slug="demo")}
    assert person["alice@acme.example"].portal_status == Status.ACTIVE
    assert person["arthur@acme.example"].portal_status == Status.INVITED
    assert person["amira@acme.example"].portal_status == Status.ACTIVE
    assert person["amira@acme.example"].portal_role == ContactPerson.PortalRole.BILLING
    assert person["ben@blueharbor.example"].portal_status == Status.ACTIVE
    assert f"alice@acme.example / {DEMO_PASSWORD}" in out.getvalue()
    assert "/portal/demo/" in out.getvalue()

    client = Client()
    response = client.post(
        "/portal/demo/login", {"email": "ben@blueharbor.example", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert "Blue Harbor Cafe" in client.get("/portal/demo/").content.decode()
