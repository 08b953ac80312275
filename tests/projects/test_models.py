"""Status machines: one transition table per kind, `InvalidTransition` for everything else."""

from __future__ import annotations

import itertools

import pytest
from django.db import IntegrityError, transaction

from portico.core.errors import InvalidTransition
from portico.projects.models import Project, TimesheetApproval
from tests.projects.factories import TimeEntryFactory, TimesheetApprovalFactory

PROJECT_ALLOWED = {
    ("active", "completed"),
    ("active", "cancelled"),
    ("completed", "active"),
    ("cancelled", "active"),
}
APPROVAL_ALLOWED = {("pending", "approved"), ("pending", "rejected")}


@pytest.mark.parametrize(
    ("current", "target"), list(itertools.product(Project.Status.values, repeat=2))
)
def test_project_transitions_follow_the_table(current: str, target: str) -> None:
    project = Project(status=current)
    if (current, target) in PROJECT_ALLOWED:
        project.ensure_can_become(target)
    else:
        with pytest.raises(InvalidTransition) as excinfo:
            project.ensure_can_become(target)
        assert (excinfo.value.kind, excinfo.value.current, excinfo.value.target) == (
            "project",
            current,
            target,
        )


@pytest.mark.parametrize(
    ("current", "target"), list(itertools.product(TimesheetApproval.Status.values, repeat=2))
)
def test_approval_transitions_follow_the_table(current: str, target: str) -> None:
    approval = TimesheetApproval(status=current)
    if (current, target) in APPROVAL_ALLOWED:
        approval.ensure_can_become(target)
    else:
        with pytest.raises(InvalidTransition) as excinfo:
            approval.ensure_can_become(target)
        assert excinfo.value.kind == "timesheet approval"


def test_an_unknown_status_goes_nowhere() -> None:
    with pytest.raises(InvalidTransition):
        Project(status="archived").ensure_can_become("active")


@pytest.mark.django_db
def test_the_database_refuses_hours_out_of_range() -> None:
    for hours in ("0", "-1", "24.5"):
        with pytest.raises(IntegrityError), transaction.atomic():
            TimeEntryFactory(hours=hours)


@pytest.mark.django_db
def test_the_database_refuses_a_rejection_without_a_reason() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        TimesheetApprovalFactory(status="rejected", reason="")
