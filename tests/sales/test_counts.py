"""The portal lists' kept counts: moved where documents are created or change status, proved and
repaired by `portico ledger check`, read by the lists instead of a count over the history."""

from __future__ import annotations

import datetime
import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from portico.contacts.models import Contact
from portico.payments import ledger as checks
from portico.sales import counts
from portico.sales import services as sales_services
from portico.sales.models import AccountCount
from tests.sales import factories as sales
from tests.sales.test_customer_account import pay

pytestmark = pytest.mark.django_db


def kept(contact: Contact, kind: str) -> dict[str, int]:
    return dict(
        AccountCount.objects.filter(contact=contact, kind=kind, n__gt=0).values_list("key", "n")
    )


def test_invoices_are_counted_by_kind_and_status_from_the_moment_the_portal_shows_them(
    customer_a: Contact,
) -> None:
    # given a draft, two sent invoices and a retainer
    draft = sales.invoice(customer_a, send=False)
    first = sales.invoice(customer_a, "100.00")
    second = sales.invoice(customer_a, "40.00")
    sales.invoice(customer_a, "200.00", kind="retainer")
    assert kept(customer_a, "invoice") == {"regular:sent": 2, "retainer:sent": 1}

    # when one is paid in part, one voided, and the draft voided before anyone saw it
    pay(customer_a, "30.00", (first, "30.00"))
    sales_services.invoice_void(invoice=second)
    sales_services.invoice_void(invoice=draft)

    # then each state counts what the portal shows, and the documents agree
    assert kept(customer_a, "invoice") == {
        "regular:partially_paid": 1,
        "regular:void": 1,
        "retainer:sent": 1,
    }
    assert kept(customer_a, "payment") == {"offline": 1}
    assert checks.counts_check() == []


def test_estimates_are_counted_when_sent_answered_and_expired_in_bulk(
    customer_a: Contact, customer_b: Contact
) -> None:
    # given two estimates sent to A, one to B, and a draft
    sent = [sales_services.estimate_send(estimate=sales.estimate(customer_a)) for _ in range(2)]
    expiring = sales.estimate(customer_b, expiry_date=sales.DAY + datetime.timedelta(days=5))
    sales_services.estimate_send(estimate=expiring)
    sales.estimate(customer_a)
    # when A accepts one and the unanswered ones expire
    sales_services.estimate_accept(estimate=sent[0], signed_name="Ann")
    sales_services.estimate_expire_due(today=sales.DAY + datetime.timedelta(days=30))
    # then
    assert kept(customer_a, "estimate") == {"accepted": 1, "sent": 1}
    assert kept(customer_b, "estimate") == {"expired": 1}
    assert checks.counts_check() == []


def test_the_ledger_check_reports_a_count_adrift_and_repairs_it(customer_a: Contact) -> None:
    # given a customer's counts that drifted from their invoices
    sales.invoice(customer_a)
    AccountCount.objects.filter(contact=customer_a, kind="invoice").update(n=7)
    # when the check runs with --repair
    err = StringIO()
    with pytest.raises(CommandError, match=r"1 list count\(s\) adrift.*\(repaired\)"):
        call_command("ledger", "check", "--no-gateway", "--repair", stderr=err)
    # then it said what differed, and the counts agree again
    assert "invoice regular:sent counted 7 (documents: 1)" in err.getvalue()
    assert kept(customer_a, "invoice") == {"regular:sent": 1}
    call_command("ledger", "check", "--no-gateway", stdout=StringIO())


def test_the_migration_fills_the_counts_of_existing_documents(
    customer_a: Contact, customer_b: Contact
) -> None:
    invoice = sales.invoice(customer_a)
    sales.invoice(customer_b, kind="retainer")
    pay(customer_a, "100.00", (invoice, "100.00"))
    AccountCount.objects.all().delete()

    importlib.import_module("portico.sales.migrations.0013_account_counts_fill").fill(apps, None)

    assert kept(customer_a, "invoice") == {"regular:paid": 1}
    assert kept(customer_a, "payment") == {"offline": 1}
    assert kept(customer_b, "invoice") == {"retainer:sent": 1}
    assert checks.counts_check() == []


def test_two_moves_of_one_customer_add_up(customer_a: Contact) -> None:
    for before, after in (("", "sent"), ("", "sent"), ("sent", "declined")):
        counts.shift(
            organisation_id=customer_a.organisation_id,
            contact_id=customer_a.pk,
            kind="estimate",
            before=before,
            after=after,
        )
    assert kept(customer_a, "estimate") == {"sent": 1, "declined": 1}
