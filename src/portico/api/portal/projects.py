"""Projects and timesheet approvals as the customer sees them in the portal."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from portico.activity import portal_actions
from portico.api.auth import PortalToken, portal_caller
from portico.api.pagination import Paged, answer, paginate
from portico.api.portal.common import ListParams, origin_of
from portico.api.portal.documents import ERRORS
from portico.api.schemas import Input, MultiLine
from portico.contacts.scope import Module
from portico.projects import selectors
from portico.projects.models import Project, TimesheetApproval

router = Router(tags=["portal: projects"], auth=PortalToken())
APPROVAL_STATUSES = {"": None, **{s: s for s in TimesheetApproval.Status.values}}
APPROVAL_SORTS = {"": ("-sent_at", "-id"), "-date": ("-sent_at", "-id"), "date": ("sent_at", "id")}


class ProjectOut(Schema):
    id: UUID
    name: str
    status: str
    billing_method: str
    updated_at: datetime.datetime


class ApprovalOut(Schema):
    id: UUID
    project: UUID
    status: str
    reason: str
    sent_at: datetime.datetime
    decided_at: datetime.datetime | None
    updated_at: datetime.datetime


def project_out(project: Project) -> dict[str, Any]:
    return {
        "id": project.public_id,
        "name": project.name,
        "status": project.status,
        "billing_method": project.billing_method,
        "updated_at": project.updated_at,
    }


def approval_out(approval: TimesheetApproval) -> dict[str, Any]:
    return {
        "id": approval.public_id,
        "project": approval.project.public_id,
        "status": approval.status,
        "reason": approval.reason,
        "sent_at": approval.sent_at,
        "decided_at": approval.decided_at,
        "updated_at": approval.updated_at,
    }


@router.get("/{org}/projects", response={200: Paged[ProjectOut], **ERRORS})
def project_list(request: HttpRequest, org: str, params: Query[ListParams]) -> dict[str, Any]:
    scope = portal_caller(request, org, Module.PROJECTS).scope
    status = params.status if params.status in Project.Status.values else None
    projects = selectors.project_list_for_contact(
        organisation=scope.organisation, contact=scope.contact, status=status
    )
    if params.updated_since is not None:
        projects = projects.filter(updated_at__gte=params.updated_since)
    return answer(paginate(projects.order_by("name", "id"), params), project_out)


@router.get("/{org}/timesheets", response={200: Paged[ApprovalOut], **ERRORS})
def timesheet_list(request: HttpRequest, org: str, params: Query[ListParams]) -> dict[str, Any]:
    scope = portal_caller(request, org, Module.TIMESHEETS).scope
    approvals = selectors.approval_list_for_contact(
        organisation=scope.organisation,
        contact=scope.contact,
        status=APPROVAL_STATUSES.get(params.status),
    )
    if params.updated_since is not None:
        approvals = approvals.filter(updated_at__gte=params.updated_since)
    order = APPROVAL_SORTS.get(params.sort, APPROVAL_SORTS[""])
    return answer(paginate(approvals.order_by(*order), params), approval_out)


class RejectIn(Input):
    reason: MultiLine = Field(min_length=1, max_length=2000)


@router.post("/{org}/timesheets/{approval_id}/approve", response={200: ApprovalOut, **ERRORS})
def timesheet_approve(request: HttpRequest, org: str, approval_id: str) -> dict[str, Any]:
    scope = portal_caller(request, org, Module.TIMESHEETS).scope
    approval = selectors.approval_get_for_contact(
        organisation=scope.organisation, contact=scope.contact, approval_id=approval_id
    )
    decided = portal_actions.timesheet_approve_from_portal(
        scope=scope, approval=approval, origin=origin_of(request)
    )
    return approval_out(decided)


@router.post("/{org}/timesheets/{approval_id}/reject", response={200: ApprovalOut, **ERRORS})
def timesheet_reject(
    request: HttpRequest, org: str, approval_id: str, payload: RejectIn
) -> dict[str, Any]:
    scope = portal_caller(request, org, Module.TIMESHEETS).scope
    approval = selectors.approval_get_for_contact(
        organisation=scope.organisation, contact=scope.contact, approval_id=approval_id
    )
    decided = portal_actions.timesheet_reject_from_portal(
        scope=scope, approval=approval, reason=payload.reason, origin=origin_of(request)
    )
    return approval_out(decided)
