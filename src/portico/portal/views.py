"""Portal pages: public ones (login, links from emails) and the shell's own pages.

Document pages (estimates, invoices, …) come with their issues; until then each section
shows an empty state so the menu, roles and the wall can be seen and tested.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import cast
from uuid import UUID

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from portico.accounts import sessions, two_factor
from portico.accounts.models import User, normalise_email
from portico.activity import invitations, self_service
from portico.contacts import document_links
from portico.contacts import portal_tokens as tokens
from portico.contacts.models import ContactPerson
from portico.contacts.scope import Module, PortalScope
from portico.core import ratelimit
from portico.core.errors import DomainError
from portico.core.timezones import supported_language
from portico.documents import links, sending
from portico.documents import selectors as document_selectors
from portico.documents.kinds import kind_named
from portico.orgs.models import Organisation
from portico.orgs.selectors import preferences_of
from portico.portal import forms, selectors, services
from portico.portal.pages import common
from portico.portal.scoping import (
    SESSION_HAS_DEVICE,
    SESSION_LINK,
    SESSION_LOGIN_AT,
    SESSION_PERSON,
    SESSION_SEEN_AT,
    PortalAccess,
    Problem,
    access_for,
    client_ip,
    is_verified,
    portal_access_view,
    portal_url,
    portal_view,
    problem_page,
)
from portico.portal.self_service.middleware import remember_language

SESSION_TOTP_KEY = "portal_totp_key"
Purpose = tokens.Purpose


def _public_context(organisation: Organisation, **extra: object) -> dict[str, object]:
    return {
        "organisation": organisation,
        "preferences": preferences_of(organisation),
        **extra,
    }


def _safe_next(request: HttpRequest, organisation: Organisation) -> str:
    """`next` only to a same-site path inside this portal; the home page otherwise."""
    home = portal_url(organisation, "home")
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target
        and url_has_allowed_host_and_scheme(target, allowed_hosts=None)
        and target.startswith(home)
        and not target.startswith("//")
    ):
        return target
    return home


def _start_session(request: HttpRequest, user: User, organisation: Organisation) -> None:
    auth.login(request, user, backend=sessions.BACKEND)
    now = time.time()
    request.session[SESSION_LOGIN_AT] = now
    request.session[SESSION_SEEN_AT] = now
    request.session[SESSION_HAS_DEVICE] = user_has_device(user)
    request.session.save()
    services.portal_login_record(
        user=user,
        organisation=organisation,
        session_key=str(request.session.session_key),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        ip=client_ip(request),
    )


# --- public pages ----------------------------------------------------------------------------


@login_not_required
@require_GET
def brand_css(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The organisation's colour as CSS (the CSP forbids inline styles)."""
    organisation = selectors.organisation_for_portal(slug=org_slug)
    colour = preferences_of(organisation).brand_colour
    response = render(
        request, "portal/brand.css", {"colour": colour}, content_type="text/css; charset=utf-8"
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters()  # a server error's report never shows them
def login(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = selectors.organisation_for_portal(slug=org_slug)
    if not preferences_of(organisation).portal_enabled:
        return problem_page(request, organisation, Problem.PORTAL_OFF)
    form = forms.LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Keyed `email` (the user model's USERNAME_FIELD): django-axes throttles per (email, IP).
        user = auth.authenticate(
            request,
            email=normalise_email(form.cleaned_data["email"]),
            password=form.cleaned_data["password"],
        )
        access = None if user is None else access_for(user=user, organisation=organisation)
        if access is None or access.problem is Problem.NO_ACCESS:
            form.add_error(None, _("The email address or password is not correct."))
        elif access.problem is not None:
            return problem_page(request, organisation, access.problem)
        else:
            _start_session(request, access.user, organisation)
            return redirect(_safe_next(request, organisation))
    context = _public_context(
        organisation,
        form=form,
        next=_safe_next(request, organisation),
        expired=request.GET.get("expired") == "1",
    )
    return render(request, "portal/login.html", context, status=400 if form.errors else 200)


@login_not_required
@require_POST
def logout(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = selectors.organisation_for_portal(slug=org_slug)
    services.portal_logout_record(session_key=request.session.session_key)
    auth.logout(request)
    messages.success(request, _("You have logged out."))
    return redirect(portal_url(organisation, "login"))


@login_not_required
@require_POST
def language(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The language switcher (login and account pages): the choice is kept in Django's language
    cookie for the public pages and, logged in, saved as the person's language. A code Portico
    does not speak changes nothing."""
    organisation = selectors.organisation_for_portal(slug=org_slug)
    response = redirect(_safe_next(request, organisation))
    chosen = supported_language(request.POST.get("language", ""))
    if not chosen:
        return response
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        chosen,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    if request.user.is_authenticated:
        self_service.language_choose(user=request.user, organisation=organisation, language=chosen)
        remember_language(request, organisation.slug, chosen)
    return response


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def password_forgot(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = selectors.organisation_for_portal(slug=org_slug)
    form = forms.EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        # Per address and per IP: each request would send a mail in the business's name.
        if not ratelimit.hit("password-reset", f"email:{email}", *ratelimit.request_keys(request)):
            return ratelimit.too_many(request, "password-reset")
        services.portal_password_reset_request(
            organisation=organisation, email=form.cleaned_data["email"]
        )
        # The same answer whether or not the address is known.
        return render(request, "portal/password_forgot_sent.html", _public_context(organisation))
    return render(
        request,
        "portal/password_forgot.html",
        _public_context(organisation, form=form),
        status=400 if form.errors else 200,
    )


def _token_page(
    request: HttpRequest, organisation: Organisation, rejected: tokens.TokenRejected, secret: str
) -> HttpResponse:
    problem = rejected.problem
    status = 404 if problem in {tokens.TokenProblem.INVALID, tokens.TokenProblem.FOREIGN} else 410
    renewable = problem in {tokens.TokenProblem.USED, tokens.TokenProblem.EXPIRED}
    context = _public_context(
        organisation,
        problem=problem,
        renew_url=portal_url(organisation, "link_renew", token=secret) if renewable else "",
        purpose=rejected.token.purpose if rejected.token else "",
    )
    return render(request, "portal/token_problem.html", context, status=status)


PasswordRedeem = Callable[..., ContactPerson]


def _password_link_page(
    request: HttpRequest,
    org_slug: str,
    token: str,
    *,
    purpose: str,
    redeem: PasswordRedeem,
    template: str,
    done: Callable[[Organisation, ContactPerson], HttpResponse],
) -> HttpResponse:
    """A link from an email that ends in choosing a password (invitation or reset)."""
    organisation = selectors.organisation_for_portal(slug=org_slug)
    try:
        found = tokens.token_check(organisation=organisation, secret=token, purpose=purpose)
    except tokens.TokenRejected as rejected:
        return _token_page(request, organisation, rejected, token)
    form = forms.SetPasswordForm(found.person.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = redeem(
                organisation=organisation, secret=token, password=form.cleaned_data["new_password1"]
            )
        except tokens.TokenRejected as rejected:
            return _token_page(request, organisation, rejected, token)
        except DomainError as error:
            form.add_error("new_password1", error.message)
        else:
            return done(organisation, person)
    context = _public_context(organisation, form=form, person=found.person)
    return render(request, template, context, status=400 if form.errors else 200)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit.limited("invitation")
@sensitive_post_parameters()  # a server error's report never shows them
def invitation_accept(request: HttpRequest, org_slug: str, token: str) -> HttpResponse:
    def done(organisation: Organisation, person: ContactPerson) -> HttpResponse:
        assert person.user is not None
        _start_session(request, person.user, organisation)
        messages.success(request, _("Welcome! Your portal account is ready."))
        return redirect(portal_url(organisation, "home"))

    return _password_link_page(
        request,
        org_slug,
        token,
        purpose=Purpose.INVITATION,
        redeem=services.portal_invitation_accept,
        template="portal/invitation_accept.html",
        done=done,
    )


@login_not_required
@require_POST
@ratelimit.limited("link-request")
def link_renew(request: HttpRequest, org_slug: str, token: str) -> HttpResponse:
    """Send me a new link: from a used or expired invitation or reset link."""
    organisation = selectors.organisation_for_portal(slug=org_slug)
    found = tokens.token_for_renewal(organisation=organisation, secret=token)
    if found is None:  # unknown, another organisation's, still usable, or already renewed
        rejected = tokens.TokenRejected(tokens.TokenProblem.INVALID)
        return _token_page(request, organisation, rejected, token)
    services.portal_link_renew(organisation=organisation, token=found)
    return render(request, "portal/link_renewed.html", _public_context(organisation))


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters()  # a server error's report never shows them
def password_reset(request: HttpRequest, org_slug: str, token: str) -> HttpResponse:
    def done(organisation: Organisation, person: ContactPerson) -> HttpResponse:
        messages.success(request, _("Your password was changed. Log in with the new one."))
        return redirect(portal_url(organisation, "login"))

    return _password_link_page(
        request,
        org_slug,
        token,
        purpose=Purpose.PASSWORD_RESET,
        redeem=services.portal_password_reset_complete,
        template="portal/password_reset.html",
        done=done,
    )


# --- before a customer is chosen -------------------------------------------------------------


@portal_access_view()
@require_http_methods(["GET", "POST"])
def choose(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    """One login, several customers here: pick the one to act for."""
    organisation = access.organisation
    if request.method == "POST":
        chosen = request.POST.get("person", "")
        if chosen.isdigit() and access.scope_for(int(chosen)) is not None:
            request.session[SESSION_PERSON.format(organisation_id=organisation.pk)] = int(chosen)
            return redirect(_safe_next(request, organisation))
    context = _public_context(
        organisation, persons=access.persons, next=_safe_next(request, organisation)
    )
    return render(request, "portal/choose.html", context)


@portal_access_view(unverified=True)
@never_cache
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters()  # a server error's report never shows them
def two_factor_verify(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    organisation = access.organisation
    if is_verified(request):
        return redirect(_safe_next(request, organisation))
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(access.user, form.cleaned_data["code"])
        if device is None:
            form.add_error("code", _("That code is not correct, or was already used."))
        else:
            otp_login(request, device)
            return redirect(_safe_next(request, organisation))
    context = _public_context(organisation, form=form, next=_safe_next(request, organisation))
    return render(
        request, "portal/two_factor_verify.html", context, status=400 if form.errors else 200
    )


@portal_access_view(unverified=True)
@never_cache
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters()  # a server error's report never shows them
def two_factor_setup(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    """Scan a QR code, type a code, get recovery codes (shown once)."""
    organisation = access.organisation
    if request.session.get(SESSION_HAS_DEVICE):
        if is_verified(request):
            return redirect(portal_url(organisation, "account"))
        return redirect(portal_url(organisation, "two_factor_verify"))
    key = request.session.get(SESSION_TOTP_KEY) or two_factor.new_key()
    request.session[SESSION_TOTP_KEY] = key
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.code_matches_key(key=key, code=form.cleaned_data["code"]):
            device, codes = services.portal_two_factor_enable(user=access.user, key=key)
            otp_login(request, device)
            request.session[SESSION_HAS_DEVICE] = True
            # Browsers logged in with the password alone must now log in with the code too.
            services.portal_sessions_end_others(
                user=access.user, keep_session_key=request.session.session_key
            )
            del request.session[SESSION_TOTP_KEY]
            return render(
                request,
                "portal/two_factor_codes.html",
                _public_context(organisation, codes=codes),
            )
        form.add_error("code", _("That code is not correct. Check the time on your phone."))
    context = _public_context(
        organisation,
        form=form,
        qr=two_factor.qr_data_uri(key=key, user=access.user, issuer=organisation.name),
        secret=two_factor.key_as_text(key),
        required=preferences_of(organisation).require_two_factor,
    )
    return render(
        request, "portal/two_factor_setup.html", context, status=400 if form.errors else 200
    )


# --- the shell's pages -----------------------------------------------------------------------


@portal_view
@require_GET
def home(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    from portico.portal.pages.home import dashboard_context

    context = {"scope": scope, **dashboard_context(scope)}
    return render(request, "portal/pages/home.html", context)


def _account_context(
    request: HttpRequest, scope: PortalScope, password_form: forms.PasswordChangeForm | None = None
) -> dict[str, object]:
    # The person's user is the one signed in, except in a staff preview.
    user = request.user if scope.person.user_id == request.user.pk else scope.person.user
    assert isinstance(user, User)
    return {
        "scope": scope,
        "password_form": password_form or forms.PasswordChangeForm(user),
        "sessions": _session_rows(request, scope, user),
        "two_factor_on": bool(request.session.get(SESSION_HAS_DEVICE)),
        "two_factor_required": scope.preferences.require_two_factor,
    }


SESSION_ROW = (
    '        <li class="list-group-item px-0 d-flex justify-content-between align-items-start'
    ' gap-2">\n'
    '          <div class="min-w-0">\n'
    '            <div class="fw-semibold text-truncate" title="{agent}">{device}</div>\n'
    '            <div class="small text-body-secondary">{ip} · {seen}{here}</div>\n'
    "          </div>\n"
    '          <form method="post" action="{url}">{csrf}<button type="submit"'
    ' class="btn btn-sm btn-outline-secondary text-nowrap">{button}</button></form>\n'
    "        </li>"
)


def _session_rows(request: HttpRequest, scope: PortalScope, user: User) -> SafeString:
    """The live sessions' list items, each row's text formatted and escaped once in Python
    (a template loop costs more than the rows; a person may be signed in in many places)."""
    sessions = common.with_urls(
        scope, selectors.sessions_of_user(user=user), "session_end", "session_id"
    )
    current = request.session.session_key
    csrf = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
    unknown, here = _("Unknown device"), format_html(" · <strong>{}</strong>", _("this browser"))
    log_out, end = _("Log out"), _("End")
    return mark_safe(
        "\n".join(
            format_html(
                SESSION_ROW,
                agent=session.user_agent,
                device=session.device or unknown,
                ip=session.ip_address or "—",
                seen=_("last seen %(when)s ago") % {"when": timesince(session.last_seen_at)},
                here=here if session.session_key == current else "",
                url=session.portal_url,
                csrf=csrf,
                button=log_out if session.session_key == current else end,
            )
            for session in sessions
        )
    )


@portal_view(module=Module.ACCOUNT)
@require_GET
def account(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    return render(request, "portal/account.html", _account_context(request, scope))


@portal_view(module=Module.ACCOUNT)
@require_POST
@sensitive_post_parameters()  # a server error's report never shows them
def password_change(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    user = scope.person.user
    assert user is not None
    form = forms.PasswordChangeForm(user, request.POST)
    if form.is_valid():
        try:
            services.portal_password_change(
                scope_person=scope.person,
                current=form.cleaned_data["current"],
                new=form.cleaned_data["new_password1"],
                keep_session_key=request.session.session_key,
            )
        except DomainError as error:
            form.add_error(
                "current" if error.field == "current" else "new_password1", error.message
            )
        else:
            auth.update_session_auth_hash(request, user)
            messages.success(
                request, _("Your password was changed. Your other sessions were logged out.")
            )
            return redirect(portal_url(scope.organisation, "account"))
    return render(
        request, "portal/account.html", _account_context(request, scope, form), status=400
    )


@portal_view(module=Module.ACCOUNT)
@require_POST
def session_end(request: HttpRequest, scope: PortalScope, session_id: UUID) -> HttpResponse:
    assert scope.person.user is not None
    session = selectors.session_of_user(user=scope.person.user, session_id=session_id)
    if session.session_key == request.session.session_key:
        services.portal_logout_record(session_key=session.session_key)
        auth.logout(request)
        return redirect(portal_url(scope.organisation, "login"))
    services.portal_session_end(session=session)
    messages.success(request, _("That session was logged out."))
    return redirect(portal_url(scope.organisation, "account"))


@portal_view(module=Module.ACCOUNT)
@require_POST
def sessions_end_others(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    assert scope.person.user is not None
    count = services.portal_sessions_end_others(
        user=scope.person.user, keep_session_key=request.session.session_key
    )
    messages.success(request, _("%(count)d other sessions were logged out.") % {"count": count})
    return redirect(portal_url(scope.organisation, "account"))


@portal_view(module=Module.ACCOUNT)
@require_POST
@sensitive_post_parameters()  # a server error's report never shows them
def two_factor_disable(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    assert scope.person.user is not None
    if scope.preferences.require_two_factor:
        messages.error(
            request, _("%(org)s requires two-factor login.") % {"org": scope.organisation}
        )
    else:
        invitations.portal_two_factor_disable(user=scope.person.user)
        request.session[SESSION_HAS_DEVICE] = False
        messages.success(request, _("Two-factor login is off."))
    return redirect(portal_url(scope.organisation, "account"))


# --- personal document links -----------------------------------------------------------------


def _link_page(
    request: HttpRequest,
    organisation: Organisation,
    problem: str,
    *,
    status: int,
    renew_url: str = "",
    **extra: object,
) -> HttpResponse:
    context = _public_context(organisation, problem=problem, renew_url=renew_url, **extra)
    return render(request, "portal/document_link_problem.html", context, status=status)


@login_not_required
@never_cache
@require_GET
def document_link(request: HttpRequest, org_slug: str, token: str) -> HttpResponse:
    """A personal document link from an email: opens that one document, no password.

    A visitor without a login gets a session narrowed to the document (`scoping.link_scope`);
    someone logged in as a person of the same customer goes straight to the page.
    """
    organisation = selectors.organisation_for_portal(slug=org_slug)
    ip = client_ip(request)
    if not ratelimit.hit("document-link", f"ip:{ip}"):
        return _link_page(request, organisation, "rate_limited", status=429)
    link = document_links.link_by_secret(organisation=organisation, secret=token)
    if link is None:
        return _link_page(request, organisation, "invalid", status=404)
    if not preferences_of(organisation).portal_enabled:
        return problem_page(request, organisation, Problem.PORTAL_OFF)
    problem = document_links.link_problem(link)
    renew_url = portal_url(organisation, "document_link_renew", token=token)
    if problem is tokens.TokenProblem.EXPIRED:
        return _link_page(request, organisation, "expired", status=410, renew_url=renew_url)
    if problem is not None:
        return _link_page(request, organisation, "revoked", status=410)
    person = link.person
    scope = PortalScope(organisation, person.contact, person, document_id=link.document_id)
    kind = kind_named(link.document_kind)
    try:
        document = document_selectors.document_get_for_portal(
            scope=scope, kind=kind, public_id=link.document_id
        )
    except Http404:
        return _link_page(request, organisation, "revoked", status=410)
    sending.document_link_opened(
        scope=scope,
        link=link,
        document=document,
        ip=ip,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    destination = links.portal_document_path(organisation.slug, kind.slug, document.public_id)
    if request.user.is_authenticated:
        access = access_for(user=cast(User, request.user), organisation=organisation)
        mine = [p for p in access.persons if p.contact_id == person.contact_id]
        if access.problem is None and mine:
            key = SESSION_PERSON.format(organisation_id=organisation.pk)
            request.session[key] = mine[0].pk
            return redirect(destination)
        # Someone else's login in this browser: the link does not mix with it.
        return _link_page(request, organisation, "other_login", status=403)
    request.session.cycle_key()
    request.session[SESSION_LINK.format(organisation_id=organisation.pk)] = link.pk
    return redirect(destination)


@login_not_required
@never_cache
@require_POST
@ratelimit.limited("link-request")
def document_link_renew(request: HttpRequest, org_slug: str, token: str) -> HttpResponse:
    """Send me a fresh link: from an expired document link, to the address it went to."""
    organisation = selectors.organisation_for_portal(slug=org_slug)
    ip = client_ip(request)
    if not ratelimit.hit("document-link", f"ip:{ip}"):
        return _link_page(request, organisation, "rate_limited", status=429)
    link = document_links.link_by_secret(organisation=organisation, secret=token)
    if link is None:
        return _link_page(request, organisation, "invalid", status=404)
    sending.document_link_renew(link=link, ip=ip)
    # The same answer whether or not a link went out: the page confirms nothing.
    return _link_page(request, organisation, "renew_requested", status=200)
