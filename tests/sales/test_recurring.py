"""Recurring profiles and the idempotent generator."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from portico.contacts.models import Contact
from portico.payments import ledger
from portico.sales import services, tasks
from portico.sales.models import Invoice, RecurringProfile
from portico.sales.models.recurring import add_months
from tests.sales import factories as make

pytestmark = pytest.mark.django_db

D = datetime.date


def test_running_the_generator_twice_creates_one_invoice_per_period(customer_a: Contact) -> None:
    # given a monthly profile starting 15 January
    profile = make.recurring_profile(customer_a, start_date=D(2026, 1, 15))

    # when the generator runs twice on 20 March
    first = services.recurring_generate_due(today=D(2026, 3, 20))
    second = services.recurring_generate_due(today=D(2026, 3, 20))

    # then January, February and March were invoiced once each, and sent
    assert [invoice.issue_date for invoice in first] == [
        D(2026, 1, 15),
        D(2026, 2, 15),
        D(2026, 3, 15),
    ]
    assert second == []
    invoices = Invoice.objects.filter(recurring_profile=profile)
    assert invoices.count() == 3
    assert {invoice.status for invoice in invoices} == {"sent"}
    assert {invoice.total for invoice in invoices} == {Decimal("45.00")}
    assert RecurringProfile.objects.get(pk=profile.pk).next_date == D(2026, 4, 15)
    assert ledger.check() == []


def test_the_task_takes_an_iso_date(customer_a: Contact) -> None:
    make.recurring_profile(customer_a, start_date=D(2026, 1, 15))
    tasks.generate_recurring_invoices.enqueue(today="2026-01-31")
    assert Invoice.objects.count() == 1


def test_a_deleted_profile_generates_nothing(customer_a: Contact) -> None:
    profile = make.recurring_profile(customer_a, start_date=D(2026, 1, 15))
    services.recurring_profile_delete(profile=profile)
    assert services.recurring_generate_due(today=D(2026, 3, 1)) == []
    services.recurring_profile_restore(profile=profile)
    assert len(services.recurring_generate_due(today=D(2026, 3, 1))) == 2


def test_the_end_date_stops_the_profile(customer_a: Contact) -> None:
    make.recurring_profile(
        customer_a, start_date=D(2026, 1, 15), end_date=D(2026, 2, 28), frequency="weekly"
    )
    made = services.recurring_generate_due(today=D(2026, 12, 31))
    assert made[-1].issue_date == D(2026, 2, 26)
    assert len(made) == 7


def test_month_ends_are_clipped_and_recover() -> None:
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    profile = RecurringProfile(start_date=D(2026, 1, 31), frequency="monthly")
    assert profile.period_after(D(2026, 2, 28)) == D(2026, 3, 31)
