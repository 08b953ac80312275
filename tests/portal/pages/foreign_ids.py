"""How to make another customer's object for each URL keyword of the document pages.

Each maker takes the foreign customer and answers the public id to put in the URL. The
portal's URL walker and this folder's walker both use it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from portico.contacts.models import Contact, ContactPerson
from portico.payments import services as payment_services
from portico.sales import services as sales_services
from tests.projects.factories import ProjectFactory, TimesheetApprovalFactory
from tests.sales import factories as sales

Maker = Callable[[Contact], Any]


def an_invoice(contact: Contact) -> Any:
    return sales.invoice(contact).public_id


def an_estimate(contact: Contact) -> Any:
    return sales_services.estimate_send(estimate=sales.estimate(contact)).public_id


def a_sales_order(contact: Contact) -> Any:
    order = sales_services.sales_order_confirm(sales_order=sales.sales_order(contact))
    return order.public_id


def a_payment(contact: Contact) -> Any:
    payment = payment_services.payment_record(
        contact=contact, date=sales.DAY, amount=Decimal("5.00"), mode="cash"
    )
    return payment.public_id


def a_project(contact: Contact) -> Any:
    return ProjectFactory(contact=contact).public_id


def an_approval(contact: Contact) -> Any:
    return TimesheetApprovalFactory(project=ProjectFactory(contact=contact)).public_id


FOREIGN_MAKERS: dict[str, Maker] = {
    "invoice_id": an_invoice,
    "estimate_id": an_estimate,
    "sales_order_id": a_sales_order,
    "payment_id": a_payment,
    "project_id": a_project,
    "approval_id": an_approval,
}

# Objects of the person's own customer the portal must hide all the same.
HIDDEN_MAKERS: dict[str, Maker] = {
    "invoice_id": lambda contact: sales.invoice(contact, send=False).public_id,
    "estimate_id": lambda contact: sales.estimate(contact).public_id,
    "sales_order_id": lambda contact: sales.sales_order(contact).public_id,
    "project_id": lambda contact: ProjectFactory(contact=contact, show_in_portal=False).public_id,
    "approval_id": lambda contact: (
        TimesheetApprovalFactory(
            project=ProjectFactory(contact=contact, show_in_portal=False)
        ).public_id
    ),
}


def of_person(keyword: str) -> Callable[[Any, ContactPerson], Any]:
    """The maker for `keyword` in the portal walker's shape: (world, foreign person) → id."""
    return lambda world, person: FOREIGN_MAKERS[keyword](person.contact)
