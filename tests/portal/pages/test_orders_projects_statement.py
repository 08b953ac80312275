"""Sales orders, projects and timesheet approvals (behind their preferences), the statement."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from portico.accounts.models import User
from portico.activity.models import Notification
from portico.contacts.models import Contact
from portico.orgs.models import Organisation, PortalPreferences
from portico.projects.models import TimesheetApproval
from portico.sales import services as sales_services
from tests.portal.pages.conftest import url
from tests.projects.factories import ProjectFactory, TimeEntryFactory, TimesheetApprovalFactory
from tests.sales import factories as sales

pytestmark = pytest.mark.django_db


def switch(org: Organisation, **preferences: bool) -> None:
    PortalPreferences.objects.filter(organisation=org).update(**preferences)


def test_a_fulfilled_sales_order_shows_its_invoices(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    order = sales_services.sales_order_confirm(sales_order=sales.sales_order(customer_a))
    invoice = sales_services.sales_order_convert_to_invoice(sales_order=order)
    sales_services.invoice_send(invoice=invoice)
    draft_order = sales.sales_order(customer_a)

    listing = portal_client.get(url(org, "sales-orders")).content.decode()
    detail = portal_client.get(url(org, f"sales-orders/{order.public_id}")).content.decode()

    assert order.number in listing and draft_order.number not in listing
    assert invoice.number in detail


def test_sales_orders_are_a_404_when_the_preference_is_off(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    order = sales_services.sales_order_confirm(sales_order=sales.sales_order(customer_a))
    switch(org, show_sales_orders=False)
    assert portal_client.get(url(org, "sales-orders")).status_code == 404
    assert portal_client.get(url(org, f"sales-orders/{order.public_id}")).status_code == 404


def test_projects_list_and_detail_show_budget_and_hours(
    portal_client: Client, org: Organisation, customer_a: Contact, customer_b: Contact
) -> None:
    project = ProjectFactory(contact=customer_a, name="Website", budget_hours=Decimal("10"))
    TimeEntryFactory(project=project, hours=Decimal("4.50"), task="Wireframes")
    hidden = ProjectFactory(contact=customer_a, name="Internal", show_in_portal=False)
    theirs = ProjectFactory(contact=customer_b, name="Their project")

    listing = portal_client.get(url(org, "projects")).content.decode()
    detail = portal_client.get(url(org, f"projects/{project.public_id}")).content.decode()

    assert "Website" in listing and "Internal" not in listing and "Their project" not in listing
    assert "Wireframes" in detail and "4.50" in detail and "45.0%" in detail
    for other in (hidden, theirs):
        assert portal_client.get(url(org, f"projects/{other.public_id}")).status_code == 404


def test_a_timesheet_is_approved_then_cannot_be_rejected(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    approval = TimesheetApprovalFactory(project=ProjectFactory(contact=customer_a))

    page = portal_client.get(url(org, f"timesheets/{approval.public_id}")).content.decode()
    approved = portal_client.post(url(org, f"timesheets/{approval.public_id}/approve"))
    again = portal_client.post(
        url(org, f"timesheets/{approval.public_id}/reject"), {"reason": "late"}, follow=True
    )

    assert "Approve" in page and approved.status_code == 302
    approval.refresh_from_db()
    assert approval.status == TimesheetApproval.Status.APPROVED
    assert approval.decided_by is not None
    assert "cannot" in again.content.decode()
    assert Notification.objects.filter(kind="timesheet_approved").count() == 1


def test_a_timesheet_shows_its_entries(
    portal_client: Client, org: Organisation, customer_a: Contact, owner: User
) -> None:
    project = ProjectFactory(contact=customer_a)
    by_owner = TimeEntryFactory(project=project, user=owner, task="<b>Wireframes</b>")
    by_nobody = TimeEntryFactory(
        project=project, hours=Decimal("0.5"), date=datetime.date(2026, 11, 3)
    )
    approval = TimesheetApprovalFactory(project=project, entries=[by_owner, by_nobody])

    page = portal_client.get(url(org, f"timesheets/{approval.public_id}")).content.decode()

    assert (
        '<tr><td class="text-nowrap">Nov 2, 2026</td>'
        '<td class="text-break">&lt;b&gt;Wireframes&lt;/b&gt;</td>'
        f'<td class="d-none d-sm-table-cell">{owner.full_name}</td>'
        '<td class="text-end">2.00</td></tr>'
        '<tr><td class="text-nowrap">Nov 3, 2026</td><td class="text-break">Design</td>'
        '<td class="d-none d-sm-table-cell">—</td><td class="text-end">0.50</td></tr>'
    ) in page
    assert '<td class="text-end fw-semibold" id="total-hours">2.50</td>' in page


def test_rejecting_a_timesheet_needs_a_reason(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    approval = TimesheetApprovalFactory(project=ProjectFactory(contact=customer_a))

    empty = portal_client.post(url(org, f"timesheets/{approval.public_id}/reject"), {})
    given = portal_client.post(
        url(org, f"timesheets/{approval.public_id}/reject"), {"reason": "Hours too high"}
    )

    approval.refresh_from_db()
    assert empty.status_code == 400 and given.status_code == 302
    assert (approval.status, approval.reason) == ("rejected", "Hours too high")


def test_the_timesheet_list_filters_by_status(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    project = ProjectFactory(contact=customer_a, name="Alpha")
    TimesheetApprovalFactory(project=project)
    body = portal_client.get(url(org, "timesheets?status=approved")).content.decode()
    pending = portal_client.get(url(org, "timesheets?status=pending")).content.decode()
    assert "Alpha" not in body and "Alpha" in pending


def test_projects_and_timesheets_are_a_404_when_the_preference_is_off(
    portal_client: Client, org: Organisation
) -> None:
    switch(org, show_projects=False)
    assert portal_client.get(url(org, "projects")).status_code == 404
    assert portal_client.get(url(org, "timesheets")).status_code == 404


def test_the_statement_for_a_custom_period_shows_opening_transactions_and_closing(
    portal_client: Client, org: Organisation, customer_a: Contact
) -> None:
    sales.invoice(customer_a, "100.00", issue_date=datetime.date(2026, 1, 10))
    sales.invoice(customer_a, "40.00", issue_date=datetime.date(2026, 2, 10))

    response = portal_client.get(
        url(org, "statement?period=custom&start=2026-02-01&end=2026-02-28")
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="opening-balance">$100.00<' in body
    assert 'id="closing-balance">$140.00<' in body


def test_a_custom_period_needs_both_dates_in_order(
    portal_client: Client, org: Organisation
) -> None:
    response = portal_client.get(
        url(org, "statement?period=custom&start=2026-03-01&end=2026-02-01")
    )
    assert response.status_code == 400
    assert "after the end date" in response.content.decode()
