"""Sales documents made through the services, so totals, numbers and the ledger are real."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from portico.contacts.models import Contact
from portico.orgs.models import Organisation
from portico.payments import credit_notes
from portico.sales import services
from portico.sales.models import CreditNote, Estimate, Invoice, RecurringProfile, SalesOrder
from tests.contacts.factories import ContactFactory

DAY = datetime.date(2026, 1, 15)


def line(rate: str = "100.00", quantity: str = "1", **fields: Any) -> services.LineInput:
    return services.LineInput(
        description=fields.pop("description", "Consulting"),
        quantity=Decimal(quantity),
        rate=Decimal(rate),
        **fields,
    )


def customer(organisation: Organisation) -> Contact:
    return ContactFactory(organisation=organisation)  # type: ignore[no-any-return]


def invoice(contact: Contact, rate: str = "100.00", *, send: bool = True, **fields: Any) -> Invoice:
    fields.setdefault("issue_date", DAY)
    made = services.invoice_create(contact=contact, lines=[line(rate)], **fields)
    return services.invoice_send(invoice=made) if send else made


def estimate(contact: Contact, rate: str = "100.00", **fields: Any) -> Estimate:
    fields.setdefault("issue_date", DAY)
    return services.estimate_create(contact=contact, lines=[line(rate)], **fields)


def sales_order(contact: Contact, rate: str = "100.00", **fields: Any) -> SalesOrder:
    fields.setdefault("issue_date", DAY)
    return services.sales_order_create(contact=contact, lines=[line(rate)], **fields)


def credit_note(contact: Contact, rate: str = "30.00", *, open_it: bool = True) -> CreditNote:
    note = services.credit_note_create(contact=contact, lines=[line(rate)], issue_date=DAY)
    return credit_notes.credit_note_open(credit_note=note) if open_it else note


def recurring_profile(contact: Contact, **fields: Any) -> RecurringProfile:
    fields.setdefault("start_date", DAY)
    fields.setdefault("name", "Monthly hosting")
    return services.recurring_profile_create(contact=contact, lines=[line("45.00")], **fields)
