"""Content Security Policy: strict everywhere we write the pages, looser in the admin."""

from __future__ import annotations

from typing import TypeVar

from csp.constants import SELF, UNSAFE_EVAL, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

# django-unfold's admin is built on Alpine.js and inline styles; our own pages are not.
ADMIN_POLICY = {
    "script-src": [SELF, UNSAFE_INLINE, UNSAFE_EVAL],
    "style-src": [SELF, UNSAFE_INLINE],
}


ADMIN_SHELL = "_portico_admin_shell"


R = TypeVar("R", bound=HttpResponseBase)


def in_admin_shell(response: R) -> R:
    """Mark a staff page drawn in the admin's shell outside /admin/ (the Send form): it gets
    the admin's looser policy, which Unfold's Alpine.js needs."""
    setattr(response, ADMIN_SHELL, True)
    return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path.startswith(reverse("admin:index")) or getattr(response, ADMIN_SHELL, False):
            parts.replace = {**(parts.replace or {}), **ADMIN_POLICY}
            parts.nonce = None
        return parts
