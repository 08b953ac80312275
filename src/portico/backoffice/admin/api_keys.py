"""Books API keys: created here (the key is shown once), revoked, with their last use."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portico.accounts import api_keys
from portico.accounts.models import ApiKey
from portico.backoffice.scoping import OrganisationScopedAdmin, organisation_of
from portico.backoffice.sites import site


@admin.register(ApiKey, site=site)
class ApiKeyAdmin(OrganisationScopedAdmin):
    settings_model = True
    list_display = [
        "name",
        "prefix",
        "read_only",
        "created_at",
        "last_used_at",
        "last_used_ip",
        "revoked_at",
    ]
    list_filter = ["read_only"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "last_used_ip", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["name", "read_only"]
        return ["name", "read_only", *self.readonly_fields]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the key's history stays

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        key, secret = api_keys.api_key_create(
            organisation=organisation_of(request),
            name=obj.name,
            read_only=obj.read_only,
            created_by=request.user if request.user.is_authenticated else None,
        )
        obj.pk = key.pk
        messages.warning(
            request,
            _("Copy the key now; it is not shown again: %(secret)s") % {"secret": secret},
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset:
            api_keys.api_key_revoke(key=key)
        messages.success(request, _("Revoked."))
