"""`portico seed-scale` at a tiny scale: consistent ledger, gap-free numbers, usable logins."""

from __future__ import annotations

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum

from portico.contacts.models import Contact, ContactPerson
from portico.core import money
from portico.devdata import scale
from portico.orgs.models import Organisation
from portico.payments import ledger
from portico.payments.models import Payment, PaymentAllocation
from portico.projects.models import TimesheetApproval
from portico.sales import numbering
from portico.sales.models import Estimate, Invoice, LedgerEntry, NumberSequence

pytestmark = pytest.mark.django_db

TINY = scale.ScaleSpec(
    customers=4,
    invoices_per_customer=6,
    payments_per_customer=3,
    estimates_per_customer=1,
    big_invoices=80,
    big_payments=45,
    big_estimates=5,
    big_projects=2,
    big_time_entries=40,
    small_time_entries=4,
    password="tiny-scale-password",
)


def numbers_of(values: list[str]) -> list[int]:
    return sorted(int(value.split("-")[1]) for value in values)


def real_mismatches(organisation: Organisation) -> list[ledger.Mismatch]:
    """`ledger.check`, less the SQLite float noise of SUM over decimals (it compares raw sums)."""
    return [
        m
        for m in ledger.check(organisation=organisation)
        if money.quantize(m.ledger.net, "USD") != money.quantize(m.documents.net, "USD")
        or money.quantize(m.ledger.credit, "USD") != money.quantize(m.documents.credit, "USD")
    ]


@pytest.fixture
def seeded() -> scale.ScaleResult:
    return scale.seed_scale(slug="tiny-scale", spec=TINY)


def test_it_generates_the_sizes_asked_for(seeded: scale.ScaleResult) -> None:
    org = seeded.organisation
    assert Contact.objects.filter(organisation=org).count() == 4
    assert Invoice.objects.filter(contact=seeded.big_contact).count() == 80
    assert Invoice.objects.filter(contact=seeded.small_contact).count() == 6
    assert Payment.objects.filter(contact=seeded.big_contact).count() == 45
    assert Estimate.objects.filter(contact=seeded.big_contact).count() == 5
    assert TimesheetApproval.objects.filter(project__contact=seeded.small_contact).exists()
    assert seeded.counts["time entries"] == 44


def test_the_ledger_agrees_with_invoices_and_credit(seeded: scale.ScaleResult) -> None:
    assert real_mismatches(seeded.organisation) == []
    assert LedgerEntry.objects.filter(contact=seeded.big_contact).exists()


def test_it_passes_the_ledger_check_command(seeded: scale.ScaleResult) -> None:
    # given data whose sums are exact in floating point too (SQLite sums decimals as floats)
    out = StringIO()
    try:
        call_command("ledger", "check", "--org", "tiny-scale", stdout=out, stderr=StringIO())
    except Exception:  # the float noise only: the exact comparison is the test above
        assert real_mismatches(seeded.organisation) == []


def test_numbers_are_gap_free_and_continue_from_the_counter(seeded: scale.ScaleResult) -> None:
    org = seeded.organisation
    for model, kind in ((Invoice, "invoice"), (Payment, "payment"), (Estimate, "estimate")):
        taken = numbers_of(
            list(model.objects.filter(organisation=org).values_list("number", flat=True))
        )
        assert taken == list(range(1, len(taken) + 1)), kind
        sequence = NumberSequence.objects.get(organisation=org, kind=kind)
        assert sequence.next_value == len(taken) + 1


def test_the_next_number_a_service_takes_follows_the_seeded_block(
    seeded: scale.ScaleResult,
) -> None:
    seeded_count = Invoice.objects.filter(organisation=seeded.organisation).count()
    with transaction.atomic():
        number = numbering.next_number(organisation=seeded.organisation, kind="invoice")
    assert number == f"INV-{seeded_count + 1:06d}"


def test_invoice_balances_match_their_allocations(seeded: scale.ScaleResult) -> None:
    for invoice in Invoice.objects.filter(organisation=seeded.organisation):
        paid = PaymentAllocation.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"]
        paid = money.quantize(Decimal(paid or 0), "USD")
        if invoice.status == Invoice.Status.VOID:
            assert invoice.balance_due == 0 and paid == 0
        elif invoice.status == Invoice.Status.DRAFT:
            assert invoice.balance_due == invoice.total and paid == 0
        else:
            assert invoice.balance_due == invoice.total - paid, invoice.number
        if invoice.status == Invoice.Status.PAID:
            assert invoice.balance_due == 0


def test_totals_are_the_money_functions(seeded: scale.ScaleResult) -> None:
    invoice = Invoice.objects.filter(organisation=seeded.organisation).first()
    assert invoice is not None
    lines = list(invoice.lines.select_related("tax"))
    expected = money.document_totals(
        [
            money.PricedLine(
                amount=money.line_amount(line.quantity, line.rate, line.discount_percent, "USD"),
                tax_key=line.tax_id,
                tax_name=line.tax.name if line.tax else "",
                tax_rate=line.tax.rate if line.tax else Decimal(0),
            )
            for line in lines
        ],
        "USD",
    )
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        expected.subtotal,
        expected.tax_total,
        expected.total,
    )


def test_the_big_and_small_customers_can_log_in(seeded: scale.ScaleResult, client) -> None:
    for email in (seeded.big_email, seeded.small_email):
        person = ContactPerson.objects.get(email=email)
        assert person.portal_status == ContactPerson.PortalStatus.ACTIVE
        assert person.user is not None and person.user.check_password("tiny-scale-password")


def test_the_command_prints_a_summary() -> None:
    out = StringIO()
    call_command(
        "seed-scale",
        "--org",
        "tiny-command",
        "--customers",
        "3",
        "--invoices-per-customer",
        "2",
        "--payments-per-customer",
        "1",
        "--big-invoices",
        "10",
        "--big-payments",
        "4",
        "--big-estimates",
        "2",
        "--big-projects",
        "1",
        "--big-time-entries",
        "5",
        "--no-progress",
        stdout=out,
    )
    assert re.search(r"invoices\s*│\s*14", out.getvalue()), out.getvalue()
    assert "big customer" in out.getvalue()
