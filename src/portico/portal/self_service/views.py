"""Self-service pages: my details and login email, company details, contact the business, review."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from portico.activity import self_service as services
from portico.activity.services import Origin
from portico.contacts import portal_tokens as tokens
from portico.contacts import self_service_selectors as selectors
from portico.contacts.scope import Module, PortalScope
from portico.core import ratelimit
from portico.core.errors import DomainError
from portico.orgs.selectors import preferences_of
from portico.portal import selectors as portal_selectors
from portico.portal.scoping import client_ip, portal_url, portal_view
from portico.portal.self_service import forms
from portico.portal.self_service.avatars import avatar_for
from portico.portal.self_service.middleware import remember_language


def _origin(request: HttpRequest) -> Origin:
    return Origin(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:300])


def _add_error(form: django_forms.Form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _details_page(
    request: HttpRequest,
    scope: PortalScope,
    *,
    form: forms.MyDetailsForm | None = None,
    email_form: forms.EmailChangeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    person = scope.person
    initial = {field: getattr(person, field) for field in services.PERSON_FIELDS}
    context = {
        "scope": scope,
        "tab": "details",
        "form": form or forms.MyDetailsForm(initial=initial),
        "email_form": email_form or forms.EmailChangeForm(),
        "avatar": avatar_for(person),
        "pending_email": selectors.pending_email_change_of(scope=scope),
    }
    return render(request, "portal/self_service/details.html", context, status=status)


@portal_view(module=Module.ACCOUNT)
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    if request.method != "POST":
        return _details_page(request, scope)
    form = forms.MyDetailsForm(request.POST)
    if form.is_valid():
        try:
            changes = services.person_details_update(
                scope=scope, values=form.cleaned_data, origin=_origin(request)
            )
        except DomainError as error:
            _add_error(form, error)
        else:
            language = scope.person.language
            remember_language(request, scope.organisation.slug, language)
            if language:
                translation.activate(language)
            messages.success(
                request, _("Your details were saved.") if changes else _("Nothing was changed.")
            )
            return redirect(portal_url(scope.organisation, "my_details"))
    return _details_page(request, scope, form=form, status=400)


@portal_view(module=Module.ACCOUNT)
@require_POST
def email_change(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    form = forms.EmailChangeForm(request.POST)
    if form.is_valid():
        try:
            pending = services.email_change_request(
                scope=scope,
                current_password=form.cleaned_data["current_password"],
                new_email=form.cleaned_data["new_email"],
                origin=_origin(request),
            )
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "We sent a confirmation link to %(email)s. Your login changes when you open "
                    "it; until then, keep using your current address."
                )
                % {"email": pending.new_email},
            )
            return redirect(portal_url(scope.organisation, "my_details"))
    return _details_page(request, scope, email_form=form, status=400)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, org_slug: str, token: str) -> HttpResponse:
    """Opened from the email: GET asks, POST confirms (mail scanners only ever GET)."""
    organisation = portal_selectors.organisation_for_portal(slug=org_slug)
    context: dict[str, Any] = {
        "organisation": organisation,
        "preferences": preferences_of(organisation),
    }
    try:
        if request.method == "POST":
            person = services.email_change_confirm(
                organisation=organisation, secret=token, origin=_origin(request)
            )
            context["confirmed_email"] = person.email
        else:
            pending = tokens.token_check(
                organisation=organisation, secret=token, purpose=tokens.Purpose.EMAIL_CHANGE
            )
            context["expires_at"] = pending.expires_at
    except tokens.TokenRejected as rejected:
        context["problem"] = rejected.problem
        status = 404 if rejected.problem in {"invalid", "foreign"} else 410
        return render(request, "portal/self_service/email_confirm.html", context, status=status)
    except DomainError as error:
        context["error"] = error.message
        return render(request, "portal/self_service/email_confirm.html", context, status=409)
    context["login_url"] = portal_url(organisation, "login")
    return render(request, "portal/self_service/email_confirm.html", context)


def _company_initial(scope: PortalScope) -> dict[str, str]:
    return {field: str(getattr(scope.contact, field) or "") for field in services.COMPANY_FIELDS}


def _company_page(
    request: HttpRequest,
    scope: PortalScope,
    form: forms.CompanyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "scope": scope,
        "tab": "company",
        "form": form or forms.CompanyForm(initial=_company_initial(scope)),
        "pending": selectors.pending_changes_of(scope=scope),
        "needs_review": selectors.settings_of(scope.organisation).details_changes_need_review,
        "persons": selectors.persons_of_customer(scope=scope),
    }
    return render(request, "portal/self_service/company.html", context, status=status)


@portal_view(module=Module.ACCOUNT)
@require_http_methods(["GET", "POST"])
def company(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    if request.method != "POST":
        return _company_page(request, scope)
    form = forms.CompanyForm(request.POST)
    if form.is_valid():
        try:
            result = services.company_details_submit(
                scope=scope, values=form.cleaned_data, origin=_origin(request)
            )
        except DomainError as error:
            _add_error(form, error)
        else:
            if result.queued:
                messages.success(
                    request,
                    _("Thank you. %(org)s will review your changes; they show here until then.")
                    % {"org": scope.organisation.name},
                )
            elif result.applied:
                messages.success(request, _("Your company details were saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(portal_url(scope.organisation, "company_details"))
    return _company_page(request, scope, form, status=400)


@portal_view(module=Module.ACCOUNT)
@require_http_methods(["GET", "POST"])
def contact_business(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    form = forms.ContactBusinessForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if not ratelimit.hit("message", *ratelimit.request_keys(request)):
            # The abuse limit, said kindly on the form: the address still reaches the business.
            form.add_error(
                None,
                _(
                    "You have sent many messages in the last hour. Please wait a while before "
                    "sending another, or write to %(email)s directly."
                )
                % {"email": scope.organisation.primary_email},
            )
            context = {"scope": scope, "tab": "contact", "form": form}
            page = render(request, "portal/self_service/contact.html", context, status=429)
            return ratelimit.retry_after(page, "message")
        if form.is_valid():
            try:
                services.customer_message_send(
                    scope=scope,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    origin=_origin(request),
                )
            except DomainError as error:
                _add_error(form, error)
            else:
                messages.success(
                    request,
                    _("Your message was sent to %(org)s. They will answer you by email.")
                    % {"org": scope.organisation.name},
                )
                return redirect(portal_url(scope.organisation, "contact_business"))
    context = {"scope": scope, "tab": "contact", "form": form}
    return render(request, "portal/self_service/contact.html", context, status=status)


@portal_view(module=Module.ACCOUNT)
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    if not scope.preferences.allow_reviews:
        raise Http404("Reviews are off.")
    existing = selectors.review_of(scope=scope)
    status = 200
    if request.method == "POST":
        form = forms.ReviewForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                _review, created = services.review_save(
                    scope=scope,
                    rating=form.cleaned_data["rating"],
                    text=form.cleaned_data["text"],
                    origin=_origin(request),
                )
            except DomainError as error:
                _add_error(form, error)
            else:
                messages.success(
                    request,
                    _("Thank you for your review.") if created else _("Your review was updated."),
                )
                return redirect(portal_url(scope.organisation, "review"))
    else:
        initial = {"rating": existing.rating, "text": existing.text} if existing else {}
        form = forms.ReviewForm(initial=initial)
    context = {"scope": scope, "tab": "review", "form": form, "existing": existing}
    return render(request, "portal/self_service/review.html", context, status=status)
