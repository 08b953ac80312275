"""Numbers stay unique and gap-free when many invoices are created at once (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection, transaction

from portico.contacts.models import Contact
from portico.sales.models import Invoice
from tests.contacts.factories import ContactFactory
from tests.orgs.factories import OrganisationFactory
from tests.sales import factories as make


def is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def run_together(count: int, work: Callable[[int], None]) -> list[BaseException]:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def one(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_invoices_get_unique_numbers_without_gaps() -> None:
    # given a fresh organisation (its counter row does not exist yet)
    contact: Contact = ContactFactory(organisation=OrganisationFactory(slug="numbers"))

    # when twelve invoices are created at the same moment, and every third one rolls back
    def create(index: int) -> None:
        with transaction.atomic():
            make.invoice(contact, send=False)
            if index % 3 == 0:
                raise RuntimeError("rolled back on purpose")

    errors = run_together(12, create)

    # then only the deliberate failures failed, and the kept numbers run 1..8 without gaps
    assert len(errors) == 4 and all(isinstance(e, RuntimeError) for e in errors)
    numbers = sorted(Invoice.objects.filter(contact=contact).values_list("number", flat=True))
    assert numbers == [f"INV-{n:06d}" for n in range(1, 9)]


def test_concurrent_recurring_runs_create_each_period_once() -> None:
    # given a monthly profile three periods behind
    import datetime

    from portico.sales import services

    contact: Contact = ContactFactory(organisation=OrganisationFactory(slug="recurring-race"))
    profile = make.recurring_profile(contact, start_date=datetime.date(2026, 1, 15))

    # when four workers run the generator at the same moment
    errors = run_together(
        4, lambda _: services.recurring_generate_due(today=datetime.date(2026, 3, 20))
    )

    # then each period was invoiced exactly once, with gap-free numbers
    assert errors == []
    invoices = Invoice.objects.filter(recurring_profile=profile).order_by("recurring_period")
    assert [i.recurring_period for i in invoices] == [
        datetime.date(2026, 1, 15),
        datetime.date(2026, 2, 15),
        datetime.date(2026, 3, 15),
    ]
    assert sorted(i.number for i in invoices) == ["INV-000001", "INV-000002", "INV-000003"]
