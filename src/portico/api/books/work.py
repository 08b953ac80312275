"""Projects, time, timesheet approvals, notifications, comments, persons and bulk portal access."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from portico.activity import invitations
from portico.activity import selectors as activity_selectors
from portico.activity import services as activity_services
from portico.api.books.common import ERRORS, key_of, organisation_of, principal
from portico.api.books.contacts import PersonOut, person_out
from portico.api.errors import ApiError
from portico.api.idempotency import idempotent
from portico.api.pagination import Paged, PageParams, answer, paginate
from portico.api.portal.projects import ApprovalOut, ProjectOut, approval_out, project_out
from portico.api.schemas import Input, MultiLine, SingleLine
from portico.contacts import selectors as contact_selectors
from portico.contacts import services as contact_services
from portico.core import text as typed
from portico.core.money import parse_amount
from portico.projects import selectors as project_selectors
from portico.projects import services as project_services
from portico.projects.models import Project, TimesheetApproval
from portico.sales import selectors as sales_selectors
from portico.sales.models import Estimate, Invoice, SalesOrder

router = Router(tags=["books: projects, time, notifications, comments"])


class ProjectIn(Input):
    contact: UUID
    name: SingleLine = Field(min_length=1, max_length=200)
    description: MultiLine = Field("", max_length=4000)
    billing_method: str = Field(
        Project.BillingMethod.PROJECT_HOURS,
        pattern="^(" + "|".join(Project.BillingMethod.values) + ")$",
    )
    rate: SingleLine = Field("0", max_length=30)
    show_in_portal: bool = True


class ProjectListParams(PageParams):
    status: str = Field("", pattern="^(|" + "|".join(Project.Status.values) + ")$")


@router.get("/projects", response={200: Paged[ProjectOut], **ERRORS})
def project_list(request: HttpRequest, params: Query[ProjectListParams]) -> dict[str, Any]:
    projects = project_selectors.project_list(
        organisation=organisation_of(request), status=params.status or None
    )
    if params.updated_since is not None:
        projects = projects.filter(updated_at__gte=params.updated_since)
    return answer(paginate(projects.order_by("name", "id"), params), project_out)


@router.post("/projects", response={201: ProjectOut, **ERRORS})
@idempotent(principal)
def project_create(request: HttpRequest, payload: ProjectIn) -> Status[Any]:
    organisation = organisation_of(request)
    contact = contact_selectors.contact_get_for_staff(
        organisation=organisation, contact_id=payload.contact
    )
    rate = (
        Decimal(0)
        if payload.rate.strip() in {"", "0"}
        else parse_amount(payload.rate, contact.currency, field="rate")
    )
    project = project_services.project_create(
        organisation=organisation,
        contact=contact,
        name=payload.name,
        description=payload.description,
        billing_method=payload.billing_method,
        rate=rate,
        show_in_portal=payload.show_in_portal,
    )
    return Status(201, project_out(project))


class TimeEntryIn(Input):
    project: UUID
    date: datetime.date
    hours: SingleLine = Field(max_length=10)
    task: SingleLine = Field(min_length=1, max_length=200)
    notes: MultiLine = Field("", max_length=4000)
    billable: bool = True


class TimeEntryOut(Schema):
    id: UUID
    project: UUID
    date: datetime.date
    hours: str
    task: str
    billable: bool


@router.post("/time-entries", response={201: TimeEntryOut, **ERRORS})
@idempotent(principal)
def time_entry_create(request: HttpRequest, payload: TimeEntryIn) -> Status[Any]:
    organisation = organisation_of(request)
    project = project_selectors.project_get(organisation=organisation, project_id=payload.project)
    entry = project_services.time_entry_log(
        organisation=organisation,
        project=project,
        date=payload.date,
        hours=project_services.clean_hours(payload.hours),
        task=payload.task,
        notes=payload.notes,
        billable=payload.billable,
        user=key_of(request).created_by,
    )
    return Status(
        201,
        {
            "id": entry.public_id,
            "project": project.public_id,
            "date": entry.date,
            "hours": str(entry.hours),
            "task": entry.task,
            "billable": entry.billable,
        },
    )


class ApprovalIn(Input):
    project: UUID
    entries: list[UUID] | None = Field(
        None, max_length=500, description="Entries to send; all awaiting approval when absent."
    )


@router.post("/timesheet-approvals", response={201: ApprovalOut, **ERRORS})
@idempotent(principal)
def approval_create(request: HttpRequest, payload: ApprovalIn) -> Status[Any]:
    organisation = organisation_of(request)
    project = project_selectors.project_get(organisation=organisation, project_id=payload.project)
    entries = project_selectors.time_entries_awaiting_approval(project=project)
    if payload.entries is not None:
        entries = entries.filter(public_id__in=payload.entries)
    approval = project_services.timesheet_send_for_approval(project=project, entries=entries)
    return Status(201, approval_out(approval))


class NotificationOut(Schema):
    id: UUID
    kind: str
    text: str
    contact: UUID | None
    read: bool
    created_at: datetime.datetime


class NotificationParams(PageParams):
    unread: bool = False


@router.get("/notifications", response={200: Paged[NotificationOut], **ERRORS})
def notification_list(request: HttpRequest, params: Query[NotificationParams]) -> dict[str, Any]:
    notifications = activity_selectors.notifications_for_staff(
        organisation=organisation_of(request), unread=params.unread
    )
    if params.updated_since is not None:
        notifications = notifications.filter(updated_at__gte=params.updated_since)
    return answer(
        paginate(notifications.order_by("-created_at", "-id"), params),
        lambda n: {
            "id": n.public_id,
            "kind": n.kind,
            "text": typed.sentence(n.text),  # its parts' isolates; older rows' controls dropped
            "contact": n.contact.public_id if n.contact is not None else None,
            "read": n.read_at is not None,
            "created_at": n.created_at,
        },
    )


COMMENT_TARGETS: dict[str, type[Any]] = {
    "invoice": Invoice,
    "estimate": Estimate,
    "sales_order": SalesOrder,
    "timesheet_approval": TimesheetApproval,
}


class CommentIn(Input):
    target_type: str = Field(pattern="^(" + "|".join(COMMENT_TARGETS) + ")$")
    target_id: UUID
    body: MultiLine = Field(min_length=1, max_length=4000)
    show_in_portal: bool = False


class CommentOut(Schema):
    id: UUID
    body: str
    show_in_portal: bool
    created_at: datetime.datetime


@router.post("/comments", response={201: CommentOut, **ERRORS})
@idempotent(principal)
def comment_create(request: HttpRequest, payload: CommentIn) -> Status[Any]:
    organisation = organisation_of(request)
    user = key_of(request).created_by
    if user is None:
        raise ApiError(
            400,
            "key_without_user",
            "Comments need a key created by a staff member in the back office.",
        )
    target = (
        sales_selectors.document_get_for_staff(
            model=COMMENT_TARGETS[payload.target_type],
            organisation=organisation,
            document_id=payload.target_id,
        )
        if payload.target_type != "timesheet_approval"
        else project_selectors.approval_get_for_staff(
            organisation=organisation, approval_id=payload.target_id
        )
    )
    comment = activity_services.comment_add_from_staff(
        user=user,
        organisation=organisation,
        target=target,
        body=payload.body,
        show_in_portal=payload.show_in_portal,
    )
    return Status(
        201,
        {
            "id": comment.public_id,
            "body": comment.body,
            "show_in_portal": comment.show_in_portal,
            "created_at": comment.created_at,
        },
    )


class PersonPatch(Input):
    first_name: SingleLine | None = Field(None, min_length=1, max_length=100)
    last_name: SingleLine | None = Field(None, max_length=100)
    email: SingleLine | None = Field(None, max_length=254)
    phone: SingleLine | None = Field(None, max_length=50)
    is_primary: bool | None = None


@router.patch("/persons/{person_id}", response={200: PersonOut, **ERRORS}, tags=["books: contacts"])
def person_update(request: HttpRequest, person_id: str, payload: PersonPatch) -> dict[str, Any]:
    person = contact_selectors.person_get_for_staff(
        organisation=organisation_of(request), person_id=person_id
    )
    changes = payload.model_dump(exclude_none=True)
    return person_out(contact_services.contact_person_update(person=person, **changes))


class BulkEnableIn(Input):
    persons: list[UUID] = Field(min_length=1, max_length=1000)
    role: str | None = Field(None, pattern="^(full|billing|projects)$")


class Skipped(Schema):
    id: UUID
    reason: str


class BulkEnableOut(Schema):
    enabled: list[UUID]
    skipped: list[Skipped]


@router.post("/portal/enable", response={200: BulkEnableOut, **ERRORS}, tags=["books: contacts"])
def portal_enable_many(request: HttpRequest, payload: BulkEnableIn) -> dict[str, Any]:
    organisation = organisation_of(request)
    persons = contact_selectors.persons_for_staff(
        organisation=organisation, person_ids=payload.persons
    )
    found = {p.public_id: p for p in persons}
    report = invitations.portal_access_enable_many(persons=persons, role=payload.role)
    by_pk = {p.pk: p for p in found.values()}
    return {
        "enabled": [by_pk[pk].public_id for pk in report.enabled],
        "skipped": [{"id": p.public_id, "reason": str(reason)} for p, reason in report.skipped]
        + [{"id": i, "reason": "not found"} for i in payload.persons if i not in found],
    }
