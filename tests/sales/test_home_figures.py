"""The portal dashboard's figures: one statement, the customer's own open invoices only."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from portico.contacts.models import Contact, ContactPerson
from portico.contacts.scope import PortalScope
from portico.orgs.models import Organisation
from portico.payments import portal_selectors as payment_portal_selectors
from portico.payments import services as payment_services
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db

LONG_AGO = {"issue_date": datetime.date(2020, 1, 1), "due_date": datetime.date(2020, 1, 31)}


def test_overdue_counts_the_customers_open_regular_invoices_past_due_only(
    org: Organisation,
    customer_a: Contact,
    customer_b: Contact,
    customer_a_person: ContactPerson,
    django_assert_num_queries: Any,
) -> None:
    # given customer A with one invoice not yet due, two past due (one of them paid off), a
    # past-due retainer invoice, and customer B with an invoice past due
    today = datetime.date.today()
    sales.invoice(customer_a, "100.00", issue_date=today, due_date=today)
    sales.invoice(customer_a, "50.00", **LONG_AGO)
    paid = sales.invoice(customer_a, "20.00", **LONG_AGO)
    payment_services.payment_record(
        contact=customer_a,
        date=today,
        amount=Decimal("20.00"),
        mode="cash",
        allocations=[(paid, Decimal("20.00"))],
    )
    sales.invoice(customer_a, "500.00", kind="retainer", **LONG_AGO)
    sales.invoice(customer_b, "999.00", **LONG_AGO)

    # when A's dashboard figures are read
    with django_assert_num_queries(1):
        figures = payment_portal_selectors.home_figures_for_portal(
            scope=PortalScope(org, customer_a, customer_a_person)
        )

    # then only A's open regular invoice past due is overdue
    assert (figures.overdue_count, figures.overdue_total) == (1, Decimal("50.00"))
    assert (figures.outstanding_count, figures.outstanding_total) == (2, Decimal("150.00"))
    assert (figures.retainer_count, figures.retainer_total) == (1, Decimal("500.00"))
