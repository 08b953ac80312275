from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portico.backoffice.scoping import OrganisationScopedAdmin
from portico.backoffice.sites import site
from portico.orgs import services
from portico.orgs.models import Item, Organisation, PortalPreferences, Tax


class SettingsAdmin(OrganisationScopedAdmin):
    """One row per organisation: edited, never added or deleted from here."""

    settings_model = True

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organisation, site=site)
class OrganisationAdmin(SettingsAdmin):
    list_display = ["name", "slug", "base_currency", "primary_email"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "primary_email", "phone", "website", "tax_number"]}),
        (
            _("Address"),
            {"fields": ["street", "street2", "city", "state", "postal_code", "country"]},
        ),
        (
            _("Preferences"),
            {"fields": ["base_currency", "timezone", "language", "paper_size", "logo"]},
        ),
    ]


@admin.register(PortalPreferences, site=site)
class PortalPreferencesAdmin(SettingsAdmin):
    list_display = ["organisation", "portal_enabled", "show_sales_orders", "show_projects"]


@admin.register(Tax, site=site)
class TaxAdmin(OrganisationScopedAdmin):
    settings_model = True
    list_display = ["name", "rate", "is_default"]
    actions = ["make_default"]

    @admin.action(description=_("Make the selected tax the default"))
    def make_default(self, request: HttpRequest, queryset: QuerySet[Tax]) -> None:
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one tax."), messages.ERROR)
            return
        tax = services.tax_set_default(tax=queryset.get())
        self.message_user(request, _("%(tax)s is now the default tax.") % {"tax": tax})


@admin.register(Item, site=site)
class ItemAdmin(OrganisationScopedAdmin):
    list_display = ["name", "rate", "unit", "tax", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "description"]
