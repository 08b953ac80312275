"""The sandbox's public endpoints: tokenisation and the embeddable hosted fields.

These views belong to the simulated processor, not to the portal: they never touch the
portal's models, and the card data they receive ends here (see forms.py).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from portico.payments.gateways.base import MethodKind, use_requested_language
from portico.payments.gateways.sandbox import processor
from portico.payments.gateways.sandbox.processor import ProcessorError


def _payload(request: HttpRequest) -> dict[str, Any]:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}
    return request.POST.dict()


# The publishable key is the credential (as at a real processor); no session, no CSRF.
@login_not_required
@csrf_exempt
@never_cache
@require_POST
@sensitive_post_parameters()  # a server error's report never shows them
def tokens(request: HttpRequest) -> JsonResponse:
    use_requested_language(request)  # the fields' errors in the language they were shown in
    data = _payload(request)
    public_key = str(data.get("account") or request.headers.get("Sandbox-Account") or "")
    try:
        token = processor.token_create(public_key=public_key, data=data)
    except ProcessorError as exc:
        return JsonResponse(exc.as_json(), status=exc.status)
    return JsonResponse(token, status=201)


@login_not_required
@xframe_options_sameorigin
@never_cache
@require_GET
def hosted_fields(request: HttpRequest) -> HttpResponse:
    public_key = request.GET.get("account", "")
    kind = request.GET.get("kind", MethodKind.CARD)
    try:
        processor.public_account(public_key)
    except ProcessorError as exc:
        return JsonResponse(exc.as_json(), status=exc.status)
    if kind not in MethodKind.values:
        kind = MethodKind.CARD
    use_requested_language(request)
    return render(
        request,
        "sandbox/hosted_fields.html",
        {"public_key": public_key, "kind": kind, "parent_origin": settings.SITE_URL},
    )


@login_not_required
@never_cache
@require_GET
def try_it(request: HttpRequest) -> HttpResponse:
    """A stand-in for the portal's checkout page: embeds the hosted fields, shows the token."""
    public_key = request.GET.get("account", "")
    kind = request.GET.get("kind", MethodKind.CARD)
    try:
        processor.public_account(public_key)
    except ProcessorError as exc:
        return JsonResponse(exc.as_json(), status=exc.status)
    return render(request, "sandbox/try.html", {"public_key": public_key, "kind": kind})
