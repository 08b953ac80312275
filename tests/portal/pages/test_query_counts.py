"""Each page costs the same number of queries whatever the customer's history (DESIGN §8)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portico.contacts.models import Contact
from portico.orgs.models import Organisation
from portico.payments import services as payment_services
from portico.sales import services as sales_services
from portico.sales.models import Attachment, Estimate, Invoice, SalesOrder
from tests.contacts.factories import ContactPersonFactory
from tests.portal.pages.conftest import logged_in, url
from tests.projects.factories import ProjectFactory, TimeEntryFactory, TimesheetApprovalFactory
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db
PAGE_BUDGET = 8
PATTERN_PARAMETER = re.compile(r"\b(LIKE|GLOB) %s", re.IGNORECASE)
DETAIL_BUDGETS = {
    "home": 3,
    "invoice": 4,
    "open invoice": 4,
    "estimate": 4,
    "payment": 3,
    "sales order": 4,
    "timesheet": 4,
}
"""Home and the document pages: the shell's two (the session with its user, the scope), the
document, then the rest of the page in one round trip (home and payment: all of it;
`core.prepared.together`)."""


def attach(document: Invoice | Estimate | SalesOrder, name: str) -> None:
    """A file shown in the portal on `document`: the page lists it in the same one query."""
    field = {Estimate: "estimate", Invoice: "invoice", SalesOrder: "sales_order"}[type(document)]
    attachment = Attachment(
        organisation=document.organisation, name=name, show_in_portal=True, **{field: document}
    )
    attachment.file.save(name, ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
    attachment.save()


def history(contact: Contact, size: int) -> dict[str, str]:
    """`size` of everything (files on the first invoice, estimate and order too), and the
    public id of one of each for the detail pages."""
    invoices = [sales.invoice(contact, "10.00") for _ in range(size)]
    payment = None
    for invoice in invoices[: size // 2]:
        payment = payment_services.payment_record(
            contact=contact,
            date=sales.DAY,
            amount=Decimal("10.00"),
            mode="cash",
            allocations=[(invoice, Decimal("10.00"))],
        )
    estimates = [
        sales_services.estimate_send(estimate=sales.estimate(contact)) for _ in range(size)
    ]
    orders = [
        sales_services.sales_order_confirm(sales_order=sales.sales_order(contact))
        for _ in range(size)
    ]
    project = ProjectFactory(contact=contact)
    entries = [TimeEntryFactory(project=project) for _ in range(size)]
    approval = TimesheetApprovalFactory(project=project, entries=entries)
    for _ in range(size):
        TimesheetApprovalFactory(project=project)
    for document in (invoices[0], estimates[0], orders[0]):
        for n in range(size):
            attach(document, f"file-{n}.pdf")
    assert payment is not None
    return {
        "invoice": str(invoices[0].public_id),
        "paid_invoice": str(invoices[-1 if size == 1 else 0].public_id),
        "open_invoice": str(invoices[-1].public_id),
        "estimate": str(estimates[0].public_id),
        "order": str(orders[0].public_id),
        "payment": str(payment.public_id),
        "project": str(project.public_id),
        "approval": str(approval.public_id),
    }


PAGES: dict[str, Callable[[dict[str, str]], str]] = {
    "home": lambda ids: "",
    "invoices": lambda ids: "invoices",
    "invoices filtered": lambda ids: "invoices?status=outstanding&sort=-amount",
    "invoice": lambda ids: f"invoices/{ids['invoice']}",
    "open invoice": lambda ids: f"invoices/{ids['open_invoice']}",
    "estimates": lambda ids: "estimates?status=awaiting",
    "estimate": lambda ids: f"estimates/{ids['estimate']}",
    "payments": lambda ids: "payments?status=invoice",
    "payment": lambda ids: f"payments/{ids['payment']}",
    "sales orders": lambda ids: "sales-orders",
    "sales order": lambda ids: f"sales-orders/{ids['order']}",
    "projects": lambda ids: "projects",
    "project": lambda ids: f"projects/{ids['project']}",
    "timesheets": lambda ids: "timesheets",
    "timesheet": lambda ids: f"timesheets/{ids['approval']}",
    "statement": lambda ids: "statement?period=this_year",
}


def count(client: Client, path: str) -> int:
    client.get(path)  # the first visit marks documents viewed; count a returning visit
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def test_every_page_costs_the_same_queries_for_a_short_and_a_long_history(
    portal_client: Client,
    org: Organisation,
    customer_a: Contact,
    customer_b: Contact,
) -> None:
    # given customer A with a short history and customer B's person with a long one
    few = history(customer_a, 3)
    many = history(customer_b, 30)
    many_client = logged_in(ContactPersonFactory(contact=customer_b), "a-long-pass-phrase-9")

    # when each opens every page
    counts = {
        page: (
            count(portal_client, url(org, path(few))),
            count(many_client, url(org, path(many))),
        )
        for page, path in PAGES.items()
    }

    # then both cost the same, within the budget
    assert {page: c for page, c in counts.items() if c[0] != c[1]} == {}
    assert {page: c for page, c in counts.items() if c[1] > PAGE_BUDGET} == {}
    assert {p: counts[p] for p, budget in DETAIL_BUDGETS.items() if counts[p][1] > budget} == {}


def test_no_page_matches_a_pattern_given_as_a_parameter(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    """SQLite prepares a statement again on every run when a LIKE pattern is a parameter (its
    LIKE optimisation depends on the value): the home page's statement took twice as long."""
    ids = history(customer_a, 2)
    statements: list[str] = []

    def keep(execute: Callable[..., object], sql: str, *args: object) -> object:
        statements.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(keep):
        for path in PAGES.values():
            assert portal_client.get(url(org, path(ids))).status_code == 200
    assert statements
    assert [sql for sql in statements if PATTERN_PARAMETER.search(sql)] == []
