"""Back-office screens for projects, time and approvals: pages load, actions call services."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from portico.accounts.models import User
from portico.contacts.models import Contact
from portico.projects.models import Project, TimeEntry, TimesheetApproval
from tests.projects.factories import ProjectFactory, TimeEntryFactory, TimesheetApprovalFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["project", "timeentry", "timesheetapproval"])
def test_the_lists_load(owner_client: Client, project: Project, model: str) -> None:
    TimesheetApprovalFactory(project=project)
    response = owner_client.get(reverse(f"admin:projects_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query", ["?approval=none", "?approval=pending", "?invoiced=yes", "?billable__exact=1"]
)
def test_the_time_entry_filters_work(owner_client: Client, project: Project, query: str) -> None:
    TimesheetApprovalFactory(project=project)
    response = owner_client.get(reverse("admin:projects_timeentry_changelist") + query)
    assert response.status_code == 200


@pytest.mark.parametrize("model", ["project", "timeentry"])
def test_the_add_pages_load(owner_client: Client, model: str) -> None:
    assert owner_client.get(reverse(f"admin:projects_{model}_add")).status_code == 200


def test_approvals_are_not_added_by_hand(owner_client: Client) -> None:
    response = owner_client.get(reverse("admin:projects_timesheetapproval_add"))
    assert response.status_code == 403


def test_an_approval_shows_its_entries(owner_client: Client, project: Project) -> None:
    entry = TimeEntryFactory(project=project, task="Wireframes")
    approval = TimesheetApprovalFactory(project=project, entries=[entry])
    response = owner_client.get(
        reverse("admin:projects_timesheetapproval_change", args=[approval.pk])
    )
    assert response.status_code == 200
    assert "Wireframes" in response.content.decode()


def test_a_project_is_added_with_time(
    owner_client: Client, owner: User, customer_a: Contact
) -> None:
    response = owner_client.post(
        reverse("admin:projects_project_add"),
        {
            "contact": customer_a.pk,
            "name": "Brand",
            "description": "",
            "show_in_portal": "on",
            "billing_method": "project_hours",
            "rate": "80",
            "budget_hours": "20",
            "time_entries-TOTAL_FORMS": "1",
            "time_entries-INITIAL_FORMS": "0",
            "time_entries-0-date": "2026-11-02",
            "time_entries-0-task": "Logo",
            "time_entries-0-hours": "2.5",
            "time_entries-0-billable": "on",
            "time_entries-0-user": owner.pk,
        },
    )
    assert response.status_code == 302, response.context["errors"]
    project = Project.objects.get(name="Brand")
    entry = project.time_entries.get()
    assert (project.organisation, entry.organisation) == (customer_a.organisation,) * 2
    assert (entry.hours, entry.user) == (Decimal("2.50"), owner)


def test_the_staff_choices_are_the_organisations_members(
    owner_client: Client, owner: User, teammate: User, outsider: User
) -> None:
    response = owner_client.get(reverse("admin:projects_timeentry_add"))
    choices = {
        c.instance.pk for c, _ in response.context["adminform"].form.fields["user"].choices if c
    }
    assert choices == {owner.pk, teammate.pk}


def test_time_of_24_hours_or_more_is_refused_by_the_form(
    owner_client: Client, project: Project
) -> None:
    response = owner_client.post(
        reverse("admin:projects_timeentry_add"),
        {"project": project.pk, "date": "2026-11-02", "task": "Build", "hours": "25"},
    )
    assert response.status_code == 200
    assert not TimeEntry.objects.exists()


def test_a_locked_entry_cannot_be_edited_or_deleted(owner_client: Client, project: Project) -> None:
    entry = TimeEntryFactory(project=project, hours=Decimal("2"))
    TimesheetApprovalFactory(project=project, entries=[entry])
    url = reverse("admin:projects_timeentry_change", args=[entry.pk])

    response = owner_client.post(
        url, {"date": "2026-11-02", "task": "Design", "hours": "9", "billable": "on"}
    )
    assert response.status_code == 200
    assert "pending or approved" in response.content.decode()
    entry.refresh_from_db()
    assert entry.hours == Decimal("2.00")

    delete = owner_client.post(
        reverse("admin:projects_timeentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert TimeEntry.objects.filter(pk=entry.pk).exists()


def test_an_open_entry_is_deleted_through_the_service(
    owner_client: Client, project: Project
) -> None:
    entry = TimeEntryFactory(project=project)
    response = owner_client.post(
        reverse("admin:projects_timeentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not TimeEntry.objects.exists()


def test_send_for_approval_makes_one_timesheet_per_project(
    owner_client: Client, project: Project, customer_b: Contact
) -> None:
    # given entries on two projects
    other = ProjectFactory(contact=customer_b)
    entries = [
        TimeEntryFactory(project=project),
        TimeEntryFactory(project=project),
        TimeEntryFactory(project=other),
    ]

    # when the action runs on them
    response = owner_client.post(
        reverse("admin:projects_timeentry_changelist"),
        {"action": "send_for_approval", "_selected_action": [e.pk for e in entries]},
        follow=True,
    )

    # then each project has one pending approval with its entries
    assert response.status_code == 200
    assert TimesheetApproval.objects.filter(project=project).get().entries.count() == 2
    assert TimesheetApproval.objects.filter(project=other).get().entries.count() == 1
    assert "2 timesheets sent for approval" in response.content.decode()


def test_send_for_approval_reports_what_the_service_refused(
    owner_client: Client, project: Project
) -> None:
    entry = TimeEntryFactory(project=project, billable=False)
    response = owner_client.post(
        reverse("admin:projects_timeentry_changelist"),
        {"action": "send_for_approval", "_selected_action": [entry.pk]},
        follow=True,
    )
    assert "Non-billable time is not sent for approval." in response.content.decode()
    assert not TimesheetApproval.objects.exists()


def test_the_project_action_sends_what_awaits_approval(
    owner_client: Client, project: Project
) -> None:
    waiting = TimeEntryFactory(project=project)
    TimeEntryFactory(project=project, billable=False)
    TimesheetApprovalFactory(project=project)
    owner_client.post(
        reverse("admin:projects_project_changelist"),
        {"action": "send_time_for_approval", "_selected_action": [project.pk]},
    )
    newest = TimesheetApproval.objects.order_by("-pk").first()
    assert newest is not None
    assert list(newest.entries.all()) == [waiting]


def test_projects_are_completed_from_the_list(owner_client: Client, project: Project) -> None:
    owner_client.post(
        reverse("admin:projects_project_changelist"),
        {"action": "complete", "_selected_action": [project.pk]},
    )
    project.refresh_from_db()
    assert project.status == Project.Status.COMPLETED


def test_the_project_list_shows_budget_use(owner_client: Client, project: Project) -> None:
    TimeEntryFactory(project=project, hours=Decimal("5"), date=datetime.date(2026, 11, 1))
    response = owner_client.get(reverse("admin:projects_project_changelist"))
    assert "50.0 %" in response.content.decode()


def project_form(project: Project, entry: TimeEntry, **entry_fields: str) -> dict[str, object]:
    data: dict[str, object] = {
        "contact": project.contact_id,
        "name": project.name,
        "description": "",
        "show_in_portal": "on",
        "billing_method": project.billing_method,
        "rate": str(project.rate),
        "budget_hours": str(project.budget_hours),
        "time_entries-TOTAL_FORMS": "1",
        "time_entries-INITIAL_FORMS": "1",
        "time_entries-0-id": entry.pk,
        "time_entries-0-project": project.pk,
        "time_entries-0-date": str(entry.date),
        "time_entries-0-task": entry.task,
        "time_entries-0-hours": str(entry.hours),
        "time_entries-0-billable": "on",
    }
    data.update({f"time_entries-0-{name}": value for name, value in entry_fields.items()})
    return data


def test_a_locked_entry_cannot_be_changed_or_deleted_in_the_project_page(
    owner_client: Client, project: Project
) -> None:
    entry = TimeEntryFactory(project=project, hours=Decimal("2"))
    TimesheetApprovalFactory(project=project, entries=[entry])
    url = reverse("admin:projects_project_change", args=[project.pk])

    changed = owner_client.post(url, project_form(project, entry, hours="7"))
    deleted = owner_client.post(url, project_form(project, entry, DELETE="on"))

    assert changed.status_code == deleted.status_code == 200
    entry.refresh_from_db()
    assert entry.hours == Decimal("2.00")


def test_an_open_entry_is_changed_in_the_project_page(
    owner_client: Client, project: Project
) -> None:
    entry = TimeEntryFactory(project=project, hours=Decimal("2"))
    url = reverse("admin:projects_project_change", args=[project.pk])
    response = owner_client.post(url, project_form(project, entry, hours="7"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.hours == Decimal("7.00")


def test_the_customer_of_a_project_with_time_cannot_change_in_the_admin(
    owner_client: Client, project: Project, customer_b: Contact
) -> None:
    entry = TimeEntryFactory(project=project)
    data = project_form(project, entry)
    data["contact"] = customer_b.pk
    response = owner_client.post(reverse("admin:projects_project_change", args=[project.pk]), data)
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.contact != customer_b
