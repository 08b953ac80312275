"""The back office: Django's admin, themed by django-unfold, scoped to one organisation."""

from __future__ import annotations

from django.http import HttpRequest
from unfold.sites import UnfoldAdminSite


class BackOfficeSite(UnfoldAdminSite):
    site_header = "Portico back office"
    site_title = "Portico"
    index_title = "Back office"
    index_template = "backoffice/dashboard.html"

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff with a membership may enter; what they see is their organisation's only."""
        return bool(
            request.user.is_active
            and request.user.is_staff
            and getattr(request, "membership", None) is not None
        )


site = BackOfficeSite(name="admin")
