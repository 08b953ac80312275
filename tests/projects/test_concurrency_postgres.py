"""Two people acting on the same time at once never double-send, double-decide or double-bill."""

from __future__ import annotations

import datetime

import pytest

from portico.core.errors import DomainError, InvalidTransition
from portico.projects import services
from portico.projects.models import TimeEntry, TimesheetApproval
from portico.sales.models import Invoice
from tests.contacts.factories import ContactFactory, ContactPersonFactory
from tests.orgs.factories import OrganisationFactory
from tests.projects.factories import ProjectFactory, TimeEntryFactory, TimesheetApprovalFactory
from tests.sales.test_numbering_postgres import is_postgres, run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def make_project(slug: str) -> object:
    return ProjectFactory(contact=ContactFactory(organisation=OrganisationFactory(slug=slug)))


def test_the_same_time_sent_twice_at_once_lands_in_one_approval() -> None:
    project = make_project("race-send")
    entries = [TimeEntryFactory(project=project) for _ in range(3)]

    errors = run_together(
        6, lambda _: services.timesheet_send_for_approval(project=project, entries=entries)
    )

    assert len(errors) == 5
    assert all(isinstance(e, DomainError) and e.code == "entry_in_approval" for e in errors)
    approval = TimesheetApproval.objects.get()
    assert approval.entries.count() == 3
    assert set(TimeEntry.objects.values_list("approval", flat=True)) == {approval.pk}


def test_an_approval_and_a_rejection_at_once_decide_once() -> None:
    project = make_project("race-decide")
    person = ContactPersonFactory(contact=project.contact)
    approval = TimesheetApprovalFactory(project=project)

    def decide(index: int) -> None:
        if index % 2:
            services.timesheet_approve(approval=approval, person=person)
        else:
            services.timesheet_reject(approval=approval, person=person, reason="Too much")

    errors = run_together(6, decide)

    assert len(errors) == 5
    assert all(isinstance(e, InvalidTransition) for e in errors)
    approval.refresh_from_db()
    assert approval.status in {"approved", "rejected"}


def test_approved_time_invoiced_twice_at_once_is_billed_once() -> None:
    project = make_project("race-bill")
    entries = [TimeEntryFactory(project=project) for _ in range(2)]
    TimesheetApprovalFactory(project=project, entries=entries, status="approved")

    errors = run_together(
        5,
        lambda _: services.time_entries_invoice(
            project=project, issue_date=datetime.date(2026, 11, 20)
        ),
    )

    assert len(errors) == 4
    assert all(
        isinstance(e, DomainError) and e.code in {"entry_invoiced", "no_entries"} for e in errors
    )
    invoice = Invoice.objects.get()
    assert set(TimeEntry.objects.values_list("invoice", flat=True)) == {invoice.pk}
