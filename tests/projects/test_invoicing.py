"""Approved time becomes a draft invoice through the sales services, once."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from portico.contacts.models import Contact
from portico.core.errors import DomainError
from portico.projects import services
from portico.projects.models import Project, TimeEntry
from portico.sales import services as sales_services
from portico.sales.models import Invoice
from tests.projects.factories import ProjectFactory, TimeEntryFactory, TimesheetApprovalFactory

pytestmark = pytest.mark.django_db

ISSUE = datetime.date(2026, 11, 20)


def approved(project: Project, *specs: tuple[int, str, str]) -> list[TimeEntry]:
    """Entries (day of November, task, hours) in one approved timesheet."""
    entries = [
        TimeEntryFactory(project=project, date=datetime.date(2026, 11, day), task=task, hours=hours)
        for day, task, hours in specs
    ]
    TimesheetApprovalFactory(project=project, entries=entries, status="approved")
    return entries


def test_it_invoices_approved_time_one_line_per_task(project: Project) -> None:
    # given approved time on two tasks, and time still pending
    entries = approved(project, (3, "Design", "2"), (2, "Build", "3.5"), (4, "Design", "1.25"))
    pending = TimeEntryFactory(project=project)
    TimesheetApprovalFactory(project=project, entries=[pending])

    # when the approved time is invoiced
    invoice = services.time_entries_invoice(project=project, issue_date=ISSUE)

    # then one draft invoice bills hours × the project's rate, in the order work began
    assert invoice.status == Invoice.Status.DRAFT
    assert invoice.contact == project.contact
    assert invoice.issue_date == ISSUE
    lines = [(line.description, line.quantity, line.rate) for line in invoice.lines.all()]
    assert lines == [
        ("Website: Build (2026-11-02)", Decimal("3.5"), Decimal("120.00")),
        ("Website: Design (2026-11-03 – 2026-11-04)", Decimal("3.25"), Decimal("120.00")),
    ]
    assert invoice.subtotal == Decimal("810.00")
    for entry in entries:
        entry.refresh_from_db()
        assert entry.invoice == invoice
        assert entry.invoiced_at is not None
    pending.refresh_from_db()
    assert pending.invoice is None


def test_it_invoices_only_the_chosen_entries(project: Project) -> None:
    first, second = approved(project, (2, "Design", "2"), (3, "Design", "1"))
    invoice = services.time_entries_invoice(project=project, entries=[second], issue_date=ISSUE)
    assert list(invoice.time_entries.all()) == [second]
    first.refresh_from_db()
    assert first.invoice is None


def test_time_is_invoiced_only_once(project: Project) -> None:
    (entry,) = approved(project, (2, "Design", "2"))
    services.time_entries_invoice(project=project, issue_date=ISSUE)

    with pytest.raises(DomainError) as excinfo:
        services.time_entries_invoice(project=project, issue_date=ISSUE)
    assert excinfo.value.code == "no_entries"
    with pytest.raises(DomainError) as excinfo:
        services.time_entries_invoice(project=project, entries=[entry], issue_date=ISSUE)
    assert excinfo.value.code == "entry_invoiced"
    assert Invoice.objects.count() == 1


def test_invoiced_time_is_locked(project: Project) -> None:
    (entry,) = approved(project, (2, "Design", "2"))
    services.time_entries_invoice(project=project, issue_date=ISSUE)
    entry.refresh_from_db()
    with pytest.raises(DomainError) as excinfo:
        services.time_entry_update(entry=entry, hours=Decimal("1"))
    assert excinfo.value.code in {"entry_invoiced", "entry_in_approval"}


@pytest.mark.parametrize(
    ("make", "code"),
    [
        ("unsent", "entry_not_approved"),
        ("pending", "entry_not_approved"),
        ("rejected", "entry_not_approved"),
        ("other_project", "entry_of_another_project"),
    ],
)
def test_it_refuses_time_that_is_not_approved_or_not_this_projects(
    project: Project, make: str, code: str
) -> None:
    if make == "other_project":
        entry = approved(ProjectFactory(contact=project.contact), (2, "Design", "2"))[0]
    else:
        entry = TimeEntryFactory(project=project)
        if make != "unsent":
            TimesheetApprovalFactory(
                project=project, entries=[entry], status=make, reason="No" if make else ""
            )
    with pytest.raises(DomainError) as excinfo:
        services.time_entries_invoice(project=project, entries=[entry], issue_date=ISSUE)
    assert excinfo.value.code == code
    assert not Invoice.objects.exists()


def test_it_refuses_when_nothing_is_approved(project: Project) -> None:
    TimeEntryFactory(project=project)
    with pytest.raises(DomainError) as excinfo:
        services.time_entries_invoice(project=project, issue_date=ISSUE)
    assert excinfo.value.code == "no_entries"


def test_it_refuses_a_fixed_cost_project(customer_a: Contact) -> None:
    project = ProjectFactory(contact=customer_a, billing_method="fixed_cost")
    approved(project, (2, "Design", "2"))
    with pytest.raises(DomainError) as excinfo:
        services.time_entries_invoice(project=project, issue_date=ISSUE)
    assert excinfo.value.code == "project_not_hourly"


def test_a_deleted_customer_is_not_invoiced_and_nothing_is_marked(project: Project) -> None:
    (entry,) = approved(project, (2, "Design", "2"))
    Contact.objects.filter(pk=project.contact_id).update(is_deleted=True)
    project.contact.refresh_from_db()
    with pytest.raises(DomainError):
        services.time_entries_invoice(project=project, issue_date=ISSUE)
    entry.refresh_from_db()
    assert entry.invoice is None


def test_time_of_a_voided_invoice_can_be_invoiced_again(project: Project) -> None:
    approved(project, (2, "Design", "2"))
    invoice = services.time_entries_invoice(project=project, issue_date=ISSUE)

    with pytest.raises(DomainError) as excinfo:
        services.time_entries_release_invoice(invoice=invoice)
    assert excinfo.value.code == "invoice_not_void"

    # voiding the invoice releases its time at once
    sales_services.invoice_void(invoice=invoice)
    invoice.refresh_from_db()
    assert services.time_entries_release_invoice(invoice=invoice) == 0
    again = services.time_entries_invoice(project=project, issue_date=ISSUE)
    assert again.pk != invoice.pk


def test_the_admin_action_invoices_approved_time(owner_client: Client, project: Project) -> None:
    approved(project, (2, "Design", "2"))
    response = owner_client.post(
        reverse("admin:projects_project_changelist"),
        {"action": "invoice_approved_time", "_selected_action": [project.pk]},
        follow=True,
    )
    invoice = Invoice.objects.get()
    assert f"draft invoice {invoice.number} created" in response.content.decode()
    assert invoice.time_entries.count() == 1
