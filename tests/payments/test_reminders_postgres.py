"""Two reminder jobs at once (two workers, a cron line and a worker) send each reminder once."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from portico.payments import reminders
from portico.payments.models import InvoiceReminder, ReminderSchedule
from portico.sales import services as sales
from tests.concurrency import all_at_once
from tests.contacts.factories import ContactFactory, ContactPersonFactory
from tests.orgs.factories import OrganisationFactory
from tests.sales import factories as make


def is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]

ISSUED = datetime.date(2026, 1, 15)
DUE = datetime.date(2026, 2, 14)


def test_reminder_jobs_running_at_once_send_each_reminder_exactly_once() -> None:
    # given an organisation that never used its schedule, and three invoices 7 days overdue
    organisation = OrganisationFactory(slug="race-remind", timezone="Europe/Berlin")
    contact = ContactFactory(organisation=organisation)
    # both receive documents by email, so both get the reminder (it goes out through Send)
    ContactPersonFactory(
        contact=contact, email="ap@customer.example", is_primary=True, receives_documents=True
    )
    ContactPersonFactory(contact=contact, email="boss@customer.example", receives_documents=True)
    sent_at = datetime.datetime(2026, 1, 15, 9, tzinfo=datetime.UTC)
    invoices = [
        sales.invoice_send(
            invoice=make.invoice(contact, send=False, issue_date=ISSUED, due_date=DUE),
            when=sent_at,
        )
        for _ in range(3)
    ]

    # when six reminder jobs run at the same moment on the stage's day
    with time_machine.travel(datetime.datetime(2026, 2, 21, 10, tzinfo=datetime.UTC), tick=False):
        results, errors = all_at_once(6, lambda _: reminders.reminders_send_due())

    # then one schedule was made, each invoice was reminded once, to both persons
    assert errors == []
    assert ReminderSchedule.objects.filter(organisation=organisation).count() == 1
    assert sum(results) == 3
    rows = InvoiceReminder.objects.filter(invoice__in=invoices)
    assert sorted(r.invoice_id for r in rows) == sorted(i.pk for i in invoices)
    assert {r.stage.days for r in rows if r.stage} == {7}
    assert len(mail.outbox) == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["ap@customer.example", "boss@customer.example"] * 3
    )
