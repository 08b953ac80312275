"""Content Security Policy: strict everywhere we write the pages, looser in the admin (and for
the API docs' styles)."""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_EVAL, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

# django-unfold's admin is built on Alpine.js and inline styles; our own pages are not.
ADMIN_POLICY = {
    "script-src": [SELF, UNSAFE_INLINE, UNSAFE_EVAL],
    "style-src": [SELF, UNSAFE_INLINE],
}
# Swagger UI (the API docs, served locally) sets inline styles; its scripts are files.
API_DOCS_POLICY = {"style-src": [SELF, UNSAFE_INLINE]}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path.startswith(reverse("admin:index")):
            parts.replace = {**(parts.replace or {}), **ADMIN_POLICY}
            parts.nonce = None
        elif request.path == reverse("api:openapi-view"):
            parts.replace = {**(parts.replace or {}), **API_DOCS_POLICY}
        return parts
