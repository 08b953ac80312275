"""The project's URLs with the documents pages mounted, for tests that run before (or without)
the portal's include line."""

from __future__ import annotations

from django.urls import include, path

from portico.portal import urls as portal_urls
from portico.urls import urlpatterns as root_patterns

_portal = [
    *[p for p in portal_urls.urlpatterns if "documents/" not in str(p.pattern)],
    path("documents/", include("portico.documents.portal_urls")),
]

urlpatterns = [
    *[
        p
        for p in root_patterns
        if not str(p.pattern).startswith(("portal/", "backoffice/documents/"))
    ],
    path("portal/<slug:org_slug>/", include((_portal, "portal"))),
    path("backoffice/documents/", include("portico.documents.staff_urls")),
]
