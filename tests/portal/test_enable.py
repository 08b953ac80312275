"""Enabling the portal for one person or many; bulk runs skip with reasons and stay fast."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portico.accounts.models import User
from portico.activity import invitations
from portico.activity.models import ActivityLog
from portico.contacts.models import Contact, ContactPerson, PortalToken
from portico.core.errors import DomainError
from portico.orgs.models import Organisation
from tests.accounts.factories import StaffFactory
from tests.contacts.factories import ContactPersonFactory

pytestmark = pytest.mark.django_db
Status = ContactPerson.PortalStatus


def test_enabling_a_person_without_an_email_is_refused_clearly(customer_a: Contact) -> None:
    person = ContactPersonFactory(contact=customer_a, email="")

    with pytest.raises(DomainError) as refused:
        invitations.portal_access_enable(person=person)

    assert refused.value.code == "no_email"
    assert "no email address" in refused.value.message
    person.refresh_from_db()
    assert person.portal_status == Status.NOT_ENABLED


def test_staff_may_set_an_initial_password_instead_of_inviting(
    customer_a_person: ContactPerson, password: str
) -> None:
    invitations.portal_access_enable(person=customer_a_person, password=password)

    customer_a_person.refresh_from_db()
    assert customer_a_person.portal_status == Status.ACTIVE
    assert customer_a_person.user.check_password(password)
    assert not customer_a_person.user.is_staff
    assert mail.outbox == []


def test_a_weak_initial_password_is_refused(customer_a_person: ContactPerson) -> None:
    with pytest.raises(DomainError):
        invitations.portal_access_enable(person=customer_a_person, password="123")


def test_an_email_of_a_back_office_user_is_refused(customer_a: Contact) -> None:
    StaffFactory(email="staff@customer-a.example")
    person = ContactPersonFactory(contact=customer_a, email="Staff@customer-a.example")

    with pytest.raises(DomainError):
        invitations.portal_access_enable(person=person)


def test_bulk_enable_invites_those_it_can_and_says_why_it_skipped_the_others(
    org: Organisation, customer_a: Contact, django_capture_on_commit_callbacks: Any
) -> None:
    # given three persons who can be invited, one without email, one already active
    good = [ContactPersonFactory(contact=customer_a) for _ in range(3)]
    no_email = ContactPersonFactory(contact=customer_a, email="", first_name="Noemail")
    active = ContactPersonFactory(contact=customer_a)
    invitations.portal_access_enable(person=active, password="a-long-enough-passphrase")

    # when they are all enabled at once
    with django_capture_on_commit_callbacks(execute=True):
        report = invitations.portal_access_enable_many(
            persons=ContactPerson.objects.in_organisation(org)
        )

    # then the good ones are invited and emailed, the others are listed with a reason
    assert sorted(report.enabled) == sorted(p.pk for p in good)
    assert {(p.pk, reason) for p, reason in report.skipped} == {
        (no_email.pk, "no email address"),
        (active.pk, "already active"),
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in good)
    assert PortalToken.objects.count() == 3


def test_the_same_email_for_two_customers_shares_one_login(
    customer_a: Contact, customer_b: Contact, org: Organisation
) -> None:
    ContactPersonFactory(contact=customer_a, email="shared@x.example")
    ContactPersonFactory(contact=customer_b, email="SHARED@x.example")

    invitations.portal_access_enable_many(persons=ContactPerson.objects.in_organisation(org))

    assert User.objects.filter(email="shared@x.example").count() == 1
    assert set(ContactPerson.objects.values_list("user__email", flat=True)) == {"shared@x.example"}


def test_bulk_enabling_ten_thousand_persons_is_bulk_work_with_invitations_queued(
    org: Organisation, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    # given 10,000 persons across 1,000 customers, and a real queue
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    contacts = Contact.objects.bulk_create(
        [Contact(organisation=org, display_name=f"Bulk {n}", currency="USD") for n in range(1000)]
    )
    ContactPerson.objects.bulk_create(
        [
            ContactPerson(
                organisation=org,
                contact=contact,
                first_name=f"P{n}",
                email=f"p{c}-{n}@bulk.example",
            )
            for c, contact in enumerate(contacts)
            for n in range(10)
        ],
        batch_size=2000,
    )

    # when they are enabled in one go
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = invitations.portal_access_enable_many(
            persons=ContactPerson.objects.in_organisation(org)
        )

    # then a bounded number of queries did it, and the invitations wait in the queue
    assert len(report.enabled) == 10_000
    # (the audit trail's row per person is bulk-inserted too: SQLite takes ~50 rows an INSERT)
    fields = [f for f in ActivityLog._meta.concrete_fields if not f.primary_key]
    rows = [None] * 10_000  # PostgreSQL's batch is every row; SQLite's is bounded by its parameters
    audit_inserts = 10_000 // connection.ops.bulk_batch_size(fields, rows) + 1
    assert len(queries) < 300 + audit_inserts, len(queries)
    assert ActivityLog.objects.filter(action="portal_invited").count() == 10_000
    assert DBTaskResult.objects.count() == 10_000 // invitations.INVITATION_BATCH
    assert mail.outbox == []
    assert ContactPerson.objects.filter(portal_status=Status.INVITED).count() == 10_000
