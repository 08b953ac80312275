"""A staff member's second factor: set up an authenticator app (QR code, then a code, then
recovery codes shown once) and give a code after the password on each sign-in.

Mounted on the admin site (`admin:two_factor_setup`, `admin:two_factor_verify`); the
`StaffSecurityMiddleware` sends members here until their session is verified.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from unfold.widgets import UnfoldAdminTextInputWidget

from portico.accounts import two_factor
from portico.backoffice import security
from portico.backoffice.staff import as_staff
from portico.core.text import SingleLineField

SESSION_KEY = "staff_totp_key"


class SetupCodeForm(forms.Form):
    code = SingleLineField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=16,
        widget=UnfoldAdminTextInputWidget(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=gettext_lazy("The six digits the app shows for Portico."),
    )


class CodeForm(forms.Form):
    code = SingleLineField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=16,
        widget=UnfoldAdminTextInputWidget(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=gettext_lazy("Six digits, or one of your recovery codes."),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _page(request: HttpRequest, template: str, status: int = 200, **context: Any) -> HttpResponse:
    from portico.backoffice.sites import site

    page = {**site.each_context(request), "next": _next(request), **context}
    return TemplateResponse(request, template, page, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    staff = as_staff(request)
    if security.has_device(request, fresh=True):
        if security.is_verified(request):
            messages.info(
                request,
                _(
                    "Two-factor sign-in is already on. If you lost your phone, sign in with a "
                    "recovery code and ask the owner to reset it."
                ),
            )
            return HttpResponseRedirect(_next(request))
        return HttpResponseRedirect(reverse("admin:two_factor_verify"))
    key = request.session.get(SESSION_KEY) or two_factor.new_key()
    request.session[SESSION_KEY] = key
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.code_matches_key(key=key, code=form.cleaned_data["code"]):
            device, codes = two_factor.two_factor_enable(user=staff.user, key=key)
            otp_login(request, device)
            security.remember_device(request)
            del request.session[SESSION_KEY]
            return _page(
                request,
                "backoffice/two_factor/codes.html",
                title=_("Two-factor sign-in is on"),
                codes=codes,
            )
        form.add_error("code", _("That code is not correct. Check the time on your phone."))
    return _page(
        request,
        "backoffice/two_factor/setup.html",
        status=400 if form.errors else 200,
        title=_("Set up two-factor sign-in"),
        form=form,
        qr=two_factor.qr_data_uri(
            key=key, user=staff.user, issuer=f"Portico · {staff.organisation}"
        ),
        secret=two_factor.key_as_text(key),
        required=staff.organisation.require_staff_two_factor,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    staff = as_staff(request)
    if security.is_verified(request):
        return HttpResponseRedirect(_next(request))
    if not security.has_device(request, fresh=True):
        # The device was reset (a lost phone): set up a new one, or go on if none is needed.
        if staff.organisation.require_staff_two_factor:
            return HttpResponseRedirect(reverse("admin:two_factor_setup"))
        return HttpResponseRedirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(staff.user, form.cleaned_data["code"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_next(request))
        form.add_error("code", _("That code is not correct, or was already used."))
    return _page(
        request,
        "backoffice/two_factor/verify.html",
        status=400 if form.errors else 200,
        title=_("Two-factor sign-in"),
        form=form,
    )
