"""The staff side's edge: a typed request and the one `@staff_view` every staff page uses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from portico.accounts.models import Membership, User
from portico.documents import responses
from portico.orgs.models import Organisation


class StaffRequest(HttpRequest):
    """What `OrganisationMiddleware` sets on a staff member's request, typed; `as_staff`
    (and so `@staff_view`) hands one out after checking the membership is there."""

    user: User
    membership: Membership
    organisation: Organisation


def as_staff(request: HttpRequest) -> StaffRequest:
    """The request of a member of an organisation, typed; anyone else gets a 404, as for a
    page that does not exist (the admin site lets only members in, so there it never fails)."""
    if (
        getattr(request, "membership", None) is None
        or getattr(request, "organisation", None) is None
    ):
        raise Http404("No such page.")
    return cast(StaffRequest, request)


SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
StaffView = Callable[..., HttpResponseBase]


def staff_view(view: StaffView) -> StaffView:
    """Only members of an organisation (`as_staff`); the view gets the organisation of the
    membership as its second argument, and the response is never cached. A read-only
    member's POST is refused here, for every staff page."""

    @responses.never_cached
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        staff = as_staff(request)
        if not staff.membership.can_write and request.method not in SAFE_METHODS:
            raise PermissionDenied  # a read-only member reads, prints and downloads only
        return view(staff, staff.organisation, *args, **kwargs)

    return wrapper
