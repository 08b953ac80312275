"""The statement, the person's account (details and company), comments, messages and reviews."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from portico.activity import self_service
from portico.activity import services as activity_services
from portico.api.auth import PortalToken, portal_caller
from portico.api.errors import ApiError
from portico.api.idempotency import idempotent
from portico.api.portal.common import origin_of, portal_throttle
from portico.api.portal.documents import ERRORS, LIMITED
from portico.api.schemas import Input, MultiLine, SingleLine, money
from portico.contacts.scope import Module, PortalScope
from portico.projects import selectors as project_selectors
from portico.sales import portal_selectors as sales_selectors
from portico.statements import selectors as statement_selectors

router = Router(tags=["portal: account"], auth=PortalToken())


class StatementParams(Schema):
    from_: datetime.date | None = Field(None, alias="from")
    to: datetime.date | None = None
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(100, ge=1, le=100)


class StatementLineOut(Schema):
    date: datetime.date
    kind: str
    reference: str
    description: str
    amount: str
    balance: str


class StatementOut(Schema):
    currency: str
    start: datetime.date
    end: datetime.date
    opening_balance: str
    invoiced: str
    received: str
    credited: str
    closing_balance: str
    items: list[StatementLineOut]
    count: int
    page: int
    pages: int


@router.get("/{org}/statement", response={200: StatementOut, **ERRORS})
def statement(request: HttpRequest, org: str, params: Query[StatementParams]) -> dict[str, Any]:
    scope = portal_caller(request, org, Module.STATEMENT).scope
    end = params.to or timezone.localdate()
    start = params.from_ or end.replace(day=1)
    if start > end:
        raise ApiError(422, "validation_error", "The request is not valid.", {"from": "After to."})
    found = statement_selectors.statement_page_for(
        contact=scope.contact, start=start, end=end, page=params.page, per_page=params.page_size
    )
    currency = found.currency
    assert found.page is not None
    return {
        "currency": currency,
        "start": found.start,
        "end": found.end,
        "opening_balance": money(found.opening_balance, currency),
        "invoiced": money(found.invoiced, currency),
        "received": money(found.received, currency),
        "credited": money(found.credited, currency),
        "closing_balance": money(found.closing_balance, currency),
        "items": [
            {
                "date": line.date,
                "kind": line.kind,
                "reference": line.reference,
                "description": line.description,
                "amount": money(line.amount, currency),
                "balance": money(line.balance, currency),
            }
            for line in found.lines
        ],
        "count": found.page.count,
        "page": found.page.number,
        "pages": found.page.num_pages,
    }


class PersonDetails(Schema):
    id: UUID
    email: str
    first_name: str
    last_name: str
    phone: str
    mobile: str
    designation: str
    language: str
    role: str


class CompanyDetails(Schema):
    id: UUID
    display_name: str
    company_name: str
    tax_number: str
    website: str
    phone: str
    currency: str


class AccountOut(Schema):
    person: PersonDetails
    company: CompanyDetails


def account_out(scope: PortalScope) -> dict[str, Any]:
    person, contact = scope.person, scope.contact
    return {
        "person": {
            "id": person.public_id,
            "email": person.email,
            "role": person.portal_role,
            **{field: str(getattr(person, field) or "") for field in self_service.PERSON_FIELDS},
        },
        "company": {
            "id": contact.public_id,
            "currency": contact.currency,
            **{
                field: str(getattr(contact, field) or "")
                for field in ("display_name", "company_name", "tax_number", "website", "phone")
            },
        },
    }


class PersonPatch(Input):
    first_name: SingleLine | None = Field(None, max_length=100)
    last_name: SingleLine | None = Field(None, max_length=100)
    phone: SingleLine | None = Field(None, max_length=50)
    mobile: SingleLine | None = Field(None, max_length=50)
    designation: SingleLine | None = Field(None, max_length=100)
    language: SingleLine | None = Field(None, max_length=10)


class CompanyPatch(Input):
    display_name: SingleLine | None = Field(None, max_length=200)
    company_name: SingleLine | None = Field(None, max_length=200)
    tax_number: SingleLine | None = Field(None, max_length=50)
    website: SingleLine | None = Field(None, max_length=200)
    phone: SingleLine | None = Field(None, max_length=50)


class AccountPatch(Input):
    person: PersonPatch | None = None
    company: CompanyPatch | None = None


class AccountPatchOut(AccountOut):
    queued_for_review: list[str]


@router.get("/{org}/account", response={200: AccountOut, **ERRORS})
def account(request: HttpRequest, org: str) -> dict[str, Any]:
    return account_out(portal_caller(request, org, Module.ACCOUNT).scope)


@router.patch("/{org}/account", response={200: AccountPatchOut, **ERRORS})
def account_update(request: HttpRequest, org: str, payload: AccountPatch) -> dict[str, Any]:
    """Change the person's details and the company's; the business may review company changes."""
    caller = portal_caller(request, org, Module.ACCOUNT)
    scope, origin = caller.scope, origin_of(request)
    queued: list[str] = []
    if payload.person is not None:
        current = account_out(scope)["person"]
        values = {f: current[f] for f in self_service.PERSON_FIELDS}
        values.update(payload.person.model_dump(exclude_none=True))
        self_service.person_details_update(scope=scope, values=values, origin=origin)
    if payload.company is not None:
        changes = payload.company.model_dump(exclude_none=True)
        contact = scope.contact
        values = {f: str(getattr(contact, f) or "") for f in self_service.COMPANY_FIELDS}
        values.update(changes)
        result = self_service.company_details_submit(scope=scope, values=values, origin=origin)
        queued = [change.field for change in result.queued]
    fresh = portal_caller(request, org, Module.ACCOUNT).scope
    return {**account_out(fresh), "queued_for_review": queued}


def person_principal(request: HttpRequest, kwargs: dict[str, Any]) -> tuple[Any, str]:
    """The Idempotency-Key namespace of a Portal API call: the organisation and the person."""
    scope = portal_caller(request, kwargs["org"]).scope
    return scope.organisation, f"person:{scope.person.public_id}"


COMMENT_TARGETS = ("invoice", "estimate", "sales_order", "timesheet_approval")


class CommentIn(Input):
    target_type: str = Field(pattern="^(" + "|".join(COMMENT_TARGETS) + ")$")
    target_id: UUID
    body: MultiLine = Field(min_length=1, max_length=4000)


class Created(Schema):
    id: UUID
    created_at: datetime.datetime


def _target(scope: PortalScope, kind: str, target_id: UUID) -> Any:
    """The commented document, through the same scoped selectors as its page (and its module)."""
    if kind == "invoice" and scope.allows(Module.INVOICES):
        return sales_selectors.invoice_get_for_portal(scope=scope, invoice_id=target_id)
    if kind == "estimate" and scope.allows(Module.ESTIMATES):
        return sales_selectors.estimate_get_for_portal(scope=scope, estimate_id=target_id)
    if kind == "sales_order" and scope.allows(Module.SALES_ORDERS):
        return sales_selectors.sales_order_get_for_portal(scope=scope, sales_order_id=target_id)
    if kind == "timesheet_approval" and scope.allows(Module.TIMESHEETS):
        return project_selectors.approval_get_for_contact(
            organisation=scope.organisation, contact=scope.contact, approval_id=target_id
        )
    raise ApiError(404, "not_found", "Not found.")


@router.post("/{org}/comments", response={201: Created, **LIMITED})
@idempotent(person_principal)
def comment_create(request: HttpRequest, org: str, payload: CommentIn) -> Status[Any]:
    portal_throttle(request, "comment")
    scope = portal_caller(request, org, Module.HOME).scope
    target = _target(scope, payload.target_type, payload.target_id)
    comment = activity_services.comment_add_from_portal(
        scope=scope, target=target, body=payload.body, origin=origin_of(request)
    )
    return Status(201, {"id": comment.public_id, "created_at": comment.created_at})


class MessageIn(Input):
    subject: SingleLine = Field(min_length=1, max_length=200)
    body: MultiLine = Field(min_length=1, max_length=5000)


@router.post("/{org}/messages", response={201: Created, **LIMITED})
@idempotent(person_principal)
def message_create(request: HttpRequest, org: str, payload: MessageIn) -> Status[Any]:
    portal_throttle(request, "message")
    scope = portal_caller(request, org, Module.ACCOUNT).scope
    message = self_service.customer_message_send(
        scope=scope, subject=payload.subject, body=payload.body, origin=origin_of(request)
    )
    return Status(201, {"id": message.public_id, "created_at": message.created_at})


class ReviewIn(Input):
    rating: int = Field(ge=1, le=5)
    text: MultiLine = Field("", max_length=5000)


@router.post("/{org}/reviews", response={201: Created, **ERRORS})
@idempotent(person_principal)
def review_create(request: HttpRequest, org: str, payload: ReviewIn) -> Status[Any]:
    scope = portal_caller(request, org, Module.ACCOUNT).scope
    review, _created = self_service.review_save(
        scope=scope, rating=payload.rating, text=payload.text, origin=origin_of(request)
    )
    return Status(201, {"id": review.public_id, "created_at": review.created_at})
