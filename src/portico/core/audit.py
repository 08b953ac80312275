"""The audit trail's way in from every layer: sign-ins, access, API keys, webhook endpoints and
money movements, each with who did it, from where and when.

A service calls `record(...)` (or `record_for_user(...)` when the change belongs to a login, not
to one organisation) at the point where it makes the change, inside its transaction: the row is
written with the change or not at all. Who and from where come from the request being served
(`AuditRequestMiddleware` binds it) unless the caller names an actor; outside a request (tasks,
commands) the actor is the system. The `activity` app keeps the rows (`ActivityLog`) and
registers the writer on `recorded` from its `AppConfig.ready` (`core.hooks`).

Never pass a secret here: no password, token, key, card number or code, in `detail` either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol, cast

from django.db import models
from django.http import HttpRequest, HttpResponse

from portico.core.client_ip import client_ip
from portico.core.hooks import Hook

USER_AGENT_LENGTH = 200

# Every action the trail knows, by kind (ActivityLog.Kind): one home for the names.
ACTIONS: dict[str, str] = {
    "signed_in": "sign_in",
    "sign_in_failed": "sign_in",
    "locked_out": "sign_in",
    "signed_out": "sign_in",
    "password_changed": "sign_in",
    "password_reset": "sign_in",
    "two_factor_enabled": "sign_in",
    "two_factor_disabled": "sign_in",
    "portal_invited": "access",
    "portal_enabled": "access",
    "portal_disabled": "access",
    "portal_role_changed": "access",
    "api_key_created": "api",
    "api_key_revoked": "api",
    "api_token_created": "api",
    "api_token_ended": "api",
    "webhook_created": "webhook",
    "webhook_changed": "webhook",
    "webhook_deleted": "webhook",
    # Money movements: the customer ledger's posting kinds (sales.ledger.record).
    "payment": "money",
    "credit_note": "money",
    "credit_applied": "money",
    "refund": "money",
    "reversal": "money",
}


@dataclass(frozen=True)
class Actor:
    """Who did it: a staff user, a contact person, an API key, the system (a task, a gateway's
    webhook) or an anonymous visitor (a failed sign-in). `label` is how people read it."""

    kind: str
    label: str = ""
    user_id: int | None = None
    person_id: int | None = None


SYSTEM = Actor("system")


class ActsAs(Protocol):
    def audit_actor(self) -> Actor: ...


@dataclass(frozen=True)
class AuditEvent:
    action: str
    actor: Actor
    ip: str | None
    user_agent: str
    organisation_id: int | None = None
    contact_id: int | None = None
    # For events of a login (sign-in, password, second factor): the writer finds the
    # organisations (a staff member's memberships, a portal user's persons).
    user_id: int | None = None
    target: models.Model | None = None
    target_label: str = ""
    detail: str = ""
    request: HttpRequest | None = None

    @property
    def kind(self) -> str:
        return ACTIONS[self.action]


recorded: Hook[list[AuditEvent]] = Hook("audit trail")
_current: ContextVar[HttpRequest | None] = ContextVar("portico_audit_request", default=None)


@contextmanager
def serving(request: HttpRequest | None) -> Iterator[None]:
    """Attribute what is recorded inside to `request` (its caller, address and browser)."""
    token = _current.set(request)
    try:
        yield
    finally:
        _current.reset(token)


class AuditRequestMiddleware:
    """Binds the request for `record` (after authentication, so the caller is known)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with serving(request):
            return self.get_response(request)


def current_request() -> HttpRequest | None:
    return _current.get()


def actor_of(request: HttpRequest | None) -> Actor:
    """The caller of `request`: an API key or portal token, the portal person of the scope, the
    signed-in user; the system otherwise (a gateway's webhook, a task)."""
    if request is None:
        return SYSTEM
    scope = getattr(request, "portal_scope", None)
    person = None if scope is None or scope.preview else scope.person  # a preview is staff's
    for source in (getattr(request, "auth", None), person, getattr(request, "user", None)):
        if getattr(source, "is_authenticated", True) and hasattr(source, "audit_actor"):
            return cast(ActsAs, source).audit_actor()
    return SYSTEM


def origin_of(request: HttpRequest | None) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    return client_ip(request), request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH]


def event(
    action: str,
    *,
    organisation_id: int | None = None,
    user_id: int | None = None,
    actor: Actor | None = None,
    contact_id: int | None = None,
    target: models.Model | None = None,
    target_label: str = "",
    detail: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """One event, attributed to `request` (else the one being served)."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}")
    if organisation_id is None and user_id is None:
        raise ValueError("An audit event belongs to an organisation or to a login")
    request = request if request is not None else current_request()
    ip, user_agent = origin_of(request)
    return AuditEvent(
        action=action,
        actor=actor if actor is not None else actor_of(request),
        ip=ip,
        user_agent=user_agent,
        organisation_id=organisation_id,
        contact_id=contact_id,
        user_id=user_id,
        target=target,
        target_label=target_label,
        detail=detail,
        request=request,
    )


def record(action: str, **fields: Any) -> None:
    """Append one event to the organisation's trail (see `event` for the fields)."""
    recorded([event(action, **fields)])


def record_many(events: list[AuditEvent]) -> None:
    """Append many events at once (a bulk change: one insert per batch)."""
    if events:
        recorded(events)


def record_for_user(action: str, *, user_id: int, **fields: Any) -> None:
    """An event of a login (sign-in, password, second factor), kept in each organisation the
    login belongs to: the portal's organisation when it happens there, else all of them."""
    recorded([event(action, user_id=user_id, **fields)])
