"""Demo step: the payments and credit the sales step planned, then the ledger check."""

from __future__ import annotations

from django.db import transaction

from portico.devdata.demo.context import DemoContext
from portico.devdata.demo.sales import Planned, PlannedCredit, PlannedPayment
from portico.payments import ledger, services
from portico.payments.models import CustomerCredit
from portico.sales.models import CreditNote, Invoice


def _pay(planned: PlannedPayment) -> None:
    amount = sum((part for _, part in planned.allocations), planned.extra)
    services.payment_record(
        contact=planned.contact,
        amount=amount,
        date=planned.date,
        mode=planned.mode,
        reference=f"Remittance {planned.date:%d %b %Y}",
        allocations=planned.allocations,
    )


def _spend(planned: PlannedCredit) -> None:
    source = planned.source
    if isinstance(source, CreditNote):
        credit = CustomerCredit.objects.get(credit_note=source)
    else:
        credit = CustomerCredit.objects.get(retainer_invoice=source)
    invoice = Invoice.objects.get(pk=planned.invoice.pk)
    amount = min(credit.remaining, invoice.balance_due)
    services.credit_apply(credit=credit, invoice=invoice, amount=amount, date=planned.date)
    invoice.refresh_from_db()
    if planned.pay_rest and invoice.balance_due > 0:
        _pay(PlannedPayment(planned.contact, planned.date, [(invoice, invoice.balance_due)]))


def load(context: DemoContext) -> None:
    plan: list[Planned] = context.extra.get("payment_plan", [])
    with transaction.atomic():
        for planned in sorted(plan, key=lambda p: p.date):
            if isinstance(planned, PlannedPayment):
                _pay(planned)
            else:
                _spend(planned)
    if plan:
        count = sum(1 for p in plan if isinstance(p, PlannedPayment))
        context.say(f"recorded {count} payments and applied credit")
    mismatches = ledger.check(organisation=context.organisation)
    if mismatches:
        raise RuntimeError(f"the customer ledger disagrees with the documents: {mismatches}")
    context.say("customer ledger checked: every balance agrees")
