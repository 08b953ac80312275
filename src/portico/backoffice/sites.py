"""The back office: Django's admin, themed by django-unfold, scoped to one organisation."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext_lazy, ngettext
from unfold.sites import UnfoldAdminSite

# What a read-only member may still post: their own session, password, second factor and
# language, and the export form (it writes nothing).
READ_ONLY_MAY_POST = {
    "logout",
    "password_change",
    "two_factor_setup",
    "two_factor_verify",
    "account_language",
}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def read_only_may_post(url_name: str | None) -> bool:
    if not url_name:
        return False
    return url_name in READ_ONLY_MAY_POST or url_name.endswith("_export")


def refuse_writes_by_read_only(request: HttpRequest) -> None:
    """One gate for every admin URL, custom ones included: a read-only member's POST is a 403
    whatever the screen's own permission methods say."""
    membership = getattr(request, "membership", None)
    if membership is None or membership.can_write or request.method in SAFE_METHODS:
        return
    match = getattr(request, "resolver_match", None)
    if not read_only_may_post(match.url_name if match else None):
        raise PermissionDenied


class BackOfficeSite(UnfoldAdminSite):
    site_header = gettext_lazy("Portico back office")
    site_title = "Portico"
    index_title = gettext_lazy("Back office")
    index_template = "backoffice/dashboard.html"

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff with a membership may enter; what they see is their organisation's only."""
        return bool(
            request.user.is_active
            and request.user.is_staff
            and getattr(request, "membership", None) is not None
        )

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        """Unfold's header label carries the unread notifications of the organisation, and the
        account menu links to them (one count query per page)."""
        from portico.activity import selectors

        context = super().each_context(request)
        organisation = getattr(request, "organisation", None)
        if organisation is None or getattr(request, "membership", None) is None:
            return context
        unread = selectors.notifications_unread_count(organisation=organisation)
        link = reverse("admin:activity_notification_changelist") + "?read=no"
        title = ngettext("%(count)d unread notification", "%(count)d unread notifications", unread)
        if unread:
            context["environment"] = [title % {"count": unread}, "warning"]
        context["account_links"] = [
            {"title": title % {"count": unread}, "link": link},
            *context.get("account_links", []),
        ]
        return context

    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Any:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            refuse_writes_by_read_only(request)
            return view(request, *args, **kwargs)

        return super().admin_view(guarded, cacheable)

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> Any:
        """Django's page, with the change made (and kept in the audit trail) by the service."""
        from django.contrib.auth.views import PasswordChangeView

        from portico.backoffice.forms import StaffPasswordChangeForm

        request.current_app = self.name
        return PasswordChangeView.as_view(
            form_class=StaffPasswordChangeForm,
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
            **(
                {"template_name": self.password_change_template}
                if self.password_change_template
                else {}
            ),
        )(request)

    def get_urls(self) -> list[URLResolver | URLPattern]:
        from portico.backoffice.views import account, two_factor

        return [
            path(
                "two-factor/setup/",
                self.admin_view(two_factor.setup),
                name="two_factor_setup",
            ),
            path(
                "two-factor/verify/",
                self.admin_view(two_factor.verify),
                name="two_factor_verify",
            ),
            path(
                "account/language/",
                self.admin_view(account.language),
                name="account_language",
            ),
            *super().get_urls(),
        ]


site = BackOfficeSite(name="admin")
