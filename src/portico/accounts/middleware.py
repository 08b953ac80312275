"""Resolve the staff user's organisation once, at the edge (STYLE.md rule 4)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from portico.accounts import selectors

ACTIVE_ORGANISATION_SESSION_KEY = "portico_active_organisation"


class OrganisationMiddleware:
    """Sets `request.membership` and `request.organisation` (both None for non-staff)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = None
        user = request.user
        if user.is_authenticated and user.is_staff:
            membership = selectors.membership_for_user(
                user=user,
                organisation_id=request.session.get(ACTIVE_ORGANISATION_SESSION_KEY),
            )
        request.membership = membership  # type: ignore[attr-defined]
        request.organisation = membership.organisation if membership else None  # type: ignore[attr-defined]
        return self.get_response(request)
