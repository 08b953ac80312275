from __future__ import annotations

import pytest

from portico.devdata.demo import DemoContext
from portico.devdata.demo import contacts as contacts_demo
from portico.devdata.demo import orgs as orgs_demo
from portico.devdata.demo import projects as projects_demo
from portico.projects.models import Project, TimeEntry, TimesheetApproval

pytestmark = pytest.mark.django_db


def run_demo() -> list[str]:
    said: list[str] = []
    context = DemoContext(say=said.append)
    for step in (orgs_demo.load, contacts_demo.load, projects_demo.load):
        step(context)
    return said


def test_acme_gets_two_projects_with_time_and_one_pending_timesheet() -> None:
    run_demo()

    projects = Project.objects.filter(contact__display_name="Acme Corporation")
    assert projects.count() == 2
    assert TimeEntry.objects.filter(project__in=projects).count() == 25
    assert TimesheetApproval.objects.filter(status="pending").count() == 1
    assert TimesheetApproval.objects.filter(status="approved").count() == 1


def test_the_demo_step_runs_twice_without_duplicating() -> None:
    run_demo()
    said = run_demo()

    assert Project.objects.count() == 2
    assert TimeEntry.objects.count() == 25
    assert TimesheetApproval.objects.count() == 2
    assert not any("projects" in line for line in said)
