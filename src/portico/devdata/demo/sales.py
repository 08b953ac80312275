"""Demo step: Acme Corporation's 18 months of sales documents, and a few for other customers.

Documents are made and sent here; `portico.devdata.demo.payments` then records the payments
this step plans (in `context.extra["payment_plan"]`). Skipped for a customer who already has
invoices.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from portico.contacts.models import Contact
from portico.devdata.demo.context import DemoContext
from portico.orgs.models import Item, Organisation, Tax
from portico.payments import credit_notes
from portico.sales import services
from portico.sales.models import CreditNote, Estimate, Invoice, SalesOrder

ACME = "Acme Corporation"
OTHERS = ["Blue Harbor Cafe", "Cedar & Pine Architects", "Delta Logistics GmbH",
          "Lumen Studio Tokyo"]  # fmt: skip
DAY = datetime.timedelta(days=1)

# Acme's 30 invoices, oldest first: what happens to each (the rest are paid in full).
VOID = {9}
PARTIAL = {5, 17, 26}
UNPAID = {12, 24, 27, 28, 29}  # 12, 24 and 27 end up overdue in different aging buckets
PAID_TOGETHER = (14, 15)
OVERPAID = 20
FROM_RETAINER = 23


@dataclass
class PlannedPayment:
    contact: Contact
    date: datetime.date
    allocations: list[tuple[Invoice, Decimal]]
    extra: Decimal = Decimal(0)
    mode: str = "bank_transfer"


@dataclass
class PlannedCredit:
    """Spend the credit of a credit note or a paid retainer on an invoice."""

    contact: Contact
    date: datetime.date
    invoice: Invoice
    source: CreditNote | Invoice
    pay_rest: bool = False


Planned = PlannedPayment | PlannedCredit


class Catalogue:
    def __init__(self, organisation: Organisation) -> None:
        self.items = {item.name: item for item in Item.objects.filter(organisation=organisation)}
        self.tax = Tax.objects.filter(organisation=organisation, is_default=True).first()

    def line(
        self, name: str, quantity: str, contact: Contact, rate: str | None = None
    ) -> services.LineInput:
        item = self.items.get(name)
        taxed = contact.billing_country == "US"
        return services.LineInput(
            description=name,
            quantity=Decimal(quantity),
            rate=Decimal(rate) if rate else (item.rate if item else Decimal(100)),
            item=item,
            tax=self.tax if taxed else None,
        )


def _acme_lines(catalogue: Catalogue, contact: Contact, index: int) -> list[services.LineInput]:
    hours = str(4 + (index * 7) % 19)
    lines = [catalogue.line("Website development", hours, contact)]
    if index % 3 == 0:
        lines.append(catalogue.line("Design consultation", str(2 + index % 5), contact))
    if index % 4 == 1:
        lines.append(catalogue.line("Hosting (monthly)", "1", contact))
    if index % 10 == 7:
        lines.append(catalogue.line("Photography session", "1", contact))
    return lines


def _invoice(
    contact: Contact,
    lines: list[services.LineInput],
    issued: datetime.date,
    *,
    send: bool = True,
    **fields: Any,
) -> Invoice:
    invoice = services.invoice_create(
        contact=contact,
        lines=lines,
        issue_date=issued,
        due_date=issued + datetime.timedelta(days=30),
        terms="Payment within 30 days by bank transfer or card.",
        **fields,
    )
    return services.invoice_send(invoice=invoice) if send else invoice


def _acme(context: DemoContext, contact: Contact, today: datetime.date) -> list[Planned]:
    catalogue = Catalogue(contact.organisation)
    plan: list[Planned] = []
    invoices: list[Invoice] = []
    for index in range(30):
        days_ago = {28: 20, 29: 6}.get(index, 540 - index * 18)
        issued = today - days_ago * DAY
        invoice = _invoice(contact, _acme_lines(catalogue, contact, index), issued)
        invoices.append(invoice)
        paid_on = issued + (10 + index % 15) * DAY
        if index in VOID:
            services.invoice_void(invoice=invoice, date=issued + 2 * DAY)
        elif index in PARTIAL:
            half = (invoice.total / 2).quantize(Decimal("0.01"))
            plan.append(PlannedPayment(contact, paid_on, [(invoice, half)], mode="cheque"))
        elif index == 28:
            services.invoice_mark_viewed(invoice=invoice)
        elif index in UNPAID or index == PAID_TOGETHER[0] or index == FROM_RETAINER:
            pass
        elif index == PAID_TOGETHER[1]:
            first = invoices[PAID_TOGETHER[0]]
            plan.append(
                PlannedPayment(contact, paid_on, [(first, first.total), (invoice, invoice.total)])
            )
        elif index == OVERPAID:
            plan.append(
                PlannedPayment(contact, paid_on, [(invoice, invoice.total)], extra=Decimal(250))
            )
        else:
            plan.append(PlannedPayment(contact, paid_on, [(invoice, invoice.total)], mode="card"))
    _invoice(contact, _acme_lines(catalogue, contact, 30), today, send=False)  # a draft

    # Two retainers: one paid and spent on a later invoice, one waiting for payment.
    paid_retainer = _invoice(
        contact,
        [catalogue.line("Brand identity package", "1", contact)],
        today - 140 * DAY,
        kind="retainer",
        notes="Deposit for the brand identity work.",
    )
    plan.append(PlannedPayment(contact, today - 133 * DAY, [(paid_retainer, paid_retainer.total)]))
    target = invoices[FROM_RETAINER]
    plan.append(
        PlannedCredit(contact, target.issue_date + 3 * DAY, target, paid_retainer, pay_rest=True)
    )
    _invoice(
        contact,
        [catalogue.line("Website development", "20", contact)],
        today - 4 * DAY,
        kind="retainer",
        notes="Retainer for the next website phase.",
    )

    _acme_estimates(contact, catalogue, today)
    _acme_sales_orders(contact, catalogue, today, plan)
    _acme_credit_notes(contact, catalogue, today, invoices, plan)
    services.recurring_profile_create(
        contact=contact,
        name="Website hosting",
        lines=[catalogue.line("Hosting (monthly)", "1", contact)],
        start_date=today - 70 * DAY,
        frequency="monthly",
        payment_terms_days=15,
    )
    made = services.recurring_generate_due(today=today)
    for invoice in made[:-1]:
        plan.append(
            PlannedPayment(contact, invoice.issue_date + 5 * DAY, [(invoice, invoice.total)])
        )
    return plan


def _acme_estimates(contact: Contact, catalogue: Catalogue, today: datetime.date) -> None:
    def estimate(days_ago: int, *lines: services.LineInput) -> Estimate:
        issued = today - days_ago * DAY
        made = services.estimate_create(
            contact=contact,
            lines=list(lines),
            issue_date=issued,
            expiry_date=issued + 30 * DAY,
            terms="Valid for 30 days.",
        )
        return services.estimate_send(estimate=made)

    services.estimate_mark_viewed(
        estimate=estimate(3, catalogue.line("Photography session", "2", contact))
    )
    estimate(10, catalogue.line("Design consultation", "12", contact))
    services.estimate_accept(
        estimate=estimate(25, catalogue.line("Website development", "40", contact)),
        signed_name="Alice Anders",
    )
    accepted = services.estimate_accept(
        estimate=estimate(90, catalogue.line("Brand identity package", "1", contact)),
        signed_name="Arthur Brooks",
        when=timezone.now() - 85 * DAY,
    )
    invoice = services.estimate_convert_to_invoice(
        estimate=accepted, issue_date=today - 80 * DAY, due_date=today + 10 * DAY
    )
    services.invoice_send(invoice=invoice)
    services.estimate_decline(
        estimate=estimate(150, catalogue.line("Print production", "5000", contact)),
        reason="We found a local printer.",
    )
    services.estimate_expire(
        estimate=estimate(200, catalogue.line("Photography session", "3", contact))
    )


def _acme_sales_orders(
    contact: Contact, catalogue: Catalogue, today: datetime.date, plan: list[Planned]
) -> None:
    def order(days_ago: int, *lines: services.LineInput) -> SalesOrder:
        return services.sales_order_create(
            contact=contact, lines=list(lines), issue_date=today - days_ago * DAY
        )

    fulfilled = services.sales_order_confirm(
        sales_order=order(100, catalogue.line("Print production", "2000", contact))
    )
    invoice = services.sales_order_convert_to_invoice(
        sales_order=fulfilled, issue_date=today - 95 * DAY, due_date=today - 65 * DAY
    )
    invoice = services.invoice_send(invoice=invoice)
    services.sales_order_fulfil(sales_order=fulfilled)
    plan.append(PlannedPayment(contact, today - 70 * DAY, [(invoice, invoice.total)]))
    services.sales_order_confirm(
        sales_order=order(12, catalogue.line("Print production", "500", contact))
    )
    order(2, catalogue.line("Photography session", "1", contact))


def _acme_credit_notes(
    contact: Contact,
    catalogue: Catalogue,
    today: datetime.date,
    invoices: list[Invoice],
    plan: list[Planned],
) -> None:
    late = invoices[24]
    applied = services.credit_note_create(
        contact=contact,
        lines=[catalogue.line("Design consultation", "2", contact)],
        issue_date=late.issue_date + 5 * DAY,
        invoice=late,
        reason="Two hours billed twice",
    )
    credit_notes.credit_note_open(credit_note=applied)
    plan.append(PlannedCredit(contact, late.issue_date + 6 * DAY, late, applied))
    unused = services.credit_note_create(
        contact=contact,
        lines=[catalogue.line("Hosting (monthly)", "1", contact)],
        issue_date=today - 30 * DAY,
        reason="Hosting outage in March",
    )
    credit_notes.credit_note_open(credit_note=unused)


def _other(contact: Contact, today: datetime.date) -> list[Planned]:
    catalogue = Catalogue(contact.organisation)
    rate = "12000" if contact.currency == "JPY" else None
    plan: list[Planned] = []
    for days_ago, fate in [(120, "paid"), (75, "overdue"), (15, "sent")]:
        lines = [
            catalogue.line("Design consultation", str(3 + days_ago % 7), contact, rate),
            catalogue.line("Hosting (monthly)", "1", contact, rate),
        ]
        invoice = _invoice(contact, lines, today - days_ago * DAY)
        if fate == "paid":
            plan.append(
                PlannedPayment(contact, invoice.issue_date + 12 * DAY, [(invoice, invoice.total)])
            )
    return plan


def load(context: DemoContext) -> None:
    organisation = context.organisation
    assert organisation is not None
    today = timezone.localdate()
    plan: list[Planned] = []
    made = 0
    for name in [ACME, *OTHERS]:
        contact = Contact.objects.filter(organisation=organisation, display_name=name).first()
        if contact is None or Invoice.objects.filter(contact=contact).exists():
            continue
        with transaction.atomic():
            plan += _acme(context, contact, today) if name == ACME else _other(contact, today)
        made += 1
    context.extra["payment_plan"] = plan
    if made:
        context.say(
            f"created estimates, invoices, sales orders and credit notes for {made} customers"
        )
