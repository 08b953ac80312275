"""The demo gives Acme Corporation a realistic history, and the ledger agrees with it."""

from __future__ import annotations

import pytest

from portico.contacts.models import Contact
from portico.devdata import demo
from portico.payments import ledger
from portico.payments.models import Payment
from portico.sales.models import CreditNote, Estimate, Invoice, RecurringProfile, SalesOrder

pytestmark = pytest.mark.django_db


def test_the_demo_books_are_realistic_consistent_and_loaded_once() -> None:
    # given the demo loaded twice
    demo.load(say=lambda _: None)
    demo.load(say=lambda _: None)

    # then Acme has its history, once
    acme = Contact.objects.get(display_name="Acme Corporation")
    invoices = Invoice.objects.filter(contact=acme)
    regular = invoices.filter(kind="regular", recurring_profile__isnull=True)
    assert 30 <= regular.count() <= 34
    statuses = set(regular.values_list("status", flat=True))
    assert {"paid", "partially_paid", "sent", "viewed", "void", "draft"} <= statuses
    assert invoices.overdue().count() >= 3
    assert invoices.filter(kind="retainer").count() == 2
    estimates = set(Estimate.objects.filter(contact=acme).values_list("status", flat=True))
    assert {"sent", "viewed", "accepted", "declined", "expired", "invoiced"} <= estimates
    assert SalesOrder.objects.filter(contact=acme).count() == 3
    assert SalesOrder.objects.get(contact=acme, status="fulfilled").invoices.count() == 1
    assert CreditNote.objects.filter(contact=acme).count() == 2
    assert RecurringProfile.objects.filter(contact=acme).count() == 1
    assert Payment.objects.filter(contact=acme).count() > 20
    assert Invoice.objects.exclude(contact=acme).count() >= 9

    # and every customer's ledger agrees with the documents
    assert ledger.check() == []
