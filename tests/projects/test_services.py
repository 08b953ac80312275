"""Writes to projects, time and timesheet approvals: each rule and each bad input."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from portico.accounts.models import User
from portico.contacts.models import Contact, ContactPerson
from portico.core.errors import DomainError, InvalidTransition
from portico.orgs.models import Organisation
from portico.projects import services
from portico.projects.models import Project, TimeEntry, TimesheetApproval
from tests.contacts.factories import ContactPersonFactory
from tests.projects.factories import (
    ProjectFactory,
    TimeEntryFactory,
    TimesheetApprovalFactory,
    draft_invoice,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 2)


def log(org: Organisation, project: Project, **overrides: Any) -> TimeEntry:
    fields: dict[str, Any] = {"date": DAY, "hours": Decimal("1.5"), "task": "Design"}
    fields.update(overrides)
    return services.time_entry_log(organisation=org, project=project, **fields)


def code_of(excinfo: pytest.ExceptionInfo[DomainError]) -> str:
    return excinfo.value.code


# --- projects ---------------------------------------------------------------------------------


def test_it_creates_a_project_for_a_customer(org: Organisation, customer_a: Contact) -> None:
    project = services.project_create(
        organisation=org,
        contact=customer_a,
        name="  Website redesign ",
        rate=Decimal("120"),
        budget_hours=Decimal("80"),
    )
    project.refresh_from_db()
    assert project.name == "Website redesign"
    assert project.organisation == org
    assert project.status == Project.Status.ACTIVE
    assert project.show_in_portal is True
    assert project.rate == Decimal("120.00")


def test_it_refuses_a_customer_of_another_organisation(
    org: Organisation, other_org_customer: Contact
) -> None:
    with pytest.raises(DomainError) as excinfo:
        services.project_create(organisation=org, contact=other_org_customer, name="X")
    assert code_of(excinfo) == "foreign_record"
    assert not Project.objects.exists()


def test_it_refuses_a_deleted_customer(org: Organisation, customer_a: Contact) -> None:
    customer_a.is_deleted = True
    customer_a.save()
    with pytest.raises(DomainError) as excinfo:
        services.project_create(organisation=org, contact=customer_a, name="X")
    assert code_of(excinfo) == "contact_deleted"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"name": "   "}, "name_required"),
        ({"rate": Decimal("-1")}, "negative_amount"),
        ({"rate": "abc"}, "not_a_number"),
        ({"rate": Decimal("NaN")}, "not_a_number"),
        ({"budget_hours": Decimal("-5")}, "negative_amount"),
        ({"billing_method": "per_banana"}, "invalid_billing_method"),
    ],
)
def test_it_refuses_bad_project_input(
    org: Organisation, customer_a: Contact, fields: dict[str, Any], code: str
) -> None:
    arguments: dict[str, Any] = {"name": "Website"}
    arguments.update(fields)
    with pytest.raises(DomainError) as excinfo:
        services.project_create(organisation=org, contact=customer_a, **arguments)
    assert code_of(excinfo) == code
    assert not Project.objects.exists()


def test_it_updates_a_project(project: Project) -> None:
    services.project_update(project=project, name="Shop", rate=Decimal("90"), show_in_portal=False)
    project.refresh_from_db()
    assert (project.name, project.rate, project.show_in_portal) == ("Shop", Decimal("90"), False)


def test_an_update_refuses_fields_that_are_not_editable(project: Project) -> None:
    with pytest.raises(DomainError) as excinfo:
        services.project_update(project=project, status=Project.Status.COMPLETED)
    assert code_of(excinfo) == "field_not_editable"


def test_an_update_refuses_a_negative_rate_and_writes_nothing(project: Project) -> None:
    with pytest.raises(DomainError):
        services.project_update(project=project, name="Changed", rate=Decimal("-1"))
    project.refresh_from_db()
    assert project.name == "Website"


def test_the_customer_can_change_while_no_time_is_logged(
    project: Project, customer_b: Contact
) -> None:
    services.project_update(project=project, contact=customer_b)
    project.refresh_from_db()
    assert project.contact == customer_b


def test_the_customer_cannot_change_once_time_is_logged(
    org: Organisation, project: Project, customer_b: Contact
) -> None:
    log(org, project)
    with pytest.raises(DomainError) as excinfo:
        services.project_update(project=project, contact=customer_b)
    assert code_of(excinfo) == "project_has_time"


def test_the_customer_cannot_move_to_another_organisation(
    project: Project, other_org_customer: Contact
) -> None:
    with pytest.raises(DomainError) as excinfo:
        services.project_update(project=project, contact=other_org_customer)
    assert code_of(excinfo) == "foreign_record"


def test_a_project_is_completed_cancelled_and_reopened(project: Project) -> None:
    services.project_complete(project=project)
    assert project.status == Project.Status.COMPLETED
    services.project_reopen(project=project)
    services.project_cancel(project=project)
    project.refresh_from_db()
    assert project.status == Project.Status.CANCELLED


def test_a_completed_project_cannot_be_completed_again(project: Project) -> None:
    services.project_complete(project=project)
    with pytest.raises(InvalidTransition) as excinfo:
        services.project_complete(project=project)
    assert (excinfo.value.kind, excinfo.value.current, excinfo.value.target) == (
        "project",
        "completed",
        "completed",
    )


# --- time entries -----------------------------------------------------------------------------


def test_it_logs_time(org: Organisation, project: Project, owner: User) -> None:
    entry = log(org, project, hours="7.25", notes="Homepage", billable=False, user=owner)
    entry.refresh_from_db()
    assert entry.hours == Decimal("7.25")
    assert entry.organisation == org
    assert (entry.notes, entry.billable, entry.user) == ("Homepage", False, owner)


@pytest.mark.parametrize(
    ("hours", "code"),
    [
        (Decimal("0"), "hours_not_positive"),
        (Decimal("-1"), "hours_not_positive"),
        (Decimal("24.01"), "hours_over_limit"),
        (Decimal("100"), "hours_over_limit"),
        (Decimal("1.005"), "hours_too_precise"),
        ("", "not_a_number"),
        (None, "not_a_number"),
        ("Infinity", "not_a_number"),
    ],
)
def test_it_refuses_bad_hours(org: Organisation, project: Project, hours: Any, code: str) -> None:
    with pytest.raises(DomainError) as excinfo:
        log(org, project, hours=hours)
    assert code_of(excinfo) == code
    assert not TimeEntry.objects.exists()


def test_twenty_four_hours_is_the_most_one_entry_takes(org: Organisation, project: Project) -> None:
    assert log(org, project, hours=Decimal("24")).hours == Decimal("24")


def test_it_refuses_time_without_a_task(org: Organisation, project: Project) -> None:
    with pytest.raises(DomainError) as excinfo:
        log(org, project, task="  ")
    assert code_of(excinfo) == "task_required"


def test_it_refuses_a_project_of_another_organisation(
    other_org: Organisation, project: Project
) -> None:
    with pytest.raises(DomainError) as excinfo:
        log(other_org, project)
    assert code_of(excinfo) == "foreign_record"
    assert not TimeEntry.objects.exists()


def test_it_refuses_a_staff_user_of_another_organisation(
    org: Organisation, project: Project, outsider: User
) -> None:
    with pytest.raises(DomainError) as excinfo:
        log(org, project, user=outsider)
    assert code_of(excinfo) == "foreign_user"


def test_it_refuses_time_on_a_project_that_is_not_active(
    org: Organisation, project: Project
) -> None:
    services.project_complete(project=project)
    with pytest.raises(DomainError) as excinfo:
        log(org, project)
    assert code_of(excinfo) == "project_not_active"


def test_an_entry_is_edited_and_deleted_while_not_sent(org: Organisation, project: Project) -> None:
    entry = log(org, project)
    services.time_entry_update(entry=entry, hours=Decimal("3"), task="Build")
    entry.refresh_from_db()
    assert (entry.hours, entry.task) == (Decimal("3.00"), "Build")
    services.time_entry_delete(entry=entry)
    assert not TimeEntry.objects.exists()


def test_an_edit_refuses_bad_hours_and_other_fields(org: Organisation, project: Project) -> None:
    entry = log(org, project)
    with pytest.raises(DomainError) as excinfo:
        services.time_entry_update(entry=entry, hours=Decimal("25"))
    assert code_of(excinfo) == "hours_over_limit"
    with pytest.raises(DomainError) as excinfo:
        services.time_entry_update(entry=entry, project=ProjectFactory(contact=project.contact))
    assert code_of(excinfo) == "field_not_editable"


@pytest.mark.parametrize("status", ["pending", "approved"])
def test_an_entry_in_a_pending_or_approved_timesheet_is_locked(
    project: Project, status: str
) -> None:
    entry = TimeEntryFactory(project=project)
    TimesheetApprovalFactory(project=project, entries=[entry], status=status)
    entry.refresh_from_db()
    with pytest.raises(DomainError) as excinfo:
        services.time_entry_update(entry=entry, hours=Decimal("1"))
    assert code_of(excinfo) == "entry_in_approval"
    with pytest.raises(DomainError):
        services.time_entry_delete(entry=entry)
    assert TimeEntry.objects.filter(pk=entry.pk).exists()


def test_an_entry_of_a_rejected_timesheet_can_be_corrected(project: Project) -> None:
    entry = TimeEntryFactory(project=project)
    TimesheetApprovalFactory(project=project, entries=[entry], status="rejected", reason="Too much")
    entry.refresh_from_db()
    services.time_entry_update(entry=entry, hours=Decimal("1"))
    entry.refresh_from_db()
    assert entry.hours == Decimal("1.00")


def test_an_invoiced_entry_is_locked(project: Project) -> None:
    entry = TimeEntryFactory(project=project, invoice=draft_invoice(project.contact))
    with pytest.raises(DomainError) as excinfo:
        services.time_entry_update(entry=entry, notes="changed")
    assert code_of(excinfo) == "entry_invoiced"


# --- timesheet approvals ----------------------------------------------------------------------


def test_it_sends_billable_time_for_approval(project: Project) -> None:
    # given two billable entries
    entries = [TimeEntryFactory(project=project), TimeEntryFactory(project=project)]

    # when they are sent
    approval = services.timesheet_send_for_approval(project=project, entries=entries)

    # then one pending approval holds both
    assert approval.status == TimesheetApproval.Status.PENDING
    assert approval.sent_at is not None
    assert approval.organisation_id == project.organisation_id
    assert set(approval.entries.all()) == set(entries)
    assert set(approval.current_entries.all()) == set(entries)


def test_sending_refuses_no_entries(project: Project) -> None:
    with pytest.raises(DomainError) as excinfo:
        services.timesheet_send_for_approval(project=project, entries=[])
    assert code_of(excinfo) == "no_entries"


def test_sending_refuses_an_entry_of_another_project(project: Project) -> None:
    other = TimeEntryFactory(project=ProjectFactory(contact=project.contact))
    with pytest.raises(DomainError) as excinfo:
        services.timesheet_send_for_approval(
            project=project, entries=[TimeEntryFactory(project=project), other]
        )
    assert code_of(excinfo) == "entry_of_another_project"
    assert not TimesheetApproval.objects.exists()


def test_sending_refuses_an_entry_of_another_organisation(
    project: Project, other_org: Organisation
) -> None:
    foreign = TimeEntryFactory(project=ProjectFactory(contact__organisation=other_org))
    with pytest.raises(DomainError) as excinfo:
        services.timesheet_send_for_approval(project=project, entries=[foreign])
    assert code_of(excinfo) == "entry_of_another_project"


def test_sending_refuses_non_billable_time(project: Project) -> None:
    with pytest.raises(DomainError) as excinfo:
        services.timesheet_send_for_approval(
            project=project, entries=[TimeEntryFactory(project=project, billable=False)]
        )
    assert code_of(excinfo) == "entry_not_billable"


@pytest.mark.parametrize("status", ["pending", "approved"])
def test_an_entry_is_in_only_one_open_approval(project: Project, status: str) -> None:
    entry = TimeEntryFactory(project=project)
    TimesheetApprovalFactory(project=project, entries=[entry], status=status)
    with pytest.raises(DomainError) as excinfo:
        services.timesheet_send_for_approval(project=project, entries=[entry])
    assert code_of(excinfo) == "entry_in_approval"
    assert TimesheetApproval.objects.count() == 1


def test_rejected_time_can_be_sent_again_and_the_first_approval_keeps_it(project: Project) -> None:
    entry = TimeEntryFactory(project=project)
    rejected = TimesheetApprovalFactory(
        project=project, entries=[entry], status="rejected", reason="Wrong week"
    )
    again = services.timesheet_send_for_approval(project=project, entries=[entry])
    entry.refresh_from_db()
    assert entry.approval == again
    assert list(rejected.entries.all()) == [entry]


def test_invoiced_time_cannot_be_sent(project: Project) -> None:
    entry = TimeEntryFactory(project=project, invoice=draft_invoice(project.contact))
    with pytest.raises(DomainError) as excinfo:
        services.timesheet_send_for_approval(project=project, entries=[entry])
    assert code_of(excinfo) == "entry_invoiced"


def test_the_customers_person_approves(project: Project, customer_a_person: ContactPerson) -> None:
    approval = TimesheetApprovalFactory(project=project)
    decided = services.timesheet_approve(approval=approval, person=customer_a_person)
    approval.refresh_from_db()
    assert approval.status == TimesheetApproval.Status.APPROVED
    assert approval.decided_by == customer_a_person
    assert approval.decided_at is not None
    assert decided.pk == approval.pk


def test_the_customers_person_rejects_with_a_reason(
    project: Project, customer_a_person: ContactPerson
) -> None:
    approval = TimesheetApprovalFactory(project=project)
    services.timesheet_reject(approval=approval, person=customer_a_person, reason=" Too long ")
    approval.refresh_from_db()
    assert (approval.status, approval.reason) == ("rejected", "Too long")
    assert approval.decided_by == customer_a_person
    assert approval.decided_at is not None


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_rejection_needs_a_reason(
    project: Project, customer_a_person: ContactPerson, reason: Any
) -> None:
    approval = TimesheetApprovalFactory(project=project)
    with pytest.raises(DomainError) as excinfo:
        services.timesheet_reject(approval=approval, person=customer_a_person, reason=reason)
    assert code_of(excinfo) == "reason_required"
    approval.refresh_from_db()
    assert approval.status == TimesheetApproval.Status.PENDING


@pytest.mark.parametrize("persona", ["customer_b_person", "other_org_person"])
def test_another_customers_person_cannot_decide(
    project: Project, persona: str, request: pytest.FixtureRequest
) -> None:
    person = request.getfixturevalue(persona)
    approval = TimesheetApprovalFactory(project=project)
    with pytest.raises(DomainError) as excinfo:
        services.timesheet_approve(approval=approval, person=person)
    assert code_of(excinfo) == "foreign_person"
    with pytest.raises(DomainError):
        services.timesheet_reject(approval=approval, person=person, reason="No")
    approval.refresh_from_db()
    assert approval.status == TimesheetApproval.Status.PENDING
    assert approval.decided_by is None


def test_another_person_of_the_same_customer_may_decide(project: Project) -> None:
    colleague = ContactPersonFactory(contact=project.contact)
    approval = TimesheetApprovalFactory(project=project)
    services.timesheet_approve(approval=approval, person=colleague)
    approval.refresh_from_db()
    assert approval.decided_by == colleague


@pytest.mark.parametrize(
    ("current", "decide"),
    [
        ("approved", "approve"),
        ("approved", "reject"),
        ("rejected", "approve"),
        ("rejected", "reject"),
    ],
)
def test_a_decided_approval_cannot_be_decided_again(
    project: Project, customer_a_person: ContactPerson, current: str, decide: str
) -> None:
    approval = TimesheetApprovalFactory(project=project, status=current, reason="Earlier")
    with pytest.raises(InvalidTransition) as excinfo:
        if decide == "approve":
            services.timesheet_approve(approval=approval, person=customer_a_person)
        else:
            services.timesheet_reject(approval=approval, person=customer_a_person, reason="No")
    assert excinfo.value.current == current
    assert excinfo.value.code == "invalid_transition"


def test_the_first_portal_view_is_kept_and_reported_once(project: Project) -> None:
    approval = TimesheetApprovalFactory(project=project)
    first = datetime.datetime(2026, 11, 6, 9, tzinfo=datetime.UTC)

    assert services.timesheet_mark_viewed(approval=approval, when=first) is True
    assert services.timesheet_mark_viewed(approval=approval) is False

    approval.refresh_from_db()
    assert approval.first_viewed_at == first


@pytest.mark.parametrize("date", [None, "2026-11-02", ""])
def test_it_refuses_time_without_a_real_date(
    org: Organisation, project: Project, date: Any
) -> None:
    with pytest.raises(DomainError) as excinfo:
        log(org, project, date=date)
    assert code_of(excinfo) == "date_required"


def test_sending_refuses_a_project_hidden_from_the_portal(project: Project) -> None:
    project.show_in_portal = False
    project.save()
    with pytest.raises(DomainError) as excinfo:
        services.timesheet_send_for_approval(
            project=project, entries=[TimeEntryFactory(project=project)]
        )
    assert code_of(excinfo) == "project_not_in_portal"


def test_sending_refuses_a_deleted_customer(project: Project) -> None:
    entry = TimeEntryFactory(project=project)
    project.contact.is_deleted = True
    project.contact.save()
    with pytest.raises(DomainError) as excinfo:
        services.timesheet_send_for_approval(project=project, entries=[entry])
    assert code_of(excinfo) == "contact_deleted"


def test_a_rejection_reason_has_a_length_limit(
    project: Project, customer_a_person: ContactPerson
) -> None:
    approval = TimesheetApprovalFactory(project=project)
    with pytest.raises(DomainError) as excinfo:
        services.timesheet_reject(approval=approval, person=customer_a_person, reason="x" * 2001)
    assert code_of(excinfo) == "reason_too_long"
