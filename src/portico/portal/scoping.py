"""The portal's wall: who is acting, for which customer, in which organisation.

Every portal page is wrapped in `@portal_view`. It resolves the organisation from the URL,
the logged-in person from the session and hands the view a `PortalScope`; pages read only
through selectors that take that scope. Anything else gets the login page, a clear
"no access" page, or a 404 (a module outside the person's role is a 404 and is not in the menu).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeAlias, cast, overload
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portico.contacts import document_links
from portico.contacts import selectors as contact_selectors
from portico.contacts.access import PortalAccess, Problem, access_for
from portico.contacts.models import ContactPerson
from portico.contacts.scope import Module, PortalScope, preview_session_key
from portico.core import addresses
from portico.core.client_ip import client_ip as core_client_ip
from portico.core.errors import PortalError
from portico.orgs.models import Organisation
from portico.orgs.selectors import preferences_of
from portico.portal import selectors

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

from portico.accounts.models import User

Status = ContactPerson.PortalStatus
P = ParamSpec("P")

SESSION_PERSON = "portal_person:{organisation_id}"
SESSION_LINK = "portal_link:{organisation_id}"
"""The document link a visitor without a login opened (`portal.views.document_link`)."""
SESSION_LOGIN_AT = "portal_login_at"
SESSION_SEEN_AT = "portal_seen_at"
SESSION_HAS_DEVICE = "portal_has_device"
TOUCH_EVERY_SECONDS = 60
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class MenuItem:
    module: Module
    label: _StrPromise
    icon: str
    url_name: str
    preference: str = ""
    """A PortalPreferences flag that must be on for the item to show (e.g. allow_reviews)."""


MENU: tuple[MenuItem, ...] = (
    MenuItem(Module.HOME, _("Home"), "house", "portal:home"),
    MenuItem(Module.ESTIMATES, _("Estimates"), "file-earmark-text", "portal:estimates"),
    MenuItem(Module.INVOICES, _("Invoices"), "receipt", "portal:invoices"),
    MenuItem(Module.PAYMENTS, _("Payments"), "credit-card", "portal:payments"),
    MenuItem(Module.SALES_ORDERS, _("Sales orders"), "cart", "portal:sales_orders"),
    MenuItem(Module.PROJECTS, _("Projects"), "kanban", "portal:projects"),
    MenuItem(Module.TIMESHEETS, _("Timesheets"), "clock-history", "portal:timesheets"),
    MenuItem(Module.STATEMENT, _("Statement"), "journal-text", "portal:statement"),
    MenuItem(Module.ACCOUNT, _("Account"), "person-circle", "portal:account"),
    MenuItem(Module.ACCOUNT, _("Contact us"), "envelope", "portal:contact_business"),
    MenuItem(Module.ACCOUNT, _("Write a review"), "star", "portal:review", "allow_reviews"),
)
MENU_URL_NAMES = tuple(item.url_name for item in MENU)


def menu_for(scope: PortalScope) -> list[tuple[MenuItem, str]]:
    """(item, url) for each section this person may open, in menu order (none for a link)."""
    if scope.is_link:
        return []
    urls = addresses.fixed_many(MENU_URL_NAMES, org_slug=scope.organisation.slug)
    items = []
    for item, url in zip(MENU, urls, strict=True):
        if not scope.allows(item.module):
            continue
        if item.preference and not getattr(scope.preferences, item.preference):
            continue
        items.append((item, url))
    return items


def portal_address(url_name: str, org_slug: str) -> str:
    """A portal address that takes only the slug (the menu's, the shell's), reversed once per
    portal (and URLconf and script prefix), not on every page."""
    return addresses.fixed(url_name, org_slug=org_slug)


class PortalRequest(HttpRequest):
    """A request inside `@portal_view`: a logged-in user acting for the resolved scope.

    `request.organisation` stays the staff membership's (None here): the portal's
    organisation is `portal_scope.organisation`.
    """

    user: User
    portal_scope: PortalScope
    portal_customer_count: int
    """0 for a document-link visit (no login, no customer to switch to)."""


def portal_url(organisation: Organisation, name: str, **kwargs: Any) -> str:
    return reverse(f"portal:{name}", kwargs={"org_slug": organisation.slug, **kwargs})


def login_redirect(request: HttpRequest, organisation: Organisation, **extra: str) -> HttpResponse:
    query = urlencode({"next": request.get_full_path(), **extra})
    return redirect(f"{portal_url(organisation, 'login')}?{query}")


def preview_access(request: HttpRequest, organisation: Organisation) -> PortalAccess | None:
    """A staff member's read-only look at the portal as the person they chose in the back
    office ("View portal as this customer"), if they chose one for this organisation."""
    user = request.user
    if not getattr(user, "is_staff", False):
        return None
    person_id = request.session.get(preview_session_key(organisation.pk))
    person = contact_selectors.person_for_staff_preview(
        user=user, organisation=organisation, person_id=person_id
    )
    if person is None:
        return None
    return PortalAccess(organisation, cast("User", user), (person,), preview=True)


def problem_page(
    request: HttpRequest, organisation: Organisation, problem: Problem
) -> HttpResponse:
    context = {
        "organisation": organisation,
        "preferences": preferences_of(organisation),
        "problem": problem,
        "code": PortalError.CONTACT_DELETED.value if problem is Problem.CONTACT_DELETED else "",
    }
    return render(request, "portal/problem.html", context, status=403)


def preview_refused(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    """Every POST of a staff preview, whatever the page: nothing is changed for the customer."""
    context = {
        "organisation": scope.organisation,
        "preferences": scope.preferences,
        "problem": "preview",
        "code": "",
        "preview_contact_id": scope.contact.pk,
    }
    return render(request, "portal/problem.html", context, status=403)


def session_expired(request: HttpRequest) -> bool:
    """Idle or absolute timeout reached (checked on every portal request)."""
    now = time.time()
    login_at = request.session.get(SESSION_LOGIN_AT)
    seen_at = request.session.get(SESSION_SEEN_AT)
    if login_at is not None and now - login_at > settings.SESSION_COOKIE_AGE:
        return True
    return seen_at is not None and now - seen_at > settings.SESSION_IDLE_SECONDS


def touch_session(request: HttpRequest, organisation: Organisation) -> None:
    """Record activity at most once a minute (one session write, one row update)."""
    from portico.portal import services

    now = time.time()
    seen_at = request.session.get(SESSION_SEEN_AT)
    if seen_at is not None and now - seen_at < TOUCH_EVERY_SECONDS:
        return
    request.session.setdefault(SESSION_LOGIN_AT, now)
    request.session[SESSION_SEEN_AT] = now
    if request.session.session_key is None:
        request.session.save()
    services.portal_session_touch(
        user=cast(User, request.user),
        organisation=organisation,
        session_key=str(request.session.session_key),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        ip_address=client_ip(request),
    )


def client_ip(request: HttpRequest) -> str | None:
    return core_client_ip(request)


def has_second_factor(request: HttpRequest) -> bool:
    """Whether the user has a confirmed device; cached in the session, set at login."""
    if SESSION_HAS_DEVICE not in request.session:
        from django_otp import user_has_device

        request.session[SESSION_HAS_DEVICE] = user_has_device(request.user)
    return bool(request.session[SESSION_HAS_DEVICE])


def is_verified(request: HttpRequest) -> bool:
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


AccessView: TypeAlias = Callable[Concatenate[HttpRequest, PortalAccess, P], HttpResponse]
ScopeView: TypeAlias = Callable[Concatenate[PortalRequest, PortalScope, P], HttpResponse]
Wrapped: TypeAlias = Callable[..., HttpResponse]


def link_scope(request: HttpRequest, organisation: Organisation) -> PortalScope | None:
    """The one-document scope of a document-link visit, checked again on every request (a
    revoked or expired link stops working at once), or None."""
    key = SESSION_LINK.format(organisation_id=organisation.pk)
    link_id = request.session.get(key)
    if link_id is None:
        return None
    link = document_links.link_get_live(organisation=organisation, link_id=int(link_id))
    if link is None or not preferences_of(organisation).portal_enabled:
        request.session.pop(key, None)
        return None
    person = link.person
    return PortalScope(organisation, person.contact, person, document_id=link.document_id)


def _resolve_access(
    request: HttpRequest, org_slug: str, *, unverified: bool
) -> PortalAccess | HttpResponse:
    user = request.user
    persons = None
    if user.is_authenticated and not user.is_staff:
        # One query for the scope: the organisation comes with the user's persons there.
        organisation, persons = selectors.portal_for_user(slug=org_slug, user=cast(User, user))
    else:
        organisation = selectors.organisation_for_portal(slug=org_slug)
    if not user.is_authenticated:
        return login_redirect(request, organisation)
    if session_expired(request):
        auth.logout(request)
        return login_redirect(request, organisation, expired="1")
    preview = preview_access(request, organisation)
    if preview is not None:
        # Staff have passed the back office's own sign-in; the preview records no session.
        return preview
    access = access_for(user=cast(User, user), organisation=organisation, persons=persons)
    if access.problem is not None:
        return problem_page(request, organisation, access.problem)
    if not unverified and not is_verified(request):
        if has_second_factor(request):
            return redirect(
                f"{portal_url(organisation, 'two_factor_verify')}?"
                + urlencode({"next": request.get_full_path()})
            )
        if preferences_of(organisation).require_two_factor:
            return redirect(portal_url(organisation, "two_factor_setup"))
    touch_session(request, organisation)
    return access


def portal_access_view(*, unverified: bool = False) -> Callable[[AccessView[P]], Wrapped]:
    """For the few pages a logged-in user sees before a customer is chosen (choose, two-factor).

    The view receives `PortalAccess`; `unverified=True` lets it run before the second factor.
    """

    def decorate(view: AccessView[P]) -> Wrapped:
        @login_not_required
        @wraps(view)
        def wrapper(request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            access = _resolve_access(request, org_slug, unverified=unverified)
            if isinstance(access, HttpResponse):
                return access
            return view(request, access, *args, **kwargs)

        return wrapper

    return decorate


@overload
def portal_view(view: ScopeView[P], /) -> Wrapped: ...
@overload
def portal_view(
    view: None = None, /, *, module: Module | str = Module.HOME, link: bool = False
) -> Callable[[ScopeView[P]], Wrapped]: ...
def portal_view(
    view: ScopeView[P] | None = None,
    /,
    *,
    module: Module | str = Module.HOME,
    link: bool = False,
) -> Wrapped | Callable[[ScopeView[P]], Wrapped]:
    """Wrap a portal page: `@portal_view` or `@portal_view(module=Module.INVOICES)`.

    The URL must capture `org_slug`; the view is called as `view(request, scope, **other_kwargs)`
    and `request.portal_scope` is set for templates. A module outside the person's role or
    switched off in the preferences answers 404.

    `link=True` lets a document-link visitor (no login) in with a scope narrowed to the link's
    one document (its page, PDF, answer, payment); every other page answers them 404.
    """
    required = Module(module)

    def decorate(view: ScopeView[P]) -> Wrapped:
        @login_not_required
        @wraps(view)
        def wrapper(request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                organisation = selectors.organisation_for_portal(slug=org_slug)
                narrowed = link_scope(request, organisation)
                if narrowed is not None:
                    # A page without a section of its own (print, PDF) checks the document's.
                    if not link or (required is not Module.HOME and not narrowed.allows(required)):
                        raise Http404("No such page.")
                    link_request = cast(PortalRequest, request)
                    link_request.portal_scope = narrowed
                    link_request.portal_customer_count = 0
                    return view(link_request, narrowed, *args, **kwargs)
            access = _resolve_access(request, org_slug, unverified=False)
            if isinstance(access, HttpResponse):
                return access
            key = SESSION_PERSON.format(organisation_id=access.organisation.pk)
            scope = access.scope_for(request.session.get(key))
            if scope is None:
                choose = portal_url(access.organisation, "choose")
                return redirect(f"{choose}?{urlencode({'next': request.get_full_path()})}")
            if not scope.allows(required):
                raise Http404("No such page.")
            if scope.preview and request.method not in SAFE_METHODS:
                return preview_refused(request, scope)
            portal_request = cast(PortalRequest, request)
            portal_request.portal_scope = scope
            portal_request.portal_customer_count = len(access.persons)
            return view(portal_request, scope, *args, **kwargs)

        return wrapper

    if view is not None:
        return decorate(view)
    return decorate
