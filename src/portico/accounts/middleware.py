"""Resolve the staff user's organisation once, at the edge (STYLE.md rule 4)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from portico.accounts import selectors
from portico.core.timezones import zone_of

ACTIVE_ORGANISATION_SESSION_KEY = "portico_active_organisation"


class OrganisationMiddleware:
    """Sets `request.membership` and `request.organisation` (both None for non-staff), makes
    the organisation's time zone the current one, so every "today" is the business's, and the
    staff member's language the active one (`selectors.staff_language`)."""

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
        if membership is not None:
            timezone.activate(zone_of(membership.organisation.timezone))
            # The back office in the member's language (else the organisation's), over the
            # browser's that LocaleMiddleware chose.
            language = selectors.staff_language(
                user=membership.user, organisation=membership.organisation
            )
            translation.activate(language)
            request.LANGUAGE_CODE = language
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
