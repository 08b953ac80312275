"""The site's URLs with the document pages mounted in the portal.

`portico.portal.urls` includes them; this URLconf only mounts them itself when that include is
missing, so the pages' tests never depend on the order in which the portal's parts land.
"""

from __future__ import annotations

from django.urls import include, path

from portico import urls as root
from portico.portal import urls as portal_urls
from portico.portal.pages import urls as pages_urls

PORTAL = "portal/<slug:org_slug>/"

mounted = any(p.name == "invoice_detail" for p in portal_urls.urlpatterns if hasattr(p, "name"))
urlpatterns = list(root.urlpatterns)
if not mounted:
    portal_patterns = [*pages_urls.urlpatterns, *portal_urls.urlpatterns]
    urlpatterns = [
        *[pattern for pattern in root.urlpatterns if str(pattern.pattern) != PORTAL],
        path(PORTAL, include((portal_patterns, "portal"))),
    ]
