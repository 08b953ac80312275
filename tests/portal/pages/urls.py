"""The site's URLs with the document pages mounted in the portal (until portal/urls.py includes
them), so these tests run against the pages whatever the shell's placeholders are."""

from __future__ import annotations

from django.urls import include, path

from portico import urls as root
from portico.portal import urls as portal_urls
from portico.portal.pages import urls as pages_urls

PORTAL = "portal/<slug:org_slug>/"

portal_patterns = [*pages_urls.urlpatterns, *portal_urls.urlpatterns]
urlpatterns = [
    *[pattern for pattern in root.urlpatterns if str(pattern.pattern) != PORTAL],
    path(PORTAL, include((portal_patterns, "portal"))),
]
