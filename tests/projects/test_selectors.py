"""Reads: SQL-aggregated hour totals, and the portal's (organisation, contact) wall."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.http import Http404

from portico.contacts.models import Contact, ContactPerson
from portico.contacts.scope import PortalScope
from portico.orgs.models import Organisation
from portico.projects import selectors
from portico.projects.models import Project
from portico.sales.portal_selectors import ListQuery
from tests.projects.factories import (
    ProjectFactory,
    TimeEntryFactory,
    TimesheetApprovalFactory,
    draft_invoice,
)

pytestmark = pytest.mark.django_db


def busy_project(contact: Contact, **fields: Any) -> Project:
    """12 hours logged: 2 non-billable, 3 pending, 4 approved (1 of them invoiced), 3 not sent."""
    project = ProjectFactory(contact=contact, budget_hours=Decimal("8"), **fields)
    TimeEntryFactory(project=project, hours=Decimal("2"), billable=False)
    TimesheetApprovalFactory(
        project=project, entries=[TimeEntryFactory(project=project, hours=Decimal("3"))]
    )
    TimesheetApprovalFactory(
        project=project,
        status="approved",
        entries=[
            TimeEntryFactory(project=project, hours=Decimal("3")),
            TimeEntryFactory(project=project, hours=Decimal("1"), invoice=draft_invoice(contact)),
        ],
    )
    TimeEntryFactory(project=project, hours=Decimal("1.25"))
    TimeEntryFactory(project=project, hours=Decimal("1.75"))
    return project


def test_project_totals_add_up_hours_by_state(customer_a: Contact) -> None:
    project = busy_project(customer_a)

    totals = selectors.project_totals(project=project)

    assert totals.hours_logged == Decimal("12.00")
    assert totals.billable_hours == Decimal("10.00")
    assert totals.pending_hours == Decimal("3.00")
    assert totals.approved_hours == Decimal("4.00")
    assert totals.invoiced_hours == Decimal("1.00")
    assert totals.budget_used_percent == Decimal("150.0")
    assert totals.budget_remaining_hours == Decimal("-4.00")
    assert totals.over_budget is True


def test_a_project_without_time_or_budget_has_zero_totals(customer_a: Contact) -> None:
    project = ProjectFactory(contact=customer_a, budget_hours=None)

    totals = selectors.project_totals(project=project)

    assert totals.hours_logged == Decimal("0")
    assert totals.budget_used_percent is None
    assert totals.budget_remaining_hours is None
    assert totals.over_budget is False


def test_project_totals_take_one_query(customer_a: Contact, django_assert_num_queries: Any) -> None:
    project = busy_project(customer_a)
    with django_assert_num_queries(1):
        selectors.project_totals(project=project)


def test_the_project_list_annotates_the_same_totals_as_one_project(
    org: Organisation, customer_a: Contact, customer_b: Contact
) -> None:
    busy_project(customer_a)
    busy_project(customer_b)
    ProjectFactory(contact=customer_b)

    projects = list(selectors.project_list(organisation=org))

    assert len(projects) == 3
    for project in projects:
        assert selectors.ProjectTotals.of(project) == selectors.project_totals(project=project)


def test_the_project_list_stays_in_its_organisation(
    org: Organisation, customer_a: Contact, other_org_customer: Contact
) -> None:
    own = ProjectFactory(contact=customer_a)
    ProjectFactory(contact=other_org_customer)
    assert list(selectors.project_list(organisation=org)) == [own]


def test_project_get_answers_404_for_another_organisations_project(
    org: Organisation, other_org_customer: Contact
) -> None:
    foreign = ProjectFactory(contact=other_org_customer)
    with pytest.raises(Http404):
        selectors.project_get(organisation=org, project_id=foreign.public_id)


def test_awaiting_approval_is_unsent_or_rejected_billable_time(customer_a: Contact) -> None:
    project = ProjectFactory(contact=customer_a)
    unsent = TimeEntryFactory(project=project)
    rejected = TimeEntryFactory(project=project)
    TimesheetApprovalFactory(project=project, entries=[rejected], status="rejected", reason="No")
    TimesheetApprovalFactory(project=project)  # pending
    TimeEntryFactory(project=project, billable=False)

    awaiting = set(selectors.time_entries_awaiting_approval(project=project))

    assert awaiting == {unsent, rejected}


def test_invoiceable_time_is_approved_billable_and_not_invoiced(customer_a: Contact) -> None:
    project = ProjectFactory(contact=customer_a)
    approved = TimeEntryFactory(project=project)
    TimesheetApprovalFactory(
        project=project,
        status="approved",
        entries=[approved, TimeEntryFactory(project=project, invoice=draft_invoice(customer_a))],
    )
    TimesheetApprovalFactory(project=project)  # pending

    assert list(selectors.time_entries_invoiceable(project=project)) == [approved]


# --- portal -----------------------------------------------------------------------------------


def test_a_customer_sees_only_its_own_portal_projects(
    org: Organisation, customer_a: Contact, customer_b: Contact
) -> None:
    shown = busy_project(customer_a)
    ProjectFactory(contact=customer_a, show_in_portal=False)
    ProjectFactory(contact=customer_b)

    projects = list(selectors.project_list_for_contact(organisation=org, contact=customer_a))

    assert projects == [shown]
    assert projects[0].hours_logged == Decimal("12.00")  # type: ignore[attr-defined]


def test_a_customer_sees_nothing_through_another_organisation(
    other_org: Organisation, customer_a: Contact
) -> None:
    ProjectFactory(contact=customer_a)
    projects = selectors.project_list_for_contact(organisation=other_org, contact=customer_a)
    assert list(projects) == []


def test_the_portal_project_list_is_one_query_whatever_the_history(
    org: Organisation, customer_a: Contact, django_assert_num_queries: Any
) -> None:
    busy_project(customer_a)
    with django_assert_num_queries(1):
        list(selectors.project_list_for_contact(organisation=org, contact=customer_a))
    for _ in range(5):
        busy_project(customer_a)
    with django_assert_num_queries(1):
        projects = list(selectors.project_list_for_contact(organisation=org, contact=customer_a))
    assert len(projects) == 6


def test_the_portal_approval_list_counts_entries_and_hours(
    org: Organisation, customer_a: Contact, customer_b: Contact
) -> None:
    project = busy_project(customer_a)
    hidden = ProjectFactory(contact=customer_a, show_in_portal=False)
    TimesheetApprovalFactory(project=hidden)
    TimesheetApprovalFactory(project=ProjectFactory(contact=customer_b))

    approvals = list(selectors.approval_list_for_contact(organisation=org, contact=customer_a))

    assert {a.project_id for a in approvals} == {project.pk}
    assert sorted((a.status, a.entry_count, a.total_hours) for a in approvals) == [  # type: ignore[attr-defined]
        ("approved", 2, Decimal("4.00")),
        ("pending", 1, Decimal("3.00")),
    ]
    pending = selectors.approval_list_for_contact(
        organisation=org, contact=customer_a, status="pending"
    )
    assert [a.status for a in pending] == ["pending"]


def test_one_approval_with_its_entries_costs_two_queries(
    org: Organisation, customer_a: Contact, django_assert_num_queries: Any
) -> None:
    project = ProjectFactory(contact=customer_a)
    entries = [
        TimeEntryFactory(project=project, date=datetime.date(2026, 11, d)) for d in (3, 1, 2)
    ]
    approval = TimesheetApprovalFactory(project=project, entries=entries)

    with django_assert_num_queries(2):
        found = selectors.approval_get_for_contact(
            organisation=org, contact=customer_a, approval_id=approval.public_id
        )
        dates = [entry.date.day for entry in found.entries.all()]
        assert found.project == project

    assert dates == [1, 2, 3]
    assert found.total_hours == Decimal("6.00")  # type: ignore[attr-defined]


def test_an_approval_keeps_the_entries_sent_in_it_once_they_are_sent_again(
    org: Organisation, customer_a: Contact
) -> None:
    # given an entry sent in a first approval, then again in a second one
    project = ProjectFactory(contact=customer_a)
    entry = TimeEntryFactory(project=project)
    first = TimesheetApprovalFactory(project=project, entries=[entry])
    TimesheetApprovalFactory(project=project, entries=[entry])
    # when the portal opens the first approval
    found = selectors.approval_get_for_contact(
        organisation=org, contact=customer_a, approval_id=first.public_id
    )
    # then it still lists the entry
    assert [e.pk for e in found.entries.all()] == [entry.pk]


@pytest.mark.parametrize("owner", ["customer_b", "other_org_customer"])
def test_another_customers_approval_is_404(
    org: Organisation, customer_a: Contact, owner: str, request: pytest.FixtureRequest
) -> None:
    foreign = TimesheetApprovalFactory(
        project=ProjectFactory(contact=request.getfixturevalue(owner))
    )
    with pytest.raises(Http404):
        selectors.approval_get_for_contact(
            organisation=org, contact=customer_a, approval_id=foreign.public_id
        )


@pytest.mark.parametrize(
    "approval_id",
    [uuid.UUID(int=7), "00000000-0000-4000-8000-000000000009", "not-a-uuid", "1"],
    ids=["uuid", "uuid-text", "not-a-uuid", "integer"],
)
def test_a_missing_or_malformed_approval_id_is_404(
    org: Organisation, customer_a: Contact, approval_id: Any
) -> None:
    with pytest.raises(Http404):
        selectors.approval_get_for_contact(
            organisation=org, contact=customer_a, approval_id=approval_id
        )


def test_an_approval_of_a_hidden_project_is_404(org: Organisation, customer_a: Contact) -> None:
    approval = TimesheetApprovalFactory(
        project=ProjectFactory(contact=customer_a, show_in_portal=False)
    )
    with pytest.raises(Http404):
        selectors.approval_get_for_contact(
            organisation=org, contact=customer_a, approval_id=str(approval.public_id)
        )


def test_the_portal_project_list_filters_by_status(org: Organisation, customer_a: Contact) -> None:
    active = ProjectFactory(contact=customer_a)
    done = ProjectFactory(contact=customer_a, status="completed")

    every = selectors.project_list_for_contact(organisation=org, contact=customer_a)
    completed = selectors.project_list_for_contact(
        organisation=org, contact=customer_a, status="completed"
    )

    assert set(every) == {active, done}
    assert list(completed) == [done]


def test_one_portal_project_is_found_by_public_id_with_totals(
    org: Organisation, customer_a: Contact
) -> None:
    project = busy_project(customer_a)
    found = selectors.project_get_for_contact(
        organisation=org, contact=customer_a, project_id=str(project.public_id)
    )
    assert selectors.ProjectTotals.of(found).hours_logged == Decimal("12.00")


@pytest.mark.parametrize("owner", ["customer_b", "other_org_customer"])
def test_another_customers_project_is_404(
    org: Organisation, customer_a: Contact, owner: str, request: pytest.FixtureRequest
) -> None:
    foreign = ProjectFactory(contact=request.getfixturevalue(owner))
    with pytest.raises(Http404):
        selectors.project_get_for_contact(
            organisation=org, contact=customer_a, project_id=foreign.public_id
        )


def test_a_hidden_project_is_404_in_the_portal(org: Organisation, customer_a: Contact) -> None:
    hidden = ProjectFactory(contact=customer_a, show_in_portal=False)
    with pytest.raises(Http404):
        selectors.project_get_for_contact(
            organisation=org, contact=customer_a, project_id=hidden.public_id
        )


def test_the_portal_approval_list_filters_by_project(
    org: Organisation, customer_a: Contact
) -> None:
    project = ProjectFactory(contact=customer_a)
    own = TimesheetApprovalFactory(project=project)
    TimesheetApprovalFactory(project=ProjectFactory(contact=customer_a))

    approvals = selectors.approval_list_for_contact(
        organisation=org, contact=customer_a, project=project
    )

    assert list(approvals) == [own]


def test_the_portal_approval_list_is_one_query_whatever_the_history(
    org: Organisation, customer_a: Contact, django_assert_num_queries: Any
) -> None:
    for _ in range(4):
        busy_project(customer_a)
    with django_assert_num_queries(1):
        approvals = list(selectors.approval_list_for_contact(organisation=org, contact=customer_a))
        names = {approval.project.name for approval in approvals}
    assert len(approvals) == 8
    assert len(names) == 4


def test_a_page_of_approvals_sums_its_own_rows_in_one_query_whatever_the_history(
    org: Organisation,
    customer_a: Contact,
    customer_a_person: ContactPerson,
    customer_b: Contact,
    django_assert_num_queries: Any,
) -> None:
    # given five busy projects (ten approvals), a hidden one and another customer's
    for _ in range(5):
        busy_project(customer_a)
    TimesheetApprovalFactory(project=ProjectFactory(contact=customer_a, show_in_portal=False))
    busy_project(customer_b)
    everything = list(
        selectors.approval_list_for_contact(organisation=org, contact=customer_a).order_by(
            "-sent_at", "-id"
        )
    )
    scope = PortalScope(org, customer_a, customer_a_person)

    # when the list is read four a page
    pages = []
    for number in (1, 2, 3):
        with django_assert_num_queries(1):  # the total is read by the page's own query
            page = selectors.approval_page_for_portal(
                scope=scope, query=ListQuery(page=number, per_page=4)
            )
            pages.append([(a.pk, a.entry_count, a.total_hours) for a in page.object_list])

    # then the pages are the whole list in order, each row with its own count and hours
    assert [row for rows in pages for row in rows] == [
        (a.pk, a.entry_count, a.total_hours)  # type: ignore[attr-defined]
        for a in everything
    ]
    assert [len(rows) for rows in pages] == [4, 4, 2]


def test_a_page_of_approvals_filters_by_status_and_clamps_the_page_number(
    org: Organisation, customer_a: Contact, customer_a_person: ContactPerson
) -> None:
    for _ in range(3):
        busy_project(customer_a)
    page = selectors.approval_page_for_portal(
        scope=PortalScope(org, customer_a, customer_a_person),
        query=ListQuery(status="approved", sort="sent", page=9, per_page=2),
    )
    assert (page.number, page.paginator.num_pages, page.paginator.count) == (2, 2, 3)
    assert [(a.status, a.entry_count, a.total_hours) for a in page.object_list] == [
        ("approved", 2, Decimal("4.00"))
    ]
