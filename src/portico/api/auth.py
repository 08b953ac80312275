"""Who is calling: a Books API key (an organisation) or a Portal API token (a contact person).

Both arrive as `Authorization: Bearer …`; a missing, unknown, revoked or expired credential is
401 in the envelope. The Portal API's scope is built by `contacts.access`, like the pages'.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from ninja.security import HttpBearer

from portico.accounts import api_keys
from portico.accounts.models import ApiKey
from portico.api.errors import ApiError, not_found
from portico.contacts import api_tokens
from portico.contacts.access import Problem, access_for
from portico.contacts.models import PortalSession
from portico.contacts.scope import Module, PortalScope
from portico.core.errors import PortalError
from portico.orgs.models import Organisation

READS = frozenset({"GET", "HEAD", "OPTIONS"})


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def unauthenticated() -> ApiError:
    return ApiError(401, "unauthenticated", "Missing, expired or revoked credentials.")


class BooksKey(HttpBearer):
    """`Authorization: Bearer pk_…`: a live key of one organisation."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey:
        key = api_keys.api_key_authenticate(secret=token.strip(), ip=client_ip(request))
        if key is None:
            raise unauthenticated()
        if key.read_only and request.method not in READS:
            raise ApiError(403, "read_only_key", "This API key may only read.")
        return key


class PortalToken(HttpBearer):
    """`Authorization: Bearer pt_…`: an unexpired token from `POST /portal/{org}/auth/token`."""

    def authenticate(self, request: HttpRequest, token: str) -> PortalSession:
        session = api_tokens.api_token_session(secret=token.strip(), ip=client_ip(request))
        if session is None:
            raise unauthenticated()
        return session


def closed(problem: Problem) -> ApiError:
    """The portal is closed to this person; a deleted customer answers CP1003, as on the pages."""
    if problem is Problem.CONTACT_DELETED:
        error = PortalError.CONTACT_DELETED
        return ApiError(403, error.value, str(error.label))
    return ApiError(403, problem.value, "The portal is closed to this person.")


def organisation_of(request: HttpRequest) -> Organisation:
    """The Books API caller's organisation (from its key)."""
    key: ApiKey = request.auth  # type: ignore[attr-defined]
    return key.organisation


@dataclass(frozen=True)
class PortalCaller:
    scope: PortalScope
    session: PortalSession


def portal_caller(
    request: HttpRequest, org: str, module: Module | str = Module.HOME
) -> PortalCaller:
    """The scope of the token's person at `/portal/{org}/`, as the pages would resolve it.

    A token of another portal is 401; a module outside the person's role or switched off in
    the preferences is 404, as on the pages.
    """
    session: PortalSession = request.auth  # type: ignore[attr-defined]
    if session.organisation.slug != org:
        raise unauthenticated()
    assert session.person is not None
    access = access_for(user=session.user, organisation=session.organisation)
    if access.problem is Problem.NO_ACCESS:
        raise unauthenticated()
    if access.problem is not None:
        raise closed(access.problem)
    scope = access.scope_for(session.person_id)
    if scope is None or scope.person.pk != session.person_id:
        raise unauthenticated()
    if not scope.allows(module):
        raise not_found()
    return PortalCaller(scope=scope, session=session)
