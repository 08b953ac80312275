"""Home figures, checkouts (the portal's Pay now) and saved methods."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from portico.api.auth import PortalToken, portal_caller
from portico.api.errors import not_found
from portico.api.idempotency import HEADER, idempotent
from portico.api.pagination import Paged, PageParams, answer, paginate
from portico.api.portal.common import portal_throttle
from portico.api.portal.documents import ERRORS, LIMITED
from portico.api.schemas import Error, Input, SingleLine, money
from portico.contacts.scope import Module
from portico.orgs.models import GatewayAccount
from portico.payments import portal_selectors as payment_selectors
from portico.payments import saved_methods
from portico.payments.checkout import selectors, services
from portico.payments.gateways.base import MethodKind
from portico.payments.models import Checkout, SavedMethod

router = Router(tags=["portal: payments"], auth=PortalToken())


class HomeOut(Schema):
    currency: str
    outstanding_total: str
    outstanding_count: int
    overdue_total: str
    overdue_count: int
    retainer_total: str
    retainer_count: int
    awaiting_estimates: int
    unused_credit: str


@router.get("/{org}/home", response={200: HomeOut, **ERRORS}, tags=["portal: home"])
def home(request: HttpRequest, org: str) -> dict[str, Any]:
    scope = portal_caller(request, org, Module.HOME).scope
    figures = payment_selectors.home_figures_for_portal(scope=scope)
    currency = scope.contact.currency
    return {
        "currency": currency,
        "outstanding_total": money(figures.outstanding_total, currency),
        "outstanding_count": figures.outstanding_count,
        "overdue_total": money(figures.overdue_total, currency),
        "overdue_count": figures.overdue_count,
        "retainer_total": money(figures.retainer_total, currency),
        "retainer_count": figures.retainer_count,
        "awaiting_estimates": figures.awaiting_estimates,
        "unused_credit": money(figures.unused_credit, currency),
    }


class InvoicePart(Input):
    id: UUID
    amount: SingleLine | None = Field(
        None, max_length=30, description="Decimal string; omit for all."
    )


class CheckoutIn(Input):
    invoices: list[InvoicePart] = Field(min_length=1, max_length=100)
    amount: SingleLine | None = Field(
        None, max_length=30, description="One amount spread over them."
    )
    token: SingleLine = Field("", max_length=200, description="The gateway's one-time token.")
    saved_method: UUID | None = None
    method: str = Field("card", pattern="^(card|bank)$")
    save_method: bool = False
    gateway: UUID | None = None
    idempotency_key: SingleLine = Field(
        "", max_length=80, description=f"Optional; the {HEADER} header is used when absent."
    )


class CheckoutOut(Schema):
    id: UUID
    state: str
    amount: str
    currency: str
    error_code: str
    error_message: str
    payment: UUID | None
    created_at: datetime.datetime


def checkout_out(checkout: Checkout) -> dict[str, Any]:
    return {
        "id": checkout.public_id,
        "state": checkout.state,
        "amount": money(checkout.amount, checkout.currency),
        "currency": checkout.currency,
        "error_code": checkout.error_code,
        "error_message": checkout.error_message,
        "payment": checkout.payment.public_id if checkout.payment is not None else None,
        "created_at": checkout.created_at,
    }


def _principal(request: HttpRequest, kwargs: dict[str, Any]) -> tuple[Any, str]:
    caller = portal_caller(request, kwargs["org"], Module.PAYMENTS)
    return caller.scope.organisation, f"person:{caller.scope.person.public_id}"


@router.post(
    "/{org}/checkouts",
    response={201: CheckoutOut, **LIMITED},
    summary="Pay invoices online (the portal's Pay now)",
    description=f"Needs an `{HEADER}` header (or `idempotency_key`): a replay answers the first "
    "checkout. A failure nothing was charged for answers 400 with its CP code.",
)
@idempotent(_principal)
def checkout_create(request: HttpRequest, org: str, payload: CheckoutIn) -> Status[Any]:
    portal_throttle(request, "checkout")
    scope = portal_caller(request, org, Module.PAYMENTS).scope
    raw_key = request.headers.get(HEADER, "").strip() or payload.idempotency_key.strip()
    # Keys are the client's: namespaced by person, so two customers' keys never meet.
    key = "api-" + hashlib.sha256(f"{scope.person.public_id}:{raw_key}".encode()).hexdigest()[:60]
    ids = [str(part.id) for part in payload.invoices]
    invoices = selectors.invoices_chosen_for_portal(scope=scope, invoice_ids=ids)
    if len(invoices) != len(set(ids)):
        raise not_found()
    by_public = {str(i.public_id): i for i in invoices}
    amounts = {by_public[str(p.id)].pk: p.amount for p in payload.invoices if p.amount is not None}
    saved = None
    if payload.saved_method is not None:
        saved = selectors.saved_method_get_for_portal(scope=scope, method_id=payload.saved_method)
    account = None
    if payload.gateway is not None:
        account = selectors.gateway_get_for_portal(scope=scope, gateway_id=str(payload.gateway))
    done = services.checkout_start(
        scope=scope,
        invoices=invoices,
        idempotency_key=key,
        amounts=amounts or None,
        amount=payload.amount,
        token=payload.token if saved is None else "",
        method_kind=MethodKind.BANK if payload.method == "bank" else MethodKind.CARD,
        saved_method=saved,
        save_method=payload.save_method,
        account=account,
    )
    done = selectors.checkout_get_for_portal(scope=scope, checkout_id=done.public_id)
    return Status(201, checkout_out(done))


@router.get("/{org}/checkouts/{checkout_id}", response={200: CheckoutOut, **ERRORS})
def checkout_detail(request: HttpRequest, org: str, checkout_id: str) -> dict[str, Any]:
    scope = portal_caller(request, org, Module.PAYMENTS).scope
    return checkout_out(selectors.checkout_get_for_portal(scope=scope, checkout_id=checkout_id))


class GatewayOut(Schema):
    id: UUID
    kind: str
    name: str
    publishable_key: str = Field(description="Public: what the gateway's tokenisation takes.")
    methods: list[str] = Field(description="`card`, and `bank` where the customer may debit.")
    hosted_fields: dict[str, str] = Field(description="The gateway's own fields, per method.")
    currencies: list[str]
    minimum_amount: str


class GatewayParams(PageParams):
    invoice: list[UUID] = Field(
        default_factory=list,
        max_length=100,
        description="Only the gateways that take all these invoices in one payment.",
    )


@router.get(
    "/{org}/gateways",
    response={200: Paged[GatewayOut], **ERRORS},
    summary="What the customer may pay with",
    description="Pass a gateway's `id` as the checkout's `gateway` to choose it.",
)
def gateway_list(request: HttpRequest, org: str, params: Query[GatewayParams]) -> dict[str, Any]:
    scope = portal_caller(request, org, Module.PAYMENTS).scope
    ids = {str(i) for i in params.invoice}
    invoices = selectors.invoices_chosen_for_portal(scope=scope, invoice_ids=ids)
    if len(invoices) != len(ids):
        raise not_found()
    accounts = selectors.gateways_for_portal(scope=scope, invoices=invoices)
    if params.updated_since is not None:
        accounts = [a for a in accounts if a.updated_at >= params.updated_since]

    def gateway_out(account: GatewayAccount) -> dict[str, Any]:
        fields = selectors.hosted_fields_urls(scope=scope, account=account)
        return {
            "id": account.public_id,
            "kind": account.kind,
            "name": account.display_name,
            "publishable_key": account.publishable_key,
            "methods": list(fields),
            "hosted_fields": {k: request.build_absolute_uri(v) for k, v in fields.items()},
            "currencies": account.currency_list,
            "minimum_amount": str(account.minimum_amount),
        }

    return answer(paginate(accounts, params), gateway_out)


class SavedMethodOut(Schema):
    id: UUID
    kind: str
    brand: str
    last4: str
    exp_month: int | None
    exp_year: int | None
    is_default: bool


def saved_method_out(method: SavedMethod) -> dict[str, Any]:
    return {
        "id": method.public_id,
        "kind": method.kind,
        "brand": method.brand,
        "last4": method.last4,
        "exp_month": method.exp_month,
        "exp_year": method.exp_year,
        "is_default": method.is_default,
    }


@router.get("/{org}/saved-methods", response={200: Paged[SavedMethodOut], **ERRORS})
def saved_method_list(request: HttpRequest, org: str, params: Query[PageParams]) -> dict[str, Any]:
    scope = portal_caller(request, org, Module.PAYMENTS).scope
    methods = selectors.saved_methods_for_portal(scope=scope)
    if params.updated_since is not None:
        methods = methods.filter(updated_at__gte=params.updated_since)
    return answer(paginate(methods, params), saved_method_out)


@router.delete("/{org}/saved-methods/{method_id}", response={204: None, 401: Error, 404: Error})
def saved_method_delete(request: HttpRequest, org: str, method_id: str) -> Status[None]:
    scope = portal_caller(request, org, Module.PAYMENTS).scope
    method = selectors.saved_method_get_for_portal(scope=scope, method_id=method_id)
    saved_methods.saved_method_delete(scope=scope, method=method)
    return Status(204, None)
