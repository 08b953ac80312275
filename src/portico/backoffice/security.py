"""The back office's sign-in rules, checked on every staff request: an idle session ends, and
a member with an authenticator app (or in an organisation that requires one) gives a code
after the password before anything else opens."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

SESSION_SEEN_AT = "staff_seen_at"
SESSION_HAS_DEVICE = "staff_has_device"  # (bool, checked at) to spare a query per request
TOUCH_EVERY_SECONDS = 30
DEVICE_RECHECK_SECONDS = 60

# Namespaces of the staff URLs (portico.backoffice.urls).
BACK_OFFICE_NAMESPACES = {"admin", "backoffice_documents", "sales"}
# Open before the second factor: signing in and out, and the two-factor pages themselves.
BEFORE_SECOND_FACTOR = {"login", "logout", "two_factor_setup", "two_factor_verify", "jsi18n"}


def has_device(request: HttpRequest, *, fresh: bool = False) -> bool:
    """Whether the staff user has a confirmed device, remembered for a minute in the session."""
    cached = request.session.get(SESSION_HAS_DEVICE)
    now = time.time()
    if not fresh and cached and now - cached[1] < DEVICE_RECHECK_SECONDS:
        return bool(cached[0])
    found = user_has_device(request.user)
    request.session[SESSION_HAS_DEVICE] = (found, now)
    return found


def remember_device(request: HttpRequest) -> None:
    request.session[SESSION_HAS_DEVICE] = (True, time.time())


def is_verified(request: HttpRequest) -> bool:
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def second_factor_url(request: HttpRequest) -> str | None:
    """Where a member must go before the back office opens, or None when they may go on."""
    if is_verified(request):
        return None
    if has_device(request):
        return reverse("admin:two_factor_verify")
    organisation = getattr(request, "organisation", None)
    if organisation is not None and organisation.require_staff_two_factor:
        return reverse("admin:two_factor_setup")
    return None


class StaffSecurityMiddleware:
    """Idle timeout and the second factor for staff (after `OrganisationMiddleware` and
    django-otp's middleware, which say who the member is and whether they gave a code)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or getattr(request, "membership", None) is None:
            return None
        if not BACK_OFFICE_NAMESPACES.intersection(match.namespaces):
            return None
        if self._idle_too_long(request):
            auth.logout(request)
            messages.info(
                request,
                _("You were signed out after %(minutes)d minutes without activity.")
                % {"minutes": settings.STAFF_IDLE_SECONDS // 60},
            )
            return _to(reverse("admin:login"), request.get_full_path())
        if match.url_name in BEFORE_SECOND_FACTOR and "admin" in match.namespaces:
            return None
        target = second_factor_url(request)
        if target is not None:
            return _to(target, request.get_full_path())
        return None

    @staticmethod
    def _idle_too_long(request: HttpRequest) -> bool:
        now = time.time()
        seen_at = request.session.get(SESSION_SEEN_AT)
        if seen_at is not None and now - seen_at > settings.STAFF_IDLE_SECONDS:
            return True
        if seen_at is None or now - seen_at >= TOUCH_EVERY_SECONDS:
            request.session[SESSION_SEEN_AT] = now
        return False


def _to(url: str, next_path: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{url}?{urlencode({'next': next_path})}")
