"""Portal pages in the logged-in person's preferred language.

Runs after the session, authentication and Django's LocaleMiddleware (which already picked the
browser's language for the pages before login). The person's choice is read once per session
and organisation, then kept in the session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from portico.contacts import self_service_selectors as selectors

SESSION_LANGUAGE = "portal_language:{org_slug}"


def remember_language(request: HttpRequest, org_slug: str, language: str) -> None:
    """Called when the person changes their language, so the next page already uses it."""
    request.session[SESSION_LANGUAGE.format(org_slug=org_slug)] = language


class PortalLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        org_slug = view_kwargs.get("org_slug")
        match = request.resolver_match
        if not org_slug or match is None or "portal" not in match.namespaces:
            return
        if not request.user.is_authenticated:
            return
        key = SESSION_LANGUAGE.format(org_slug=org_slug)
        language = request.session.get(key)
        if language is None:
            language = selectors.language_for_user(user_id=request.user.pk, org_slug=org_slug)
            request.session[key] = language
        if language and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
