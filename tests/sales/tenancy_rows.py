"""Rows of the sales and payments back-office models, for `tests/tenancy/`."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models

from portico.orgs.models import Organisation
from portico.payments.models import CustomerCredit, Payment
from portico.sales.models import (
    CreditNote,
    Estimate,
    Invoice,
    LedgerEntry,
    RecurringProfile,
    SalesOrder,
)
from tests.payments import factories as pay
from tests.sales import factories as make

ROWS: dict[type[models.Model], Callable[[Organisation], models.Model]] = {
    Estimate: lambda org: make.estimate(make.customer(org)),
    Invoice: lambda org: make.invoice(make.customer(org)),
    SalesOrder: lambda org: make.sales_order(make.customer(org)),
    CreditNote: lambda org: make.credit_note(make.customer(org)),
    RecurringProfile: lambda org: make.recurring_profile(make.customer(org)),
    Payment: lambda org: pay.payment(make.customer(org)),
    CustomerCredit: pay.credit,
    LedgerEntry: pay.ledger_entry,
}
