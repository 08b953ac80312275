"""`POST/DELETE /portal/{org}/auth/token`: bearer tokens for a contact person."""

from __future__ import annotations

import datetime
from uuid import UUID

from axes.exceptions import AxesBackendPermissionDenied
from django.contrib import auth
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from django_otp import match_token, user_has_device
from ninja import Router, Schema, Status
from pydantic import Field

from portico.accounts.models import User, normalise_email
from portico.api.auth import PortalToken, client_ip, closed, portal_caller
from portico.api.errors import ApiError
from portico.api.schemas import Error, Input, Secret, SingleLine
from portico.contacts import api_tokens
from portico.contacts.access import Problem, access_for
from portico.orgs.models import Organisation
from portico.orgs.selectors import preferences_of

router = Router(tags=["portal: auth"])
WRONG = "The email address, password or code is not correct."


class TokenIn(Input):
    email: SingleLine = Field(max_length=254)
    password: Secret = Field(max_length=200)
    code: SingleLine = Field(
        "", max_length=20, description="The one-time code, when two-factor is on."
    )
    customer: UUID | None = Field(None, description="Which customer, for a person of several.")


class TokenOut(Schema):
    token: str
    token_type: str
    expires_at: datetime.datetime
    session_id: UUID
    customer: UUID


def _organisation(org: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=org).first()
    if organisation is None or not preferences_of(organisation).portal_enabled:
        raise ApiError(404, "not_found", "Not found.")
    return organisation


@router.post(
    "/{org}/auth/token",
    auth=None,
    response={
        201: TokenOut,
        400: Error,
        401: Error,
        403: Error,
        404: Error,
        422: Error,
        429: Error,
    },
    summary="Exchange email, password (and one-time code) for a bearer token",
)
def token_create(request: HttpRequest, org: str, payload: TokenIn) -> Status[dict[str, object]]:
    organisation = _organisation(org)
    # The API reads JSON only; axes logs `request.POST`, which a malformed form body would break.
    request._post, request._files = QueryDict(), MultiValueDict()  # type: ignore[attr-defined]
    try:
        # Keyed `email` like the login page: django-axes throttles per (email, IP).
        user = auth.authenticate(
            request, email=normalise_email(payload.email), password=payload.password
        )
    except AxesBackendPermissionDenied:
        user = None
    if getattr(request, "axes_locked_out", False):
        # Answer in the envelope; AxesMiddleware would swap in its HTML lock-out page.
        request.axes_locked_out = False  # type: ignore[attr-defined]
        raise ApiError(429, "throttled", "Too many failed attempts; try again later.")
    if not isinstance(user, User):
        raise ApiError(401, "invalid_credentials", WRONG)
    access = access_for(user=user, organisation=organisation)
    if access.problem is Problem.NO_ACCESS:
        raise ApiError(401, "invalid_credentials", WRONG)
    if access.problem is not None:
        raise closed(access.problem)
    if user_has_device(user):
        if not payload.code:
            raise ApiError(
                401, "two_factor_required", "Send the one-time code.", {"code": "Required."}
            )
        if match_token(user, payload.code.strip()) is None:
            raise ApiError(401, "invalid_credentials", WRONG, {"code": "Not correct."})
    elif preferences_of(organisation).require_two_factor:
        raise ApiError(
            403, "two_factor_setup_required", "Set up two-factor sign-in in the portal first."
        )
    chosen = [p for p in access.persons if payload.customer in (None, p.contact.public_id)]
    if len(chosen) != 1:
        raise ApiError(
            422,
            "customer_required",
            "Name the customer to act for.",
            {"customer": "Required: one of your customers' ids." if chosen else "Not yours."},
        )
    session, secret = api_tokens.api_token_issue(
        person=chosen[0],
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        ip=client_ip(request),
    )
    assert session.expires_at is not None
    return Status(
        201,
        {
            "token": secret,
            "token_type": "Bearer",
            "expires_at": session.expires_at,
            "session_id": session.public_id,
            "customer": chosen[0].contact.public_id,
        },
    )


@router.delete(
    "/{org}/auth/token",
    auth=PortalToken(),
    response={204: None, 401: Error},
    summary="End this token's session",
)
def token_delete(request: HttpRequest, org: str) -> Status[None]:
    caller = portal_caller(request, org)
    api_tokens.api_token_end(session=caller.session)
    return Status(204, None)
