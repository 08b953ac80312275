"""Back-office actions on contact persons and customers: enable, reinvite, disable, reset 2FA."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from portico.activity import invitations
from portico.contacts.models import Contact, ContactPerson
from tests.contacts.factories import ContactPersonFactory

pytestmark = pytest.mark.django_db
Status = ContactPerson.PortalStatus


def act(client: Client, model: str, action: str, ids: list[int]) -> list[str]:
    response = client.post(
        reverse(f"admin:contacts_{model}_changelist"),
        {"action": action, "_selected_action": [str(i) for i in ids]},
        follow=True,
    )
    assert response.status_code == 200
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_enabling_from_the_persons_list_invites_and_reports_skips(
    owner_client: Client,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    django_capture_on_commit_callbacks: Any,
) -> None:
    no_email = ContactPersonFactory(
        contact=customer_a, email="", first_name="Nomail", last_name="X"
    )

    with django_capture_on_commit_callbacks(execute=True):
        notes = act(
            owner_client, "contactperson", "enable_portal", [customer_a_person.pk, no_email.pk]
        )

    customer_a_person.refresh_from_db()
    assert customer_a_person.portal_status == Status.INVITED
    assert [m.to for m in mail.outbox] == [[customer_a_person.email]]
    assert any("Portal enabled for 1 person" in n for n in notes)
    assert any("Nomail X (no email address)" in n for n in notes)


def test_enabling_from_the_customers_list_covers_their_persons(
    owner_client: Client,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    customer_b_person: ContactPerson,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        act(owner_client, "contact", "enable_portal", [customer_a.pk])

    customer_a_person.refresh_from_db()
    customer_b_person.refresh_from_db()
    assert customer_a_person.portal_status == Status.INVITED
    assert customer_b_person.portal_status == Status.NOT_ENABLED


def test_another_organisations_person_cannot_be_enabled_from_here(
    owner_client: Client, other_org_person: ContactPerson
) -> None:
    act(owner_client, "contactperson", "enable_portal", [other_org_person.pk])

    other_org_person.refresh_from_db()
    assert other_org_person.portal_status == Status.NOT_ENABLED


def test_reinvite_disable_and_reset_two_factor(
    owner_client: Client,
    customer_a_person: ContactPerson,
    password: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitations.portal_access_enable(person=customer_a_person)
        act(owner_client, "contactperson", "reinvite", [customer_a_person.pk])
    assert len(mail.outbox) == 2

    customer_a_person.refresh_from_db()
    TOTPDevice.objects.create(user=customer_a_person.user, name="phone", confirmed=True)
    act(owner_client, "contactperson", "reset_two_factor", [customer_a_person.pk])
    assert not user_has_device(customer_a_person.user)

    act(owner_client, "contactperson", "disable_portal", [customer_a_person.pk])
    customer_a_person.refresh_from_db()
    assert customer_a_person.portal_status == Status.DISABLED


def test_the_persons_list_shows_status_role_and_last_login(
    owner_client: Client, customer_a_person: ContactPerson, password: str
) -> None:
    invitations.portal_access_enable(person=customer_a_person, password=password)

    page = owner_client.get(reverse("admin:contacts_contactperson_changelist")).content.decode()

    assert "Active" in page
    assert "Full access" in page
    assert "last portal login" in page.lower()


def test_staff_can_open_the_portal_with_an_initial_password(
    owner_client: Client, customer_a_person: ContactPerson
) -> None:
    url = reverse("admin:contacts_contactperson_change", args=[customer_a_person.pk])
    data = {
        "contact": customer_a_person.contact_id,
        "first_name": customer_a_person.first_name,
        "last_name": customer_a_person.last_name,
        "email": customer_a_person.email,
        "language": "en",
        "portal_role": "billing",
        "portal_password": "staff-chosen-passphrase-9",
    }

    response = owner_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    customer_a_person.refresh_from_db()
    assert customer_a_person.portal_status == Status.ACTIVE
    assert customer_a_person.portal_role == "billing"
    assert customer_a_person.user.check_password("staff-chosen-passphrase-9")
    assert mail.outbox == []
