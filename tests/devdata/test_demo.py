from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from portico.accounts.models import Membership, User
from portico.contacts.models import Contact, ContactPerson
from portico.orgs.models import Organisation, Tax
from portico.payments.models import InvoiceReminder

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


def test_the_demo_has_an_overdue_invoice_reminded_by_the_schedule(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=StringIO())
    organisation = Organisation.objects.get(slug="demo")

    reminder = InvoiceReminder.objects.get(invoice__organisation=organisation)
    assert reminder.stage is not None and reminder.stage.days == 7 and not reminder.manual
    assert (
        reminder.invoice.is_overdue and reminder.invoice.contact.display_name == "Kestrel Robotics"
    )
    assert [m.to for m in mail.outbox if "overdue" in m.subject] == [["kai@kestrel.example"]]

    # a second run neither duplicates the invoice nor reminds it again
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=StringIO())
    assert InvoiceReminder.objects.filter(invoice__organisation=organisation).count() == 1
