"""Portal pages in the language chain: the person's, else the customer's, else the organisation's.

Runs after the session, authentication and Django's LocaleMiddleware, which already picked the
visitor's own choice (the switcher's cookie) or the browser's Accept-Language. Logged in, the
chain above wins; its answer is read once per session and organisation, then kept in the session.
On the public pages (login, password reset, invitation), a visitor who chose nothing and whose
browser asks for no language Portico speaks reads the organisation's language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from portico.contacts import self_service_selectors as selectors
from portico.core.timezones import accepted_languages, supported_language
from portico.orgs.selectors import language_of_organisation

SESSION_LANGUAGE = "portal_language:{org_slug}"


def remember_language(request: HttpRequest, org_slug: str, language: str) -> None:
    """Called when the person changes their language, so the next page already uses it."""
    request.session[SESSION_LANGUAGE.format(org_slug=org_slug)] = language


def _activate(request: HttpRequest, language: str) -> None:
    translation.activate(language)
    request.LANGUAGE_CODE = language


def _visitor_chose(request: HttpRequest) -> bool:
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return bool(supported_language(cookie)) or bool(
        accepted_languages(request.headers.get("Accept-Language", ""))
    )


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
            if not _visitor_chose(request):
                language = supported_language(language_of_organisation(slug=org_slug))
                if language:
                    _activate(request, language)
            return
        key = SESSION_LANGUAGE.format(org_slug=org_slug)
        stored = request.session.get(key)
        if stored is None:
            stored = selectors.language_for_user(user_id=request.user.pk, org_slug=org_slug)
            request.session[key] = stored
        language = supported_language(stored)
        if language:
            _activate(request, language)
